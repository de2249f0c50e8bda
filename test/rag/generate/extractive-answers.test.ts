import { describe, expect, it } from 'vitest';
import { ABSTENTION_SENTENCE } from '../../../rag/cite/abstention.ts';
import { ExtractiveGenerator } from '../../../rag/generate/extractive-generator.ts';
import { analyzeQuestion } from '../../../rag/question/analyze-question.ts';
import type { Passage } from '../../../rag/types.ts';

// Invented documents: the handbook of a fictional company (Quillmark) and the docs of a fictional library (fernhttp).
function passage(n: number, title: string, text: string, headings: string[] = []): Passage {
  return { n, docId: `files:${title}.md`, chunkIds: [`chunk-${n}`], title, url: `file:///kb/${title}.md`, source: 'files', text, score: 1 - n / 10, headings };
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
});

describe('ExtractiveGenerator answers from a definition under a heading', () => {
  it('quotes the Default line of the option asked about, not the one of its neighbour', async () => {
    const text = await answer("what's the default timeout", [fernClient, fernCompress]);
    expect(text).toMatch(/Default: `30000` \[5\]/);
    expect(text).not.toContain('`2`');
  });

  // Bug: a 'line' span counts as prose in quoted(), so the heading that says what the default is of is never added:
  // the answer is "Default: `30000` [5]", not "**timeout: `number`**: Default: `30000` [5]".
  it.todo('prefixes the Default line with its heading ("**timeout: `number`**: Default: `30000` [5]")');
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

describe('ExtractiveGenerator abstains on near misses', () => {
  it('abstains when the documents talk about holiday pay but the question asks how many holidays there are', async () => {
    expect(await answer('how many paid holidays do hourly staff get', [holidayPay, sabbatical])).toBe(ABSTENTION_SENTENCE);
  });

  it('abstains when the documents describe an option without saying its default', async () => {
    expect(await answer("what's the default level of the compress middleware?", [fernCompress])).toBe(ABSTENTION_SENTENCE);
  });

  // Bug: the same question over the same document abstains alone but answers once another passage uses "default"
  // (rarity is judged within the passages, so "default" then weighs less and coverage without it passes):
  // with [fernCompress, fernClient] it answers "**Options**: `level`: the gzip level, from 1 to 9 [6]." — no default.
  it.todo('abstains on the default of an option without one even when other passages mention defaults');

  it('still answers the same documents when they do hold the default', async () => {
    expect(await answer("what's the default threshold of the compress middleware?", [fernCompressWithDefault, fernClient])).toContain('`1024`');
  });

  // Bug: another option's default is quoted for the option asked about. With "### level" (no default) and
  // "### threshold" + "Default: `1024`" under "## compress middleware / ### Options", "what's the default level of the
  // compress middleware?" answers "Default: `1024` [1]" (coverage 0.58: default + heading words, without "level").
  // With a list of options followed by "The threshold defaults to `1024` bytes.", "what's the default filter …"
  // answers "**Options**: `filter`: a function … [1]. The threshold defaults to `1024` bytes [1]."
  it.todo("abstains when only another option's default is given (\"Default: `1024`\" under ### threshold, asked about level)");
});

describe('ExtractiveGenerator with a vocabulary of the knowledge base', () => {
  const known = new Set(['sabbatical', 'sabbaticals', 'staff', 'paid', 'weeks', 'week', 'long', 'quillmark']);
  const generator = new ExtractiveGenerator({ vocabulary: { idf: (word) => (known.has(word) ? 3 : 0) } });

  it('abstains when the question names a subject no document of the knowledge base uses', async () => {
    expect(await answer('how many weeks is the paid internship', [sabbatical, eligibility], generator)).toBe(ABSTENTION_SENTENCE);
    // Without the vocabulary, "paid … weeks" is close enough to the sabbatical passage to be quoted.
    expect(await answer('how many weeks is the paid internship', [sabbatical, eligibility])).toContain('6-week paid sabbatical');
    expect(generator.unknownSubject(analyzeQuestion('how many weeks is the paid internship'), [sabbatical, eligibility])).toBe('internship');
  });

  it('answers when every subject word is known', async () => {
    expect(await answer('how many weeks is the paid sabbatical', [sabbatical, eligibility], generator)).toContain('6-week paid sabbatical [1]');
  });
});
