import { describe, expect, it } from 'vitest';
import { ABSTENTION_SENTENCE } from '../../../rag/cite/abstention.ts';
import { ExtractiveGenerator } from '../../../rag/generate/extractive-generator.ts';
import type { Passage } from '../../../rag/types.ts';

// Invented documents: the handbook of a fictional company (Quillmark) and the docs of a fictional library (fernhttp).
function passage(n: number, title: string, text: string, headings: string[] = []): Passage {
  return {
    n,
    docId: `files:${title}.md`,
    chunkIds: [`chunk-${n}`],
    title,
    url: `file:///kb/${title}.md`,
    source: 'files',
    text,
    score: 1 - n / 10,
    headings,
  };
}

async function answer(question: string, passages: Passage[], generator = new ExtractiveGenerator()): Promise<string> {
  let text = '';
  for await (const event of generator.generate({ question, passages })) if (event.type === 'done') text = event.text;
  return text;
}

const sabbatical = passage(
  1,
  'sabbatical',
  `# Sabbatical

Quillmark staff take a 6-week paid sabbatical.
Sabbaticals are planned with your manager a quarter ahead.`,
);
const eligibility = passage(
  2,
  'eligibility',
  `# Sabbatical eligibility

You become eligible for a sabbatical every 5 years of service.
Part-time staff accrue service at the same rate.`,
);
const holidayPay = passage(
  3,
  'holiday-pay',
  `# Holiday pay

Hourly staff are paid 8 hours for each paid holiday.
Working on a paid holiday earns double pay.`,
);
const parking = passage(
  4,
  'parking',
  `# Parking

| Lot | Hours | Permit |
| --- | --- | --- |
| North lot | 6am to 8pm | green |
| River lot | 24 hours | blue |`,
);
const fernClient = passage(
  5,
  'fernhttp-client',
  `## Options

### timeout: \`number\`

How long a request may take, in milliseconds.

Default: \`30000\`

### retries: \`number\`

How many times a failed request is sent again.

Default: \`2\``,
);
const fernCompress = passage(
  6,
  'fernhttp-compress',
  `## compress middleware

The compress middleware gzips responses.

### Options

- \`level\`: the gzip level, from 1 to 9.
- \`threshold\`: the smallest body size to compress, in bytes.`,
);
const fernCompressWithDefault = passage(6, 'fernhttp-compress', `${fernCompress.text}\n\nThe threshold defaults to \`1024\` bytes.`);

describe('ExtractiveGenerator answers from a table', () => {
  it('quotes the row a question is about, with its value', async () => {
    const text = await answer('What permit do I need for the river lot?', [parking, holidayPay]);
    expect(text).toContain('River lot');
    expect(text).toContain('Permit: blue');
    expect(text).toContain('[4]');
    expect(text).not.toContain('North lot');
  });

  it('answers "which X" from the cell under the header X, though the value is plain text without code marks', async () => {
    const tiers = passage(
      1,
      'fernhttp-builds',
      '# Builds\n\n| Package | Suited to |\n| --- | --- |\n| fern/lean | servers that start a fresh process for each request |\n| fern/full | long-running servers |',
    );
    const text = await answer('which package fits a host that starts a fresh process for every request?', [tiers]);
    expect(text).toContain('Package: fern/lean');
    expect(text).not.toContain('fern/full');
  });
});

describe('ExtractiveGenerator answers from a definition under a heading', () => {
  it('quotes the Default line of the option asked about, not the one of its neighbour', async () => {
    const text = await answer("what's the default timeout", [fernClient, fernCompress]);
    expect(text).toMatch(/Default: `30000` \[5\]/);
    expect(text).not.toContain('`2`');
  });

  it('prefixes the Default line with the heading that says what it is the default of', async () => {
    expect(await answer("what's the default timeout", [fernClient, fernCompress])).toContain('**timeout: `number`**: Default: `30000` [5]');
  });
});

describe('ExtractiveGenerator answers a question in two parts', () => {
  it('quotes a fact for each part, each from its own document, both cited', async () => {
    const text = await answer('how many weeks is the sabbatical and how many yrs between sabbaticals', [sabbatical, eligibility, holidayPay]);
    expect(text).toContain('6-week paid sabbatical');
    expect(text).toContain('every 5 years of service');
    expect(text).toContain('[1]');
    expect(text).toContain('[2]');
  });
});

describe('ExtractiveGenerator answers a yes/no question with the sentence that rules on it', () => {
  it('quotes "cannot be used with…" first, over a better-ranked description that shares as many words', async () => {
    const behaviour = passage(
      1,
      'timeout-middleware',
      '# Timeout middleware\n\nThe timeout middleware ends a streamed response that runs past its timeout with a 504.',
    );
    const caveats = passage(2, 'streaming', '# Streaming\n\nStreamed responses cannot be used with the timeout middleware.');
    const text = await answer('can i use the timeout middleware on a streamed response?', [behaviour, caveats]);
    expect(text).toMatch(/^Streamed responses cannot be used with the timeout middleware \[2\]\./);
  });
});

describe('ExtractiveGenerator answers with the span that holds the kind of answer asked for', () => {
  it('quotes the options list when the best-matching sentence only describes what the options are for', async () => {
    const helper = passage(
      1,
      'fern-token-helper',
      '# Fern token helper\n\nThe Fern auth middleware verifies the tokens that the Fern token helper signs with its defaults.',
    );
    const options = passage(
      2,
      'fern-auth-middleware',
      '## Options\n\n- `secret`: the key the tokens were signed with.\n- `alg`: the algorithm, `HS256` unless set.',
      ['Fern auth middleware'],
    );
    const text = await answer(
      'i sign tokens with the fern token helper using the defaults — what options does the fern auth middleware need to verify them?',
      [helper, options],
    );
    expect(text).toContain('`secret`');
    expect(text).toContain('HS256');
  });
});

describe('ExtractiveGenerator answers "who" with a contact', () => {
  it('quotes the sentence giving an address first, over a better-ranked one naming only a team', async () => {
    const process = passage(1, 'incidents', '# Security incidents\n\nThe security team reviews every reported incident within a day.');
    const contact = passage(2, 'reporting', '# Reporting\n\nReport an incident to security@quillmark.example right away.');
    const text = await answer('who do i report a security incident to?', [process, contact]);
    expect(text).toMatch(/^Report an incident to security@quillmark\.example right away \[2\]\./);
  });
});

describe('ExtractiveGenerator answers each thing compared', () => {
  it('quotes the import for each runtime, though the two spans share most of their words', async () => {
    const deno = passage(
      1,
      'Deno',
      "## Serve static files\n\n```ts\nimport { serveFiles } from 'fernhttp/deno'\n\napp.use('/static/*', serveFiles({ root: './' }))\n```",
      ['Deno', 'Serve static files'],
    );
    const edge = passage(2, 'Edge runtime', '## Serve static files\n\nTo serve static files, use `serveFiles`, imported from `fernhttp/edge`.', [
      'Edge runtime',
      'Serve static files',
    ]);
    const text = await answer('serveFiles import for deno vs edge?', [deno, edge]);
    expect(text).toContain("from 'fernhttp/deno'");
    expect(text).toContain('`fernhttp/edge`');
  });
});

describe('ExtractiveGenerator reads a part that refers back to another', () => {
  it('measures "how often … keep it active" against the subject the other part names', async () => {
    const survey = passage(
      1,
      'survey-tool',
      `# Survey tool accounts

Accounts of the survey tool are locked after 9 weeks without a login, so log in at least every 9 weeks to keep yours active.`,
    );
    const chat = passage(2, 'chat', '# Chat\n\nChat shows you as active for 10 minutes every time you log in.');
    const text = await answer('survey tool locked my account, how often do i need to log in to keep it active', [chat, survey]);
    expect(text).toMatch(/^Accounts of the survey tool .*every 9 weeks/);
    expect(text).not.toContain('10 minutes');
  });
});

describe('ExtractiveGenerator quotes what follows the answer in its section', () => {
  it("quotes the next paragraph's first sentence when it speaks to the question too", async () => {
    const uploads = passage(
      1,
      'body-limit',
      `## Uploads on the edge runtime

The edge runtime answers 413 before fernhttp sees the request.

Uploads above 64MiB need the runtime's maxBodySize raised as well.`,
    );
    const text = await answer('why does the edge runtime return 413 for big uploads?', [uploads]);
    expect(text).toContain('answers 413');
    expect(text).toContain('64MiB');
  });

  it('quotes the sentence that an answer opening with "This is because…" refers back to', async () => {
    const edge = passage(
      1,
      'edge-runtime',
      `## Large uploads

Raising fernhttp's limit past 64MiB does not help on the edge runtime. This is because the runtime answers 413 itself before the request reaches the app.

Other runtimes have no such limit.`,
    );
    const text = await answer('why do big uploads get a 413 from the edge runtime before my app sees them?', [edge]);
    expect(text).toContain('past 64MiB does not help');
    expect(text.indexOf('past 64MiB')).toBeLessThan(text.indexOf('This is because'));
  });

  it('quotes the sentence that an answer pointing back at the end of a clause ("bigger than that, …") depends on', async () => {
    const edge = passage(
      1,
      'edge-runtime',
      `## Large uploads

The edge runtime accepts request bodies of at most 64MiB. If you raise fernhttp's upload limit to a value bigger than that, uploads still fail with a 413 from the runtime.

Other runtimes have no such limit.`,
    );
    const text = await answer('edge runtime keeps answering 413 on big uploads although i raised the fernhttp upload limit, why?', [edge]);
    expect(text).toContain('bigger than that');
    expect(text).toContain('at most 64MiB');
    expect(text.indexOf('at most 64MiB')).toBeLessThan(text.indexOf('bigger than that'));
  });

  it('quotes, after a short answer, the prose of its section that goes on with the explanation', async () => {
    const websockets = passage(
      1,
      'fernhttp-node',
      `## WebSocket

WebSocket support is built into \`fernhttp-server\`. Create the socket server with \`{ noServer: true }\` and pass it to \`serve()\`.

\`fernhttp-ws\` is deprecated.

## Static files

Serve static files with \`serveStatic\`.`,
    );
    const text = await answer('websockets on node — do i still need fernhttp-ws?', [websockets]);
    expect(text).toContain('`fernhttp-ws` is deprecated');
    expect(text).toContain('built into `fernhttp-server`');
    expect(text).not.toContain('serveStatic');
  });

  it("quotes the rule that opens the section around the answer's subsection", async () => {
    const credit = passage(
      1,
      'credit-hours',
      `## Credit hours

Only staff on flexible schedules can earn and use credit hours. Credit hours have no salary cap.

### An example

You are not required to stay late, but you can ask your manager to work one more hour and earn one credit hour. Request the hour in the time tool before you work it.

## Holidays

Holidays are paid for every schedule.`,
    );
    const text = await answer('im on a compressed sched, can i earn credit hours if i stay late?', [credit]);
    expect(text).toContain('earn one credit hour');
    expect(text).toContain('Only staff on flexible schedules');
    expect(text).not.toContain('Holidays are paid');
  });

  it('follows a chain of sentences that each refer back to the one before', async () => {
    const cache = passage(
      1,
      'cache',
      `## Config cache

fernhttp reads its config file once, when the process starts. It keeps the parsed file in memory. This is why edits need a restart to apply.`,
    );
    const text = await answer('why do my config edits need a restart to apply?', [cache]);
    expect(text).toContain('reads its config file once');
    expect(text).toContain('keeps the parsed file in memory');
  });

  it('quotes the sentence that the line introducing a code block refers back to', async () => {
    const testing = passage(
      1,
      'testing',
      `## Env

\`client.fetch\` takes an optional third argument. This is useful for faking database bindings in tests:

\`\`\`ts
const res = await client.fetch('/posts', {}, { DB: fakeDb })
\`\`\``,
    );
    const text = await answer('how do i fake the database bindings in tests?', [testing]);
    expect(text).toContain('third argument');
    expect(text.indexOf('third argument')).toBeLessThan(text.indexOf('fakeDb'));
  });

  it('quotes a snippet once when the page repeats it (one copy per language tab)', async () => {
    const tabs = passage(
      1,
      'client',
      `## Creating a client

Pass the key as \`apiKey\` when you create the client: \`new Fern({ apiKey })\`.

Pass the key as \`apiKey\` when you create the client: \`new Fern({ apiKey })\`.`,
    );
    const text = await answer('how do i pass the apiKey when i create the fern client?', [tabs]);
    expect(text.match(/Pass the key as/g)).toHaveLength(1);
  });

  it('does not run on into the next section', async () => {
    const sections = passage(
      1,
      'body-limit',
      `## Uploads on the edge runtime

The edge runtime answers 413 before fernhttp sees the request.

## Downloads

Uploads and downloads share the runtime's 64MiB buffer.`,
    );
    expect(await answer('why does the edge runtime return 413 for big uploads?', [sections])).not.toContain('64MiB');
  });
});

describe('ExtractiveGenerator names the thing a "what X do we use" question asks for', () => {
  it('quotes the sentence naming the password manager, not only the advice to use one', async () => {
    const passwords = passage(
      1,
      'passwords',
      `## 1. Use a password manager

There's a secret to dealing with passwords: use a password manager to store your passwords. This way you only memorize the master password for the password manager. You can use your password manager to generate a unique password for each service.

We recommend [KeeVault](https://example.org/keevault), which runs on every laptop. Install KeeVault from the self-service app.`,
    );
    const text = await answer('what pw manager are we supposed to use?', [passwords]);
    expect(text).toContain('KeeVault');
  });
});

describe('ExtractiveGenerator reads chat shorthand as the long word documents use', () => {
  it('matches "prod" and "config" to "production" and "configuration"', async () => {
    const production = passage(1, 'deploy', '## Deploying\n\nThe production configuration is set in `deploy/production.yaml`.');
    const local = passage(2, 'local', '## Working locally\n\nSet the config for your laptop in `.env.local`, never in the repository.');
    const text = await answer('where do i set the config for prod?', [local, production]);
    expect(text.startsWith('The production configuration is set in `deploy/production.yaml`')).toBe(true);
  });
});

describe("ExtractiveGenerator reads past the asker's circumstances", () => {
  const benefits = passage(
    1,
    'benefits',
    `# Health plans

Quillmark offers three health plans through Fairway Health.
New staff and staff with a qualifying life event have 45 days to enroll in or change their health plan.
Otherwise plans change during the autumn enrollment window.`,
  );
  const expenses = passage(2, 'expenses', '# Expenses\n\nQuillmark pays your mobile phone bill up to $40 a month.');

  it('answers a question told after the circumstances no document mentions ("getting married in june")', async () => {
    expect(await answer('getting married in june — how long do i have to change my health plan?', [benefits, expenses])).toContain('45 days');
  });

  it('ranks first the span that speaks to the question proper over one that only repeats the circumstances', async () => {
    const leave = passage(
      1,
      'leave',
      '# Parental leave\n\nParents on parental leave keep their health plan and their parental leave balance for 20 weeks.',
    );
    const timesheets = passage(2, 'timesheets', '# Timesheets\n\nLog a long absence on your timesheet under code 4410.');
    expect(await answer('going on 20 weeks parental leave — how do i log it on my timesheet?', [leave, timesheets])).toMatch(/^Log a long absence/);
  });

  it('answers a question asking leave to use a thing from the rule on that thing, whatever it is wanted for', async () => {
    const tunnels = passage(
      1,
      'security',
      '# Local development\n\n## Tunnels\n\nTools such as `quiltunnel` and `portpipe` are forbidden on work laptops, because they expose them to the internet.',
    );
    const demos = passage(
      2,
      'rituals',
      '# Team rituals\n\nEvery sprint ends with a demo of the app to the partner.\nLocal teams pick their own demo day.\nPartners may join the demo remotely.',
    );
    expect(await answer('can i use quiltunnel to demo my local app to a partner?', [tunnels, demos])).toMatch(/forbidden/);
  });

  it('still abstains when the question proper asks about something no document covers', async () => {
    expect(await answer("i'm fully remote — does quillmark reimburse home internet?", [expenses, benefits])).toBe(ABSTENTION_SENTENCE);
  });
});

describe('ExtractiveGenerator answers "when" from a dated heading', () => {
  const releaseNotes = passage(
    1,
    'release-notes',
    `# fernhttp release notes

## March 3rd, 2025

Webhooks now retry failed deliveries up to five times.

## January 14th, 2025

Request tracing is now generally available on every plan.`,
  );

  it('quotes what happened with the dated heading of its release note, which says when', async () => {
    const text = await answer('when did request tracing become generally available?', [releaseNotes]);
    expect(text).toBe('**January 14th, 2025**: Request tracing is now generally available on every plan [1].');
  });

  it('reads the date from the title of a page that has no heading of its own', async () => {
    const note = passage(1, 'January 14th, 2025', 'Request tracing is now generally available on every plan.');
    expect(await answer('when did request tracing become generally available?', [note])).toBe(
      '**January 14th, 2025**: Request tracing is now generally available on every plan [1].',
    );
  });

  it('still abstains when the release notes do not speak of what the question asks', async () => {
    expect(await answer('when did request signing become available?', [releaseNotes])).toBe(ABSTENTION_SENTENCE);
  });

  it('takes no date from a heading that names only a year ("Benefits guide 2025")', async () => {
    const guide = passage(1, 'guide', '# fernhttp\n\n## Plans 2025\n\nRequest tracing is generally available on every plan.');
    expect(await answer('when did request tracing become generally available?', [guide])).toBe(ABSTENTION_SENTENCE);
  });

  it('takes no date from a heading without a year', async () => {
    const undated = passage(1, 'tracing', '# fernhttp\n\n## Tracing\n\nRequest tracing is generally available on every plan.');
    expect(await answer('when did request tracing become generally available?', [undated])).toBe(ABSTENTION_SENTENCE);
  });
});

describe('ExtractiveGenerator abstains on near misses', () => {
  it('abstains when the documents talk about holiday pay but the question asks how many holidays there are', async () => {
    expect(await answer('how many paid holidays do hourly staff get', [holidayPay, sabbatical])).toBe(ABSTENTION_SENTENCE);
  });

  it('abstains on a yes/no question when no span says what may, must or will happen, only mentions its words', async () => {
    const offices = passage(
      1,
      'offices',
      '# Offices\n\nThe Harbor office is on the 4th floor of Pier 9.\nParrot Lane is our name for the Harbor office kitchen.',
    );
    expect(await answer('can i bring my parrot to the harbor office?', [offices])).toBe(ABSTENTION_SENTENCE);
  });

  it('answers "is there a way to…" with the span that names the way, which rules on nothing', async () => {
    const helpers = passage(
      1,
      'dev-helpers',
      '# Dev helpers\n\n## listRoutes()\n\nThe `listRoutes()` helper prints every registered route to the terminal.',
    );
    expect(await answer('is there a way to print the registered routes to the terminal?', [helpers])).toBe(
      'The `listRoutes()` helper prints every registered route to the terminal [1].',
    );
  });

  it('abstains when a passage uses the verb of a phrasal verb ("turn off") in another sense', async () => {
    const editor = passage(1, 'editor-plugins', '# Editor plugins\n\nThe highlighter turns colour codes into swatches as you type.');
    expect(await answer('how do i turn off colour codes in the logger?', [editor])).toBe(ABSTENTION_SENTENCE);
    const logger = passage(1, 'logger', '# Logger\n\nSet `colors: false` to turn colour codes off in the logger.');
    expect(await answer('how do i turn off colour codes in the logger?', [logger])).toBe(
      'Set `colors: false` to turn colour codes off in the logger [1].',
    );
  });

  it('answers a phrasal verb from the word documents write for it ("come back" → "return", "sign up" → "enroll")', async () => {
    const leave = passage(
      1,
      'parental-leave',
      '# Parental leave\n\nParental leave is 14 weeks, paid in full.\nAfterwards you return to work for at least 8 weeks, or repay the leave.',
    );
    expect(await answer('after parental leave do i have to come back for some minimum time?', [leave])).toContain('at least 8 weeks');
    const benefits = passage(2, 'benefits', '# Benefits\n\nNew employees have 45 days to enroll in a dental plan.');
    expect(await answer('deadline to sign up for dental as a new employee?', [benefits])).toBe(
      'New employees have 45 days to enroll in a dental plan [2].',
    );
  });

  it('reads a limit in a setting\'s name (`QUILL_MAX_UPLOAD_MB`) and a superlative ("largest") before "at most" said of something else', async () => {
    const config = passage(
      1,
      'configuration',
      '# Configuration\n\nBackups of the data folder are kept for at most 30 days.\n\n- `QUILL_MAX_UPLOAD_MB` — largest upload accepted (default 25 MB).',
    );
    const text = await answer("what's the max upload size?", [config]);
    expect(text).toContain('`QUILL_MAX_UPLOAD_MB` — largest upload accepted');
    expect(text).not.toContain('Backups');
  });

  it('answers with a passage\'s phrasal verb for the verb a question uses ("who approves" → "signs off")', async () => {
    const release = passage(1, 'release-checklist', '# Release checklist\n\nThe release lead signs off each step of the checklist.');
    expect(await answer('who approves a release?', [release])).toBe('The release lead signs off each step of the checklist [1].');
  });

  it('takes "at least" for a minimum and "up to" for a limit, in the words a question asks with', async () => {
    const attachments = passage(1, 'attachments', '# Attachments\n\nAn attachment may be up to 40 MB.');
    expect(await answer("what's the max attachment size?", [attachments])).toBe('An attachment may be up to 40 MB [1].');
    const service = passage(2, 'service', '# Service\n\nStaff serve 2 years at least before a transfer.');
    expect(await answer('what is the minimum service before a transfer?', [service])).toBe('Staff serve 2 years at least before a transfer [2].');
  });

  it("answers from under an FAQ's question heading before a passage that only repeats the question's words", async () => {
    const faq = passage(1, 'faq', '# FAQ\n\n## How do I report a bug?\n\nOpen a ticket in Trackly with the steps to reproduce it.');
    const script = passage(2, 'bug-report-script', '# Scripts\n\nThe nightly script counts each bug report by team.');
    expect(await answer('how do i report a bug?', [faq, script])).toMatch(/^Open a ticket in Trackly/);
  });

  it('answers a yes/no question with a span that sets a limit ("until April 30")', async () => {
    const claims = passage(1, 'claims', '# Expense claims\n\nClaims for last year are accepted until April 30.\nClaims are filed in Ledgerly.');
    expect(await answer("can i still file claims for last year's expenses in march?", [claims])).toContain('until April 30');
  });

  it('abstains when the documents describe an option without saying its default', async () => {
    expect(await answer("what's the default level of the compress middleware?", [fernCompress])).toBe(ABSTENTION_SENTENCE);
  });

  it('abstains on the default of an option without one even when other passages mention defaults', async () => {
    expect(await answer("what's the default level of the compress middleware?", [fernCompress, fernClient])).toBe(ABSTENTION_SENTENCE);
  });

  it('still answers the same documents when they do hold the default', async () => {
    expect(await answer("what's the default threshold of the compress middleware?", [fernCompressWithDefault, fernClient])).toContain('`1024`');
  });

  it("abstains when only another option's default is given", async () => {
    const options = passage(
      1,
      'compress',
      '## compress middleware\n\n### Options\n\n#### level\n\nThe gzip level.\n\n#### threshold\n\nDefault: `1024`',
    );
    expect(await answer("what's the default level of the compress middleware?", [options])).toBe(ABSTENTION_SENTENCE);
  });
});

describe('ExtractiveGenerator with a vocabulary of the knowledge base', () => {
  const passages = [passage(1, 'travel', 'Receipts are needed for every hotel stay.\nThe per diem covers meals on travel days.')];

  it('quotes first the span holding the word the knowledge base uses least', async () => {
    // "per diem" is rare in the knowledge base, "receipts" everywhere: the per diem line answers.
    const rarity: Record<string, number> = { diem: 6, receipts: 0.5, hotel: 1, meals: 2 };
    const generator = new ExtractiveGenerator({ vocabulary: { idf: (word) => rarity[word] ?? 1 } });
    expect(await answer('receipts or per diem for meals at the hotel?', passages, generator)).toMatch(/^The per diem covers meals/);
  });

  it('abstains when the question asks about a thing the knowledge base never names', async () => {
    const probation = passage(1, 'onboarding', '# New hires\n\nNew hires spend their first period of two weeks in onboarding classes.');
    const known = new Set(['new', 'hires', 'period', 'weeks', 'onboarding', 'classes', 'first', 'two', 'spend']);
    const generator = new ExtractiveGenerator({ vocabulary: { idf: (word) => (known.has(word) ? 1 : 0) } });
    expect(await answer('how long is the probationary period for new hires?', [probation], generator)).toBe(ABSTENTION_SENTENCE);
    expect(await answer('how long is the onboarding period for new hires?', [probation], generator)).toContain('two weeks');
  });
});
