import { describe, expect, it } from 'vitest';
import { ABSTENTION_SENTENCE } from '../../../rag/cite/abstention.ts';
import { stripCitationMarkers } from '../../../rag/cite/parse-citations.ts';
import { ExtractiveGenerator } from '../../../rag/generate/extractive-generator.ts';
import { questionNames, unmentioned } from '../../../rag/question/question-names.ts';
import type { GenerationEvent, Passage } from '../../../rag/types.ts';

function passage(n: number, title: string, text: string): Passage {
  return { n, docId: `files:${title}.md`, chunkIds: [`chunk-${n}`], title, url: `file:///kb/${title}.md`, source: 'files', text, score: 1 - n / 10 };
}

const passages: Passage[] = [
  passage(
    1,
    'deploys',
    `# Deploying Lore

Production deploys happen every Tuesday after the 10:00 stand-up.
Hotfixes can ship on any day, but they need approval from the on-call engineer.
The deploy pipeline runs the full test suite first.`,
  ),
  passage(
    2,
    'vacation',
    `Vacation requests go through the HR portal. Employees get 25 days of paid vacation per year.
Unused vacation days roll over until the end of March.`,
  ),
  passage(
    3,
    'keys',
    `- To rotate the staging API key, run \`lore keys rotate --env staging\`.
- The old key stays valid for 24 hours after rotation.`,
  ),
];

async function answer(
  question: string,
  given: Passage[] = passages,
  generator = new ExtractiveGenerator(),
): Promise<{ events: GenerationEvent[]; text: string }> {
  const events: GenerationEvent[] = [];
  for await (const event of generator.generate({ question, passages: given })) events.push(event);
  const done = events.at(-1);
  if (done?.type !== 'done') throw new Error('no done event');
  return { events, text: done.text };
}

const whitespaceNormalised = (text: string): string => text.replace(/\s+/g, ' ');

describe('ExtractiveGenerator', () => {
  it('answers with the passage sentence that matches the question, cited', async () => {
    const { text } = await answer('When do production deploys happen?');
    expect(text).toBe('Production deploys happen every Tuesday after the 10:00 stand-up [1].');
  });

  it('puts the marker inside the emphasis a quoted sentence ends with, before its full stop', async () => {
    const policy = passage(1, 'policy', 'Requests come by email. **Managers must reply to a request within three days.** Replies go to the team.');
    const { text } = await answer('how fast must managers reply to a request?', [policy]);
    expect(text).toMatch(/^\*\*Managers must reply to a request within three days \[1\]\.\*\*/);
  });

  it('cites the passage the sentence came from, not the first passage', async () => {
    const { text } = await answer('How many paid vacation days do employees get?');
    expect(text).toMatch(/^Employees get 25 days of paid vacation per year \[2\]\./);
    expect(text).not.toContain('[1]');
    // "How do I…" is answered by the steps, quoted as the list they are.
    expect((await answer('How do I rotate the staging API key?')).text).toMatch(
      /^- To rotate the staging API key, run `lore keys rotate --env staging` \[3\]\./,
    );
  });

  it('abstains on a question the passages do not touch', async () => {
    const { events, text } = await answer('What is the capital of Australia?');
    expect(text).toBe(ABSTENTION_SENTENCE);
    expect(events.filter((e) => e.type === 'delta').map((e) => (e.type === 'delta' ? e.text : ''))).toEqual([ABSTENTION_SENTENCE]);
    expect((await answer('When do production deploys happen?', [])).text).toBe(ABSTENTION_SENTENCE);
    expect((await answer('What is it?')).text).toBe(ABSTENTION_SENTENCE);
  });

  it("does not answer one value from a bare list whose items hold the question's words and a number between them", async () => {
    const features = passage(
      1,
      'quill',
      'Quill is a toolkit for services.\n\n* Lightweight - The quill/tiny preset is under 14kB.\n* Multi-runtime - Quill works on Bun, Deno and Node.js.\n* Typed - First-class TypeScript support.',
    );
    expect((await answer('which bun version does quill support?', [features])).text).toBe(ABSTENTION_SENTENCE);
    // Asked for several things, the list answers as a whole; asked what one item says, that item answers.
    expect((await answer('which runtimes and versions does quill support?', [features])).text).toContain('Quill works on Bun, Deno and Node.js.');
    expect((await answer('how big is the quill/tiny preset?', [features])).text).toBe('Lightweight - The quill/tiny preset is under 14kB [1].');
  });

  it('abstains when the question names something no passage mentions, however well the rest matches', async () => {
    expect((await answer('When do production deploys to Heroku happen?')).text).toBe(ABSTENTION_SENTENCE);
    // Names the passages do mention, in any case, and words capitalised only because they open the question, are fine.
    expect((await answer('When do production deploys of Lore happen?')).text).toMatch(/^Production deploys happen every Tuesday/);
    expect((await answer('Production deploys: when do they happen?')).text).toMatch(/^Production deploys happen every Tuesday/);
    expect(unmentioned(questionNames('How many vacation days do Employees of Acme’s team get?', passages), passages)).toEqual(['Acme']);
    expect(unmentioned(questionNames('Is SSO required for the HR portal?', passages), passages)).toEqual([]);
    expect(unmentioned(questionNames('According to the Files, when do deploys happen?', passages), passages)).toEqual([]);
  });

  it('abstains when the documents it would quote never name what the question names, though another passage does', async () => {
    const dc = passage(1, 'washington-dc', '# Washington, D.C.\n\nThe TTS space is on the 6th floor of the GSA building.');
    const offices = passage(2, 'regions', 'Regional staff work from Chicago, Denver and Boston.');
    const question = 'what floor is TTS on in the chicago office';
    expect((await answer(question, [dc, offices])).text).toBe(ABSTENTION_SENTENCE);
    const chicago = passage(3, 'chicago', '# Chicago\n\nIn Chicago, the TTS space is on the 35th floor.');
    expect((await answer(question, [dc, offices, chicago])).text).toMatch(/35th floor \[\d\]/);
    expect((await answer('what floor is the TTS space on?', [dc, offices])).text).toMatch(/6th floor/);
  });

  it('never emits text that is not in the passages', async () => {
    const corpus = whitespaceNormalised(passages.map((p) => p.text).join('\n'));
    for (const question of [
      'When do production deploys happen?',
      'Who approves hotfixes and when can they ship?',
      'What happens to unused vacation days?',
      'How long does the old key stay valid after rotation?',
      'deploy pipeline tests vacation key',
    ]) {
      const { text } = await answer(question);
      const sentences = text.split(/(?<=\])[.!?]?\s+|(?<=\][.!?])\s+/).filter(Boolean);
      for (const sentence of sentences) {
        expect(sentence).toMatch(/\[\d\][.!?]?$/);
        const quoted = stripCitationMarkers(sentence);
        expect(corpus, `"${quoted}" for "${question}"`).toContain(quoted.replace(/[.!?]$/, ''));
      }
    }
  });

  it('streams sentence by sentence, then done with zero usage', async () => {
    const { events, text } = await answer('Who approves hotfixes, and does the deploy pipeline run the test suite?');
    const deltas = events.flatMap((e) => (e.type === 'delta' ? [e.text] : []));
    expect(deltas.length).toBeGreaterThanOrEqual(2);
    expect(deltas.join('')).toBe(text);
    expect(events.at(-1)).toMatchObject({ type: 'done', model: 'extractive', usage: { inputTokens: 0, outputTokens: 0 } });
    // Sentences of one passage keep the passage's order.
    expect(text.indexOf('Hotfixes')).toBeLessThan(text.indexOf('pipeline'));
  });

  it('skips near-duplicate sentences and stays within 1-3 sentences', async () => {
    const repeated = [
      passage(1, 'a', 'Backups run nightly at 02:00 UTC on the primary database.'),
      passage(2, 'b', 'Backups run nightly at 02:00 UTC on the primary database cluster.'),
      passage(
        3,
        'c',
        'Backups are kept for 30 days. Backups are encrypted at rest. Backups can be restored by the on-call engineer. Backups run nightly.',
      ),
    ];
    const { text } = await answer('When do database backups run?', repeated);
    expect(text.match(/02:00/g)).toHaveLength(1);
    expect(text.match(/\[\d\]/g)?.length).toBeLessThanOrEqual(3);
  });

  it('prefers the better-ranked passage when two sentences match equally', async () => {
    const tied = [passage(1, 'new', 'The office wifi password changes monthly.'), passage(2, 'old', 'The office wifi password changes monthly.')];
    expect((await answer('How often does the office wifi password change?', tied)).text).toBe('The office wifi password changes monthly [1].');
  });

  it('ignores headings and code fences as answer sentences', async () => {
    const doc = [
      passage(1, 'md', '## Deploy schedule for production deploys\n```\ndeploy --prod schedule tuesday\n```\nWe deploy to production on Tuesdays.'),
    ];
    expect((await answer('What is the production deploy schedule?', doc)).text).toBe('We deploy to production on Tuesdays [1].');
  });

  it('reads on past the next sentence while each one still speaks to the question', async () => {
    const policy = passage(
      1,
      'vouchers',
      'Lunch vouchers lapse 90 days after they are issued. A lapsed voucher cannot be renewed by the office. If you resign, your unused vouchers are refunded with your last salary.',
    );
    const { text } = await answer('how long do lunch vouchers last?', [policy]);
    expect(text).toContain('90 days');
    expect(text).toContain('cannot be renewed');
    expect(text).toContain('refunded with your last salary');
  });

  it('reads on past the next sentence only while each shares a word with the one before it, or two with the question', async () => {
    const permits = passage(
      1,
      'permits',
      'Parking permits are sold at the front desk. Permits cost 35 euros a month and renew every January. Parking fines go to the city council.',
    );
    const { text } = await answer('how are parking permits sold?', [permits]);
    expect(text).toContain('35 euros a month');
    expect(text).not.toContain('city council');
  });

  it('reads on into a code block the next sentence introduces, whatever the question asks', async () => {
    const proxy = passage(
      1,
      'proxy',
      [
        '## Uploads behind the proxy',
        '',
        "The proxy rejects bodies above 10 MB before the app sees them, so the app's own upload limit never applies. To accept bigger uploads, raise the proxy's limit as well:",
        '',
        '```nginx',
        'client_max_body_size 50m;',
        '```',
      ].join('\n'),
    );
    const { text } = await answer('why do big uploads fail even though i raised the app upload limit?', [proxy]);
    expect(text).toContain('before the app sees them');
    expect(text).toContain('client_max_body_size 50m;');
  });

  it.each([
    ['the next question of an FAQ', 'Can lunch vouchers be shared with a colleague? No, vouchers are personal.'],
    ['code that a scraped page flattened into prose', '\n\nvouchers = VoucherClient(region = "eu", key = KEY).list(limit = 10) print(vouchers)'],
  ])('does not read on into %s', async (_, after) => {
    const page = passage(1, 'vouchers', `Lunch vouchers lapse 90 days after they are issued. ${after}`);
    const { text } = await answer('how long do lunch vouchers last?', [page]);
    expect(text).toBe('Lunch vouchers lapse 90 days after they are issued [1].');
  });

  it('stops at once when the request is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    const run = async () => {
      for await (const _ of new ExtractiveGenerator().generate({ question: 'q', passages, signal: controller.signal })) void _;
    };
    await expect(run()).rejects.toThrow('gone');
  });
});

describe('ExtractiveGenerator on hard-wrapped text', () => {
  it('quotes a sentence that the source wraps across lines as one sentence', async () => {
    const wrapped = [passage(1, 'pdf', 'Section 4.\nProduction deploys happen every\nTuesday after the 10:00 stand-up. Hotfixes\nneed approval.')];
    expect((await answer('When do production deploys happen?', wrapped)).text).toBe(
      'Production deploys happen every Tuesday after the 10:00 stand-up [1].',
    );
  });
});
