import { describe, expect, it } from 'vitest';
import { OracleGenerator } from '../../../evals/answers/oracle-generator.ts';
import { ABSTENTION_SENTENCE } from '../../../rag/cite/abstention.ts';
import type { GenerationEvent, Passage } from '../../../rag/types.ts';

const passage = (n: number, title: string, text: string): Passage => ({
  n,
  docId: `files:/kb/${title}.md`,
  chunkIds: [`c${n}`],
  title,
  url: `file:///kb/${title}.md`,
  source: 'files',
  text,
  score: 1 - n / 10,
});

const RENTAL = passage(1, 'bike-rental', 'Bikes are rented from the lobby desk. A rental lasts at most three hours.');
const DEPOSIT = passage(2, 'deposits', 'Every rental needs a deposit of 20 euros, refunded when the bike comes back.');
const GARDEN = passage(3, 'garden', 'The roof garden opens in spring and closes in October.');

const QUESTIONS: Array<[string, { answer: string; facts: string[] }]> = [
  [
    'how long can i keep a rented bike and whats the deposit',
    { answer: 'You can keep a bike for 3 hours. The deposit is 20 euros.', facts: ['3 hours', '20 euros'] },
  ],
  ['where do i get a bike', { answer: 'Go to the lobby desk. Staff there will help you choose a bike.', facts: ['lobby desk'] }],
  [
    'how long is the rental and where is it',
    { answer: 'A rental lasts 3 hours at most, and you get the bike at the lobby desk.', facts: ['3 hours', 'lobby desk'] },
  ],
  ['does the bike shop sell helmets', { answer: 'The documents do not say whether helmets are sold.', facts: [] }],
  ['what colour are the bikes', { answer: 'The bikes are green.', facts: ['green'] }],
];

async function collect(oracle: OracleGenerator, question: string, passages: Passage[]): Promise<GenerationEvent[]> {
  const events: GenerationEvent[] = [];
  for await (const event of oracle.generate({ question, passages })) events.push(event);
  return events;
}

describe('OracleGenerator', () => {
  const oracle = new OracleGenerator(QUESTIONS);

  it('says the reference answer, each sentence cited to the passage holding its fact', async () => {
    const events = await collect(oracle, QUESTIONS[0]![0], [RENTAL, DEPOSIT, GARDEN]);
    const done = events.at(-1)!;
    expect(done).toMatchObject({ type: 'done', model: 'oracle', text: 'You can keep a bike for 3 hours [1]. The deposit is 20 euros [2].' });
  });

  it('streams the text as deltas that add up to the final answer', async () => {
    const events = await collect(oracle, QUESTIONS[0]![0], [RENTAL, DEPOSIT]);
    const deltas = events.filter((e) => e.type === 'delta').map((e) => e.text);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe((events.at(-1) as { text: string }).text);
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
  });

  it('cites a sentence without a fact to the passage sharing most of its words', async () => {
    const { text } = oracle.decide(QUESTIONS[1]![0], [GARDEN, { ...RENTAL, n: 2 }, { ...DEPOSIT, n: 3 }]);
    // "Staff there will help you choose a bike" shares "bike" with passages 2 and 3; the higher-ranked one wins.
    expect(text).toBe('Go to the lobby desk [2]. Staff there will help you choose a bike [2].');
  });

  it('cites every passage a sentence needs, in number order', async () => {
    const split = [passage(1, 'desk', 'The lobby desk lends the bikes.'), passage(2, 'rules', 'Bikes go back within 3 hours.')];
    expect(oracle.decide(QUESTIONS[2]![0], split)).toMatchObject({
      answered: true,
      text: 'A rental lasts 3 hours at most, and you get the bike at the lobby desk [1][2].',
      cited: [1, 2],
    });
    // One passage holding both facts is enough.
    expect(oracle.decide(QUESTIONS[2]![0], [GARDEN, { ...RENTAL, n: 2 }]).text).toMatch(/desk \[2\]\.$/);
  });

  it('leaves out a sentence whose fact no passage holds, and answers with the rest', () => {
    expect(oracle.decide(QUESTIONS[0]![0], [GARDEN, { ...RENTAL, n: 2 }])).toMatchObject({
      answered: true,
      text: 'You can keep a bike for 3 hours [2].',
      cited: [2],
    });
  });

  it('leaves out a sentence stating a fact no passage holds, even when another of its facts is held', () => {
    // "3 hours" is held, "lobby desk" is not: the one sentence stating both cannot be cited whole.
    expect(oracle.decide(QUESTIONS[2]![0], [GARDEN, passage(2, 'rules', 'Bikes go back within 3 hours.')])).toEqual({
      answered: false,
      text: ABSTENTION_SENTENCE,
      cited: [],
    });
    // Left with only a sentence that states no fact ("No."), it abstains.
    const terse = new OracleGenerator([
      ['is the deposit over 50', { answer: 'No. It is 20 euros, refunded within 3 hours.', facts: ['20 euros', '3 hours'] }],
    ]);
    expect(terse.decide('is the deposit over 50', [DEPOSIT, GARDEN]).answered).toBe(false);
    expect(terse.decide('is the deposit over 50', [DEPOSIT, RENTAL]).text).toBe('No [1]. It is 20 euros, refunded within 3 hours [1][2].');
  });

  it('abstains with exactly the abstention sentence when no passage holds any fact', async () => {
    const events = await collect(oracle, QUESTIONS[4]![0], [RENTAL, DEPOSIT, GARDEN]);
    expect(events.at(-1)).toMatchObject({ type: 'done', text: ABSTENTION_SENTENCE });
    expect(oracle.decisionFor(QUESTIONS[4]![0])).toEqual({ answered: false, text: ABSTENTION_SENTENCE, cited: [] });
  });

  it('always abstains on a question without facts (the documents do not answer it) and on unknown questions', () => {
    expect(oracle.decide(QUESTIONS[3]![0], [RENTAL, DEPOSIT]).text).toBe(ABSTENTION_SENTENCE);
    expect(oracle.decide('something nobody asked', [RENTAL]).answered).toBe(false);
    expect(oracle.decide(QUESTIONS[0]![0], []).answered).toBe(false);
  });

  it('finds the question with case and spacing ignored, and remembers its decision until cleared', async () => {
    await collect(oracle, '  How long can I keep a rented bike   and whats the deposit ', [RENTAL, DEPOSIT]);
    expect(oracle.decisionFor(QUESTIONS[0]![0])).toMatchObject({ answered: true, cited: [1, 2] });
    oracle.clearDecisions();
    expect(oracle.decisionFor(QUESTIONS[0]![0])).toBeUndefined();
  });

  it('matches facts with the benchmark matcher: number words in passages count, part of a number does not', () => {
    const words = passage(1, 'rules', 'A rental lasts at most three hours; the deposit is twenty euros.');
    expect(oracle.decide(QUESTIONS[0]![0], [words]).cited).toEqual([1]);
    const longer = passage(1, 'rules', 'Groups may rent for 13 hours and pay 120 euros.');
    expect(oracle.decide(QUESTIONS[0]![0], [longer]).answered).toBe(false);
  });
});
