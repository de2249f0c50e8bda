import { describe, expect, it } from 'vitest';
import type { BenchQuestion } from '../../../evals/answers/question-set.ts';
import { formatMetrics, percentile, scoreAnswer, summarise, summaryLine } from '../../../evals/answers/score-answers.ts';

const CORPUS = '/kb';
const ref = (rel: string) => ({ docId: `files:${CORPUS}/${rel}`, url: `file://${CORPUS}/${rel}` });
const ctx = (rel: string) => ({ docId: `files:${CORPUS}/${rel}` });

const q = (fields: Partial<BenchQuestion> & Pick<BenchQuestion, 'id' | 'kind'>): BenchQuestion => ({
  question: `question ${fields.id}`,
  gold: [],
  facts: [],
  answer: '',
  ...fields,
});

const QUESTIONS = {
  s1: q({ id: 's1', kind: 'single', gold: ['a.md'], facts: ['seven days', 'form B'] }),
  s2: q({ id: 's2', kind: 'single', gold: ['b.md', 'c.md'], facts: ['42'] }),
  m1: q({ id: 'm1', kind: 'multi', gold: ['a.md', 'd.md'], facts: ['blue', 'north'] }),
  n1: q({ id: 'n1', kind: 'none' }),
  n2: q({ id: 'n2', kind: 'none' }),
};

describe('scoreAnswer', () => {
  it('scores an answer that cites its gold file first and states one of two facts', () => {
    const result = scoreAnswer(
      QUESTIONS.s1,
      { answer: 'Submit form B [1].', abstained: false, citations: [ref('a.md')], contexts: [ctx('x.md')] },
      CORPUS,
      12,
    );
    expect(result).toMatchObject({
      answered: true,
      abstained: false,
      hit1: true,
      hit5: true,
      cover5: 1,
      factsFound: ['form B'],
      factsMissed: ['seven days'],
      latencyMs: 12,
    });
    expect(result.topDocuments).toEqual(['a.md', 'x.md']);
  });

  it('counts a gold file found only in the contexts, at its document rank', () => {
    const result = scoreAnswer(
      QUESTIONS.s2,
      { answer: 'forty-two', abstained: false, citations: [ref('x.md')], contexts: [ctx('x.md'), ctx('y.md'), ctx('c.md')] },
      CORPUS,
    );
    expect(result).toMatchObject({ hit1: false, hit5: true, goldRanks: { 'b.md': null, 'c.md': 3 }, factsFound: ['42'] });
  });

  it('scores cover@5 of a multi question as the share of its gold files in the first five documents', () => {
    const docs = ['a.md', 'p.md', 'q.md', 'r.md', 's.md', 'd.md'];
    const result = scoreAnswer(QUESTIONS.m1, { answer: 'blue', abstained: false, citations: [], contexts: docs.map(ctx) }, CORPUS);
    expect(result).toMatchObject({ hit1: true, hit5: true, cover5: 0.5, goldRanks: { 'a.md': 1, 'd.md': 6 } });
  });

  it('does not count an abstention or an empty answer as answered, and reads a missing abstained flag from the text', () => {
    expect(scoreAnswer(QUESTIONS.s1, { answer: 'x', abstained: true }, CORPUS)).toMatchObject({ answered: false, abstained: true });
    expect(scoreAnswer(QUESTIONS.s1, { answer: '  ', abstained: false }, CORPUS)).toMatchObject({ answered: false, abstained: false });
    expect(scoreAnswer(QUESTIONS.n1, { answer: '' }, CORPUS)).toMatchObject({ abstained: true });
    expect(scoreAnswer(QUESTIONS.n1, { answer: 'something' }, CORPUS)).toMatchObject({ abstained: false });
  });

  it('has no gold or fact fields for an unanswerable question', () => {
    const result = scoreAnswer(QUESTIONS.n1, { answer: 'no', abstained: true }, CORPUS);
    expect(result).not.toHaveProperty('hit1');
    expect(result).not.toHaveProperty('factsFound');
  });
});

describe('summarise', () => {
  const results = [
    scoreAnswer(QUESTIONS.s1, { answer: 'seven days, form B', abstained: false, citations: [ref('a.md')] }, CORPUS, 10),
    scoreAnswer(QUESTIONS.s2, { answer: "I couldn't find this.", abstained: true, citations: [ref('z.md')], contexts: [ctx('c.md')] }, CORPUS, 20),
    scoreAnswer(QUESTIONS.m1, { answer: 'blue', abstained: false, citations: [ref('d.md')] }, CORPUS, 30),
    scoreAnswer(QUESTIONS.n1, { answer: "I couldn't find this.", abstained: true }, CORPUS, 40),
    scoreAnswer(QUESTIONS.n2, { answer: 'an answer it should not give', abstained: false }, CORPUS, 50),
  ];
  const metrics = summarise(results);

  it('rates each kind over the questions it applies to', () => {
    expect(metrics.single).toMatchObject({ n: 2, answered: 0.5, abstention: null, 'hit@1': 0.5, 'hit@5': 1, 'cover@5': 0.75, facts: 2 / 3 });
    expect(metrics.multi).toMatchObject({ n: 1, answered: 1, 'hit@1': 1, 'hit@5': 1, 'cover@5': 0.5, facts: 0.5 });
    expect(metrics.none).toMatchObject({ n: 2, answered: null, abstention: 0.5, 'hit@1': null, facts: null });
    expect(metrics.answerable).toMatchObject({ n: 3, answered: 2 / 3, 'hit@1': 2 / 3, 'hit@5': 1, facts: 3 / 5 });
    expect(metrics.overall).toMatchObject({ n: 5, answered: 2 / 3, abstention: 0.5 });
  });

  it('reports nearest-rank latency percentiles per kind', () => {
    expect(metrics.overall).toMatchObject({ p50Ms: 30, p95Ms: 50 });
    expect(metrics.none).toMatchObject({ p50Ms: 40, p95Ms: 50 });
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([5, 1, 3, 2, 4], 0.95)).toBe(5);
  });

  it("prints a table and the SUMMARY line with score.py's fields", () => {
    expect(summaryLine(metrics)).toBe('SUMMARY answered=0.667 abstention=0.500 hit@1=0.667 hit@5=1.000 facts=0.600 missing=0/5 p50=30ms p95=50ms');
    const table = formatMetrics(metrics);
    expect(table[0]).toMatch(/^kind\s+n\s+answered\s+abstention\s+hit@1\s+hit@5\s+cover@5\s+facts\s+p50 ms\s+p95 ms$/);
    expect(table.find((l) => l.startsWith('none'))).toMatch(/^none\s+2\s+-\s+0\.500\s+-/);
    expect(table.at(-1)).toMatch(/^SUMMARY /);
  });

  it('has null rates, not NaN, for an empty set', () => {
    expect(summarise([]).overall).toEqual({
      n: 0,
      answered: null,
      abstention: null,
      'hit@1': null,
      'hit@5': null,
      'cover@5': null,
      facts: null,
      p50Ms: null,
      p95Ms: null,
    });
  });
});
