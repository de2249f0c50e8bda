import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';
import { runLore } from '../../helpers/run-lore.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

// `lore bench answers` end to end on a tiny corpus written for this test: the real command line, Chroma and the
// offline answer pipeline; the fake Gemini only embeds (fast, deterministic vectors), it never writes answers.

let gemini: FakeGemini;
const tmp = tempDir('lore-bench-answers-');
const corpus = path.join(tmp.dir, 'kb');
const questionsFile = path.join(tmp.dir, 'questions.jsonl');

const DOCS: Record<string, string> = {
  'office/parking.md': '# Parking\n\nStaff park in the basement garage. Each permit costs 35 euros a month and is renewed every January.\n',
  'office/kitchen.md': '# Kitchen\n\nThe kitchen on the second floor has a dishwasher. The fridge is emptied every Friday afternoon.\n',
  'it/wifi.md': '# Guest wifi\n\nVisitors join the network called Harbour-Guest. Its password changes every Monday and is posted at reception.\n',
  'it/laptops/returns.md':
    '# Returning a laptop\n\nLeavers return their laptop to the IT desk on their last day. The IT desk wipes it within 48 hours.\n',
};

const QUESTIONS = [
  {
    id: 't1',
    question: 'how much is a parking permit',
    kind: 'single',
    gold: ['office/parking.md'],
    facts: ['35 euros'],
    answer: 'Each permit costs 35 euros a month.',
  },
  {
    id: 't2',
    question: 'whats the guest wifi network called',
    kind: 'single',
    gold: ['it/wifi.md'],
    facts: ['Harbour-Guest'],
    answer: 'Visitors join the network called Harbour-Guest.',
  },
  {
    id: 't3',
    question: 'when is the fridge emptied and when do leavers return laptops',
    kind: 'multi',
    gold: ['office/kitchen.md', 'it/laptops/returns.md'],
    facts: ['every Friday', 'last day'],
    answer: 'The fridge is emptied every Friday afternoon. Leavers return their laptop to the IT desk on their last day.',
  },
  { id: 't4', question: 'how many bike racks are in the garage', kind: 'none', gold: [], facts: [], answer: 'Bike racks are not mentioned.' },
];

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  for (const [file, text] of Object.entries(DOCS)) {
    fs.mkdirSync(path.dirname(path.join(corpus, file)), { recursive: true });
    fs.writeFileSync(path.join(corpus, file), text);
  }
  fs.writeFileSync(questionsFile, QUESTIONS.map((q) => JSON.stringify(q)).join('\n'));
});
afterAll(async () => {
  await gemini?.close();
  tmp.cleanup();
});

const env = () => ({ LORE_EMBEDDER: 'gemini', GEMINI_API_KEY: 'test-key', GEMINI_BASE_URL: gemini.url, LORE_DATA_DIR: path.join(tmp.dir, 'data') });
const writeJson = (name: string, value: unknown): string => {
  const file = path.join(tmp.dir, name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
};
const bench = (...extra: string[]) => ['bench', 'answers', '--corpus', corpus, '--questions', questionsFile, ...extra];

describe('lore bench answers', () => {
  it('indexes the folder into its own data directory, asks every question and prints the metrics per kind', async () => {
    const out = path.join(tmp.dir, 'answers');
    const run = await runLore(bench('--json', '--out', out), env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ generator: 'extractive', questions: 4, index: { documents: 4, added: 4, failed: 0 } });
    expect(result.metrics.single.n).toBe(2);
    expect(result.metrics.multi.n).toBe(1);
    expect(result.metrics.none.n).toBe(1);
    expect(result.metrics.overall.n).toBe(4);
    for (const key of ['answered', 'abstention', 'hit@1', 'hit@5', 'cover@5', 'facts', 'p50Ms', 'p95Ms'])
      expect(result.metrics.overall).toHaveProperty([key]);
    // Every question names its document's words: the gold files are among the documents each answer references.
    expect(result.metrics.answerable['hit@5']).toBe(1);
    expect(result.results.map((r: { id: string }) => r.id)).toEqual(['t1', 't2', 't3', 't4']);
    expect(result.results[2].goldRanks).toHaveProperty(['it/laptops/returns.md']);
    expect(fs.readdirSync(path.join(tmp.dir, 'data', 'bench-answers'))).toHaveLength(1);

    // --out: one answer per question, as `lore ask --json` prints it.
    expect(fs.readdirSync(out).sort()).toEqual(['t1.json', 't2.json', 't3.json', 't4.json']);
    const answer = JSON.parse(fs.readFileSync(path.join(out, 't1.json'), 'utf8'));
    for (const key of ['answer', 'citations', 'contexts', 'mode', 'abstained', 'confidence', 'latencyMs', 'timings', 'notes'])
      expect(answer).toHaveProperty([key]);
    expect(answer.question).toBe(QUESTIONS[0]!.question);
  });

  it('reuses the index when the folder is unchanged, and prints a table, a SUMMARY and an ORACLE line on stderr without --json', async () => {
    const run = await runLore(bench('--limit', '2', '--generator', 'oracle'), env());
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/added 0, updated 0, unchanged 4, deleted 0, failed 0/);
    expect(run.stderr).toMatch(/^kind\s+n\s+answered\s+abstention\s+hit@1\s+hit@5\s+cover@5\s+facts\s+p50 ms\s+p95 ms$/m);
    expect(run.stderr).toMatch(/^single\s+2\s/m);
    expect(run.stderr).toMatch(/^SUMMARY answered=\S+ abstention=- hit@1=\S+ hit@5=1\.000 facts=\S+ missing=0\/2 p50=\d+ms p95=\d+ms$/m);
    expect(run.stderr).toMatch(/^ORACLE given=2 posted=2 \(100\.0%; meets the 97% target\)$/m);
  });

  it('with the oracle, reports the answers it gave and how many of them Lore posted', async () => {
    const thresholds = writeJson('oracle-thresholds.json', {
      atLeast: { oraclePosted: 1, hit5: 1, abstention: 1 },
      below: { 'p95-latency-ms': 60_000 },
    });
    const run = await runLore(bench('--json', '--generator', 'oracle', '--thresholds', thresholds), env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    // --thresholds: every check in the JSON, all met.
    expect(result.gate).toMatchObject({ thresholdsFile: thresholds, passed: true, failedThresholds: [] });
    expect(result.gate.checks.map((c: { name: string }) => c.name)).toEqual(['abstention', 'hit5', 'oraclePosted', 'p95-latency-ms']);
    // The oracle answers the three answerable questions (their facts are in the passages) and abstains on the other.
    expect(result.oracle).toMatchObject({ given: 3 });
    expect(result.results.map((r: { oracleAnswered: boolean }) => r.oracleAnswered)).toEqual([true, true, true, false]);
    expect(result.metrics.none.abstention).toBe(1);
    // Its answers quote the documents nearly word for word: a faithful, cited answer is posted.
    expect(result.oracle).toMatchObject({ posted: 3, postedShare: 1, notPosted: [] });
    expect(result.metrics.answerable).toMatchObject({ answered: 1, facts: 1 });
  });

  it('with --cross-validate, answers at every coverage threshold and reports the held-out figures of 5-fold cross-validation', async () => {
    const run = await runLore(bench('--json', '--cross-validate'), env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { crossValidation } = JSON.parse(run.stdout);
    expect(crossValidation.sweep.map((s: { threshold: number }) => s.threshold)).toEqual([0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55]);
    // One choice per fold that holds a question (four questions leave some of the five folds empty).
    expect(crossValidation.chosen.length).toBeGreaterThan(0);
    expect(crossValidation.chosen.length).toBeLessThanOrEqual(5);
    expect(crossValidation.heldOut.overall.n).toBe(4);
    // Raising the threshold never makes Lore answer more.
    const answered = crossValidation.sweep.map((s: { metrics: { answerable: { answered: number } } }) => s.metrics.answerable.answered);
    expect([...answered].sort((a, b) => b - a)).toEqual(answered);

    const refused = await runLore(bench('--cross-validate', '--generator', 'oracle'), env());
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/--cross-validate tunes the extractive answerer/);
  });

  it('with --near-misses, asks every answerable question again with its gold files hidden and reports the abstentions', async () => {
    const thresholds = writeJson('near-misses.json', { atLeast: { nearMissAbstention: 1 } });
    const run = await runLore(bench('--json', '--near-misses', '--thresholds', thresholds), env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    // Without its own page, no passage holds a question's facts: each is a near miss, and Lore finds nothing.
    expect(result.nearMisses).toEqual({ asked: 3, nearMisses: 3, abstained: 3, abstention: 1, answered: [] });
    expect(result.gate).toMatchObject({ passed: true, failedThresholds: [] });
    // The answers of the run proper still come from the gold pages.
    expect(result.metrics.answerable['hit@5']).toBe(1);

    // With --out, the near misses' answers go beside the others, to read what Lore said without the gold pages.
    const out = path.join(tmp.dir, 'near-answers');
    const printed = await runLore(bench('--limit', '1', '--near-misses', '--out', out), env());
    expect(printed.code).toBe(0);
    expect(printed.stderr).toMatch(/^NEAR-MISSES asked=1 near-misses=1 abstained=1 \(1\.000\)$/m);
    const [first] = fs.readdirSync(out).filter((f) => f.endsWith('.json'));
    expect(fs.readdirSync(path.join(out, 'near-misses'))).toEqual([first]);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'near-misses', first as string), 'utf8'))).toMatchObject({ abstained: true });

    const refused = await runLore(bench('--thresholds', thresholds), env());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/nearMissAbstention \(needs --near-misses\) cannot be measured by this run/);
  });

  it('with --thresholds, prints a line per threshold and exits 4 naming every missed figure', async () => {
    // --limit 2: two answerable questions, so abstention is not measured; no answer takes under a microsecond.
    const thresholds = writeJson('missed.json', { atLeast: { hit5: 0.5, abstention: 0.5 }, below: { 'p95-latency-ms': 0.001 } });
    const run = await runLore(bench('--limit', '2', '--thresholds', thresholds), env());
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^✓ hit5 1\.000 \(needs ≥ 0\.500\)$/m);
    expect(run.stderr).toMatch(/^✗ abstention not measured \(needs ≥ 0\.500\)$/m);
    expect(run.stderr).toMatch(/^✗ p95-latency-ms \d+ ms \(needs < 0 ms\)$/m);
    expect(run.stderr).toMatch(
      /^GATE FAILED: abstention not measured \(needs ≥ 0\.500\); p95-latency-ms \d+ ms \(needs < 0 ms\) \(.*missed\.json\)\.$/m,
    );
  });

  it('refuses a threshold the run cannot measure and a thresholds file with an unknown key, naming them, before indexing', async () => {
    const oracleOnly = writeJson('oracle-only.json', { atLeast: { answered: 0.5, oraclePosted: 0.9 } });
    const unmeasurable = await runLore(bench('--thresholds', oracleOnly), env());
    expect(unmeasurable.code).toBe(1);
    expect(unmeasurable.stderr).toMatch(/oracle-only\.json: oraclePosted \(needs --generator oracle\) cannot be measured by this run/);
    expect(unmeasurable.stderr).not.toMatch(/documents indexed/);

    const misspelt = writeJson('misspelt.json', { atLeast: { 'hit@5': 0.5 } });
    const unknown = await runLore(bench('--thresholds', misspelt), env());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/misspelt\.json: atLeast "hit@5"/);
  });

  it('refuses a question set whose gold files are not in the corpus, naming one', async () => {
    const other = path.join(tmp.dir, 'other.jsonl');
    fs.writeFileSync(other, JSON.stringify({ ...QUESTIONS[0], gold: ['office/missing.md'] }));
    const run = await runLore(['bench', 'answers', '--corpus', corpus, '--questions', other], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/1 gold file\(s\) are not in .*t1: office\/missing\.md/);
  });
});
