import { describe, expect, it } from 'vitest';
import { answerSpans } from '../../../rag/generate/answer-spans.ts';

const texts = (text: string, outer: string[] = []) => answerSpans(text, outer).map((span) => span.text);

describe('answerSpans definition lines', () => {
  it('keeps the heading path above a definition line', () => {
    const spans = answerSpans('## Options\n\n### maxSize: `number`\n\nDefault: `1024`');
    const line = spans.find((span) => span.text === 'Default: `1024`');
    expect(line).toMatchObject({ kind: 'line', headings: ['Options', 'maxSize: `number`'] });
  });

  it('puts the chunk headings first and does not repeat the passage heading that closes them', () => {
    const spans = answerSpans('### maxSize: `number`\n\nDefault: `1024`', ['Reference', 'Options', 'maxSize: `number`']);
    expect(spans[0]?.headings).toEqual(['Reference', 'Options', 'maxSize: `number`']);
  });
});

describe('answerSpans bold titles', () => {
  it('takes a paragraph that is one bold title as the heading of what follows, until the next title or heading', () => {
    const spans = answerSpans(
      '## Laptop\n\n**MacBooks**\n\nFileVault is on by default.\n\n**Windows/PCs**\n\nBitLocker is on by default.\n\n## Phone\n\nSet a passcode.',
    );
    const headingsOf = (text: string) => spans.find((span) => span.text === text)?.headings;
    expect(headingsOf('FileVault is on by default.')).toEqual(['Laptop', 'MacBooks']);
    expect(headingsOf('BitLocker is on by default.')).toEqual(['Laptop', 'Windows/PCs']);
    expect(headingsOf('Set a passcode.')).toEqual(['Phone']);
  });

  it('leaves a bold sentence and a bold lead-in inside the text', () => {
    const spans = answerSpans('## Leave\n\n**Unused leave is lost at the end of the year.**\n\nPlan ahead.\n\n**To carry it over:**\n\nAsk HR.');
    expect(spans.find((span) => span.text === 'Plan ahead.')?.headings).toEqual(['Leave']);
    expect(spans.find((span) => span.text === 'Ask HR.')?.headings).toEqual(['Leave']);
  });
});

describe('answerSpans tables', () => {
  it('reads a Markdown table row with its header row', () => {
    const spans = answerSpans('| Option | Default |\n| --- | --- |\n| retries | `3` |\n| backoff | `linear` |');
    expect(spans.map((span) => span.text)).toEqual(['Option: retries · Default: `3`', 'Option: backoff · Default: `linear`']);
    expect(spans.every((span) => span.kind === 'row')).toBe(true);
  });

  it('keeps a pipe inside a code span as content of its cell', () => {
    expect(texts('| Flag | Values |\n| --- | --- |\n| mode | `fast | safe` |')).toEqual(['Flag: mode · Values: `fast | safe`']);
  });

  it('reads a two-cell HTML table row as "Label: value"', () => {
    const spans = answerSpans('<table>\n<tr><td>Floor</td><td>12th</td></tr>\n<tr><td>Front desk</td><td>Room 1204</td></tr>\n</table>');
    expect(spans.map((span) => span.text)).toEqual(['Floor: 12th', 'Front desk: Room 1204']);
    expect(spans[0]?.kind).toBe('row');
  });
});

describe('answerSpans plain text', () => {
  it('reads tab-separated lines as a table whose first line is the header', () => {
    const spans = answerSpans(
      'Presets\n\nPreset\tSuitable platforms\nwidget/quick\tPlatforms that start the app per request\nwidget/tiny\tSmall bundles',
    );
    expect(spans.filter((span) => span.kind === 'row').map((span) => span.text)).toEqual([
      'Preset: widget/quick · Suitable platforms: Platforms that start the app per request',
      'Preset: widget/tiny · Suitable platforms: Small bundles',
    ]);
  });

  it('takes a lone short line of a text without marked headings as the heading of what follows, and still quotes it', () => {
    const text =
      'allowMethods: string[]\n\nThe methods the header allows.\nIts default is GET and HEAD.\n\nallowHeaders: string[]\n\nThe headers it allows.';
    expect(answerSpans(text).map((span) => [span.kind, span.text, span.headings])).toEqual([
      ['line', 'allowMethods: string[]', []],
      ['sentence', 'The methods the header allows.', ['allowMethods: string[]']],
      ['sentence', 'Its default is GET and HEAD.', ['allowMethods: string[]']],
      ['line', 'allowHeaders: string[]', []],
      ['sentence', 'The headers it allows.', ['allowHeaders: string[]']],
    ]);
  });

  it('reads a lone line straight under another as its subsection, and a later lone line as a section of its own', () => {
    const text =
      'Insurance\n\nHealth\n\nNew hires have 60 days to enroll.\n\nDental\n\nDental plans are optional.\n\nParking\n\nPermits renew in May.';
    expect(
      answerSpans(text)
        .filter((span) => span.kind === 'sentence')
        .map((span) => span.headings),
    ).toEqual([['Insurance', 'Health'], ['Dental'], ['Parking']]);
  });

  it('guesses no heading where the text marks its own, nor from a line of code', () => {
    const marked = '# Options\n\nDefault: 600\n\nThe cache keeps entries this long.';
    expect(answerSpans(marked).every((span) => span.headings.join() === 'Options')).toBe(true);
    const code = "import { widget } from 'widget'\n\nThe widget renders once.";
    expect(answerSpans(code).at(-1)?.headings).toEqual([]);
  });
});

describe('answerSpans lists', () => {
  it('makes each list item a span, and a short list also one steps span', () => {
    const spans = answerSpans('- Open the visitor portal\n- Enter the guest name\n- Print the badge');
    expect(spans.filter((span) => span.kind === 'item').map((span) => span.text)).toEqual([
      'Open the visitor portal',
      'Enter the guest name',
      'Print the badge',
    ]);
    expect(spans.filter((span) => span.kind === 'steps').map((span) => span.text)).toEqual([
      '- Open the visitor portal\n- Enter the guest name\n- Print the badge',
    ]);
  });

  it('reads lines that each hold one sentence and open alike as a list written without markers, and other prose as sentences', () => {
    const notes = answerSpans('View usage by key in the new Usage tab.\nView your rate limits in the new Limits tab.');
    expect(notes.map((span) => [span.kind, span.text])).toEqual([
      ['item', 'View usage by key in the new Usage tab.'],
      ['item', 'View your rate limits in the new Limits tab.'],
    ]);
    const wrapped = answerSpans('Staff may take a paid sabbatical every five years. They agree to\nstay for six months after it ends.');
    expect(wrapped.map((span) => span.kind)).toEqual(['sentence', 'sentence']);
    const perLine = answerSpans('Staff may take a paid sabbatical every five years.\nThey agree to stay for six months after it ends.');
    expect(perLine.map((span) => span.kind)).toEqual(['sentence', 'sentence']);
  });

  it('makes a list introduced by a line ending in ":" one steps span with its intro', () => {
    const spans = answerSpans('To book a room:\n\n1. Open the calendar\n2. Pick the room');
    expect(spans.find((span) => span.kind === 'steps')?.text).toBe('To book a room:\n1. Open the calendar\n2. Pick the room');
  });
});

describe('answerSpans sentences', () => {
  it('never cuts a sentence inside a Markdown link whose text holds ". "', () => {
    const spans = texts('Read [the guide. It is short](https://example.org/guide) before you start. Then ask the desk.');
    expect(spans).toEqual(['Read [the guide. It is short](https://example.org/guide) before you start.', 'Then ask the desk.']);
  });

  it('never cuts a sentence inside a code span', () => {
    expect(texts('Call `client.close(). Then exit` when done. Logs rotate daily.')).toEqual([
      'Call `client.close(). Then exit` when done.',
      'Logs rotate daily.',
    ]);
  });

  it('keeps the emphasis that closes a sentence with the sentence, so no quoted span opens or ends half-bold', () => {
    expect(texts('No form is needed. **You must reply within three days.** Then meet the _requester._ Then it is done.')).toEqual([
      'No form is needed.',
      '**You must reply within three days.**',
      'Then meet the _requester._',
      'Then it is done.',
    ]);
  });

  it('keeps the words of a relative or template link but drops its target, and keeps http(s) links whole', () => {
    expect(texts('See the [setup page](../setup.md) for details.')).toEqual(['See the setup page for details.']);
    expect(texts('See the [style guide]({{ site.baseurl }}/style) first.')).toEqual(['See the style guide first.']);
    expect(texts('See the [status page](https://status.example.org) for outages.')).toEqual([
      'See the [status page](https://status.example.org) for outages.',
    ]);
  });
});

describe('answerSpans layout', () => {
  it('skips front matter and `{% ... %}` block tags', () => {
    const spans = texts('---\ntitle: Parking\nlayout: page\n---\n{% include nav.html %}\n\nVisitors park on level two.\n\n{% endif %}');
    expect(spans).toEqual(['Visitors park on level two.']);
  });

  it('quotes a code block as its page shows it after a diff: removed lines go, markers of added and highlighted lines too', () => {
    const block = [
      'Change the port:',
      '',
      '```ts',
      'export default app // [!code --]',
      'export default { // [!code ++]',
      '  port: 3000, // [!code ++] ',
      '  fetch: app.fetch, // [!code highlight]',
      '} // [!code ++]',
      '```',
      '',
      '```sh',
      'npm run dev # [!code --]',
      'bun run dev # [!code ++]',
      '```',
    ].join('\n');
    expect(
      answerSpans(block)
        .filter((span) => span.kind === 'code')
        .map((span) => span.text),
    ).toEqual(['Change the port:\n```ts\nexport default {\n  port: 3000,\n  fetch: app.fetch,\n}\n```', '```sh\nbun run dev\n```']);
  });

  it('makes a small code block introduced by a line ending in ":" one code span with its intro', () => {
    const spans = answerSpans('Install the client first:\n\n```sh\nnpm install widgetry\n```');
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ kind: 'code', text: 'Install the client first:\n```sh\nnpm install widgetry\n```' });
  });

  it('reads code that plain text or a PDF left without fences as code, and wrapped prose as prose', () => {
    const text =
      "Set the allowed methods:\n\napp.use(\n  cors({\n    allowMethods: ['GET', 'POST'],\n  })\n)\n\n" +
      'The default allows GET, HEAD, PUT, POST,\nDELETE and PATCH, and the list can be\nchanged per route.';
    expect(answerSpans(text).map((span) => [span.kind, span.text])).toEqual([
      ['code', "Set the allowed methods:\n```\napp.use(\n  cors({\n    allowMethods: ['GET', 'POST'],\n  })\n)\n```"],
      ['sentence', 'The default allows GET, HEAD, PUT, POST, DELETE and PATCH, and the list can be changed per route.'],
    ]);
  });

  it('reads hard-wrapped prose whose lines end in commas as prose, not as code', () => {
    const text =
      'New employees, employees who move outside the area covered by their plan,\n' +
      'and employees who have certain life events have 60 days to enroll,\nmodify, change, or cancel their plans.';
    expect(answerSpans(text).map((span) => span.kind)).toEqual(['sentence']);
    expect(answerSpans("const options = {\n  port: 3000,\n  fetch: app.fetch,\n  hostname: 'localhost',\n}")[0]?.kind).toBe('code');
  });

  it("keeps quoting the doc comment of a source file's code as prose", () => {
    const source =
      '/** Sends one question and returns the cited answer. */\nexport async function askClient(question) {\n  return post(question);\n}';
    expect(answerSpans(source)[0]).toMatchObject({
      kind: 'sentence',
      text: expect.stringContaining('Sends one question and returns the cited answer.'),
    });
    // Without the marks that made it a comment: a quote reads as the sentence it is.
    expect(texts('/** Sends one question. */\n\n"""Summarises the feedback table."""\n\n// Example: ask over HTTP.')).toEqual([
      'Sends one question.',
      'Summarises the feedback table.',
      'Example: ask over HTTP.',
    ]);
  });
});

describe('answerSpans tidying', () => {
  it('keeps the space before a name that starts with a dot, and drops one a removed tag left before punctuation', () => {
    expect(texts('The default value is ./static and secrets go in a .env file.')).toEqual([
      'The default value is ./static and secrets go in a .env file.',
    ]);
    expect(texts('Set the limit in <code>bodyLimit</code> <span>.</span>')).toEqual(['Set the limit in `bodyLimit`.']);
    // An entity named like an object's own property is no entity.
    expect(texts('Write &amp; or &constructor; as text.')).toEqual(['Write & or &constructor; as text.']);
  });
});

describe('answerSpans converter escapes', () => {
  it("drops the backslashes an HTML page's conversion put before names and brackets, but not inside code or before emphasis marks", () => {
    expect(texts('Set LORE\\_MAX\\_FILE\\_MB to 40 before you upload.')).toEqual(['Set LORE_MAX_FILE_MB to 40 before you upload.']);
    expect(texts('See \\[the travel rules\\]\\[travel-guide\\] and \\[receipts\\]({% page "/receipts/" %}) before you go.')).toEqual([
      'See the travel rules and receipts before you go.',
    ]);
    expect(texts('The pattern `\\[\\d+\\]` matches \\*one\\* marker.')).toEqual(['The pattern `\\[\\d+\\]` matches \\*one\\* marker.']);
  });
});

describe('answerSpans menu residue', () => {
  it('does not quote menu titles a scraper ran together, but keeps prose with product names and code names', () => {
    const menu = 'Get started with Quill for DocsInstall Quill for DocsEnter your first promptAdvanced useOptional settings';
    const page = `${menu}\n\nQuill for Docs drafts replies from your notes.\n\nBuilds run on StarlingMonkey and SpiderMonkey through JavaScript bindings\n\nListen for onOpen and onClose events`;
    expect(texts(page)).toEqual([
      'Quill for Docs drafts replies from your notes.',
      'Builds run on StarlingMonkey and SpiderMonkey through JavaScript bindings',
      'Listen for onOpen and onClose events',
    ]);
  });
});
