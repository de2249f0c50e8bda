import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.ts';
import { runLore } from '../helpers/run-lore.ts';
import { tempDir } from '../helpers/temp-dir.ts';

let gemini: FakeGemini;
const tmp = tempDir('lore-bench-retrieval-');

const DOCS = [
  ['d1', 'Password rotation', 'Rotate database passwords every ninety days with the vault rotation job.'],
  ['d2', 'Holiday calendar', 'The office is closed on public holidays; see the shared calendar for dates.'],
  ['d3', 'Expense claims', 'Submit expense claims with receipts within thirty days of purchase.'],
  ['d4', 'On-call rota', 'The on-call engineer answers pages within fifteen minutes, day or night.'],
  ['d5', 'Laptop setup', 'New laptops are enrolled in device management before the first login.'],
  ['d6', 'Incident reviews', 'Every incident gets a blameless review within five working days.'],
  ['d7', 'Parking', 'Visitor parking spaces are on level two of the garage.'],
  ['d8', 'Release train', 'Releases ship every Tuesday after the release checklist is complete.'],
];
const QUERIES = [
  ['q1', 'how often are database passwords rotated'],
  ['q2', 'how fast must on-call answer a page'],
  ['q3', 'when do releases ship'],
  ['q4', 'deadline for expense claims with receipts'],
];
const QRELS = [
  ['q1', 'd1'],
  ['q2', 'd4'],
  ['q3', 'd8'],
  ['q4', 'd3'],
];

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  const dir = path.join(tmp.dir, 'beir');
  fs.mkdirSync(path.join(dir, 'qrels'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'corpus.jsonl'), DOCS.map(([_id, title, text]) => JSON.stringify({ _id, title, text })).join('\n'));
  fs.writeFileSync(path.join(dir, 'queries.jsonl'), QUERIES.map(([_id, text]) => JSON.stringify({ _id, text })).join('\n'));
  fs.writeFileSync(path.join(dir, 'qrels', 'test.tsv'), ['query-id\tcorpus-id\tscore', ...QRELS.map(([q, d]) => `${q}\t${d}\t1`)].join('\n'));
});
afterAll(async () => {
  await gemini.close();
  tmp.cleanup();
});

describe('lore bench retrieval', () => {
  const dir = () => path.join(tmp.dir, 'beir');
  const args = () => [
    'bench',
    'retrieval',
    '--corpus',
    path.join(dir(), 'corpus.jsonl'),
    '--queries',
    path.join(dir(), 'queries.jsonl'),
    '--qrels',
    path.join(dir(), 'qrels', 'test.tsv'),
    '--folds',
    '2',
    '--json',
  ];
  const env = () => ({ GEMINI_API_KEY: 'test-key', GEMINI_BASE_URL: gemini.url, LORE_DATA_DIR: path.join(tmp.dir, 'data') });

  it('indexes a BEIR corpus and prints the metrics contract, with the BM25 baseline beside it', async () => {
    const run = await runLore(args(), env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    for (const key of ['ndcg@10', 'recall@10', 'recall@100', 'mrr@10', 'queries', 'p50Ms', 'p95Ms', 'indexSeconds']) {
      expect(result).toHaveProperty([key]);
    }
    expect(result.queries).toBe(4);
    // Every question names its document's words: BM25 alone gets them all first.
    expect(result.bm25).toMatchObject({ 'ndcg@10': 1, 'mrr@10': 1, 'recall@10': 1 });
    expect(result['recall@10']).toBe(1);
    expect(result['mrr@10']).toBeGreaterThan(0.5);
    expect(result.p95Ms).toBeGreaterThanOrEqual(result.p50Ms);
    expect(result.crossValidated).toMatchObject({ folds: 2, queries: 4 });
    expect(fs.existsSync(path.join(tmp.dir, 'data', 'bench-retrieval'))).toBe(true);
  });

  it('reuses the index on a second run: only the questions are embedded again', async () => {
    const before = gemini.requests.length;
    const run = await runLore(args(), env());
    expect(run.code).toBe(0);
    const embedded = gemini.requests.slice(before).flatMap((r) => r.texts);
    const questions = new Set(QUERIES.map(([, text]) => text));
    expect(embedded.length).toBeGreaterThan(0);
    expect(embedded.every((text) => questions.has(text!))).toBe(true);
  });

  it('prints a human table on stderr without --json', async () => {
    const run = await runLore(
      args().filter((a) => a !== '--json'),
      env(),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/BM25 \(baseline\)/);
    expect(run.stderr).toMatch(/hybrid \+ rerank \(shipped\)/);
    expect(run.stderr).toMatch(/p95/);
  });

  it('fails with a clear message when the qrels judge none of the queries', async () => {
    const qrels = path.join(dir(), 'qrels', 'none.tsv');
    fs.writeFileSync(qrels, 'query-id\tcorpus-id\tscore\nzz\td1\t1\n');
    const run = await runLore([...args().slice(0, 6), '--qrels', qrels, '--json'], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no query has judgements/);
  });
});
