import path from 'node:path';
import type { CallApiContextParams } from 'promptfoo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { createLogger } from '../../app/logger.ts';
import { asAnswerRecord, citedText } from '../../evals/answer-record.ts';
import type { GoldenCase } from '../../evals/golden/golden-case.ts';
import { KnowledgeBases } from '../../evals/knowledge-bases.ts';
import LoreProvider from '../../evals/provider.ts';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.ts';
import { tempDir } from '../helpers/temp-dir.ts';

// The promptfoo provider over the real eval index of the sample knowledge base (real Chroma, SQLite, retrieval,
// Gemini SDK), with embeddings and generation from the local Gemini fake so the index builds in seconds.

const tmp = tempDir('lore-provider-');
const config = loadConfig({
  LORE_DATA_DIR: path.join(tmp.dir, 'data'),
  LORE_EMBEDDER: 'gemini',
  GEMINI_API_KEY: 'test-key',
  GEMINI_BASE_URL: 'http://127.0.0.1:1',
});
let gemini: FakeGemini;
let knowledgeBases: KnowledgeBases;
let provider: LoreProvider;

const golden = (fields: Partial<GoldenCase> & Pick<GoldenCase, 'id' | 'question'>): GoldenCase => ({
  set: 'test',
  knowledgeBase: 'sample',
  kind: 'answerable',
  sources: [],
  abstain: false,
  facts: [],
  forbidden: [],
  forbiddenSources: [],
  status: 'ready',
  ...fields,
});
const call = (c: GoldenCase) => provider.callApi(c.question, { vars: { question: c.question, golden: c } } as unknown as CallApiContextParams);

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  const keyed = { ...config, gemini: { ...config.gemini, baseUrl: gemini.url } };
  knowledgeBases = new KnowledgeBases(keyed, createLogger('silent'));
  provider = new LoreProvider(
    { id: 'lore-test' },
    () => knowledgeBases,
    () => knowledgeBases.close(),
  );
}, 120_000);
afterAll(async () => {
  await provider?.cleanup();
  await gemini?.close();
  tmp.cleanup();
});

describe('the promptfoo provider', () => {
  it('returns the answer with its contexts, citations, token usage, cost and latency', async () => {
    gemini.setGenerator(() => ({
      chunks: ['Backups of the data directory ', 'are kept for at most 30 days [1].'],
      usage: { promptTokenCount: 1000, candidatesTokenCount: 20 },
    }));
    const before = gemini.requests.length;
    const response = await call(golden({ id: 'backups', question: 'How long are backups of the data directory kept?' }));
    expect(response.error).toBeUndefined();
    expect(response.output).toBe('Backups of the data directory are kept for at most 30 days [1].');
    // Every model call of the answer (Gemini reranking, then generation) is counted and priced.
    const calls = gemini.requests.slice(before).filter((r) => r.method === 'generateContent' || r.method === 'streamGenerateContent').length;
    expect(calls).toBeGreaterThan(0);
    expect(response.tokenUsage).toEqual({ prompt: 1000 * calls, completion: 20 * calls, total: 1020 * calls });
    expect(response.cost).toBeGreaterThan(0);
    expect(response.latencyMs).toBeGreaterThan(0);
    const record = asAnswerRecord(response.metadata)!;
    expect(record).toMatchObject({ knowledgeBase: 'sample', mode: 'generative', abstained: false });
    expect(record.confidence).toBeGreaterThan(0);
    expect(Object.keys(record.timings)).toEqual(['rewrite', 'retrieve', 'rerank', 'generate']);
    expect(record.contexts.length).toBeGreaterThan(0);
    expect(record.contexts.every((c) => c.source === 'files' && c.text.length > 0)).toBe(true);
    expect(record.citations[0]!.docId).toMatch(/sample-kb\/data-handling-policy\.txt$/);
    expect(citedText(record, record.citations[0]!)).toMatch(/30 days/);
    gemini.setGenerator(undefined);
  });

  it('indexes the golden Notion pages as Notion and applies the case’s channel scope', async () => {
    const question = 'When does the Lore on-call rotation change?';
    const notionOnly = asAnswerRecord((await call(golden({ id: 'notion', question, allowedSources: ['notion'] }))).metadata)!;
    expect(notionOnly.contexts.length).toBeGreaterThan(0);
    expect(notionOnly.contexts.every((c) => c.source === 'notion' && c.docId.startsWith('notion:golden/notion-kb/'))).toBe(true);
    const filesOnly = asAnswerRecord((await call(golden({ id: 'files', question, allowedSources: ['files'] }))).metadata)!;
    expect(filesOnly.contexts.some((c) => c.source === 'notion')).toBe(false);
  });

  it('indexed the sample knowledge base with the planted-instruction documents once', async () => {
    const kb = await knowledgeBases.get('sample');
    expect(kb.indexed).toMatchObject({ added: 16, failed: [] });
    expect(await knowledgeBases.get('sample')).toBe(kb);
    expect(await kb.runtime.chunks.getDocument(`files:${path.resolve('datasets/golden/injection-kb/vendor-install-note.md')}`)).toBeDefined();
  });

  it('reports a test case without a golden case as an error instead of answering', async () => {
    const response = await provider.callApi('hello', { vars: { question: 'hello' } } as unknown as CallApiContextParams);
    expect(response.error).toMatch(/no golden case in vars\.golden/);
    expect(response.output).toBeUndefined();
  });

  it('reuses the index on the next run: nothing is embedded again', async () => {
    await knowledgeBases.close();
    const embedCalls = gemini.requests.filter((r) => r.method === 'batchEmbedContents').length;
    const keyed = { ...config, gemini: { ...config.gemini, baseUrl: gemini.url } };
    knowledgeBases = new KnowledgeBases(keyed, createLogger('silent'));
    const kb = await knowledgeBases.get('sample');
    expect(kb.indexed).toMatchObject({ added: 0, updated: 0, unchanged: 16 });
    expect(gemini.requests.filter((r) => r.method === 'batchEmbedContents').length).toBe(embedCalls);
  });
});
