import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAnswerCache } from '../../app/answer-cache.ts';
import { createAnswerPipeline } from '../../app/answer-pipeline.ts';
import { AnswerService } from '../../app/answer-service.ts';
import { ingestPaths } from '../../app/commands/ingest.ts';
import { loadConfig, type Config } from '../../app/config.ts';
import { createAnswerService } from '../../app/create-answer-service.ts';
import { createLogger } from '../../app/logger.ts';
import { Metrics } from '../../app/metrics.ts';
import { QueryLog } from '../../app/query-log.ts';
import { openRuntime, type Runtime } from '../../app/runtime.ts';
import { SqlSpendLedger, utcDay } from '../../app/spend-ledger.ts';
import type { Answer } from '../../rag/types.ts';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.ts';
import { tempDir } from '../helpers/temp-dir.ts';

// The answer service over a real index: Gemini (the real SDK against a local fake) writes the answers, so they
// cost something and the budget, cache and routing can be watched through what reaches the fake.

const QUESTION = 'How long are backups of the data directory kept?';
let gemini: FakeGemini;
let runtime: Runtime;
let config: Config;
let kb: string;
const tmp = tempDir('lore-answers-');

const generations = () => gemini.requests.filter((r) => r.method === 'streamGenerateContent');

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  kb = path.join(tmp.dir, 'kb');
  fs.cpSync('datasets/sample-kb', kb, { recursive: true });
  config = loadConfig({
    LORE_DATA_DIR: path.join(tmp.dir, 'data'),
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: gemini.url,
    GEMINI_SIMPLE_MODEL: 'gemini-2.5-flash-lite',
  });
  runtime = await openRuntime(config, createLogger('silent'));
  await ingestPaths(runtime, [kb], false);
}, 120_000);
afterAll(async () => {
  await runtime?.close();
  await gemini.close();
  tmp.cleanup();
});
beforeEach(() => {
  gemini.setGenerator((request) =>
    request.method === 'generateContent'
      ? { chunks: [JSON.stringify({ scores: [] })], usage: { promptTokenCount: 400, candidatesTokenCount: 10 } }
      : {
          chunks: ['Backups of the data directory ', 'are kept for at most 30 days [1].'],
          usage: { promptTokenCount: 1000, candidatesTokenCount: 20 },
        },
  );
});

function service(overrides: Partial<ConstructorParameters<typeof AnswerService>[0]> = {}): AnswerService {
  return new AnswerService({
    pipeline: createAnswerPipeline(runtime),
    extractive: createAnswerPipeline(runtime, { offline: true }),
    indexVersion: () => runtime.chunks.indexVersion(),
    log: createLogger('silent'),
    ...overrides,
  });
}

describe('the answer cache', () => {
  it('serves the same question in the same scope from the cache, without a model call, at no cost', async () => {
    const answers = service({ cache: { store: new MemoryAnswerCache(), ttlMs: 60_000 } });
    const first = await answers.answer({ text: QUESTION });
    const calls = generations().length;
    const second = await answers.answer({ text: `  how long are BACKUPS of the data directory kept ` });
    expect(first.mode).toBe('generative');
    expect(first.cached).toBeUndefined();
    expect(second.cached).toBe(true);
    expect(second.answer).toBe(first.answer);
    expect(second.citations).toEqual(first.citations);
    expect(second.id).not.toBe(first.id);
    expect(second.costUsd).toBe(0);
    expect(generations().length).toBe(calls);
  });

  it('answers afresh in another scope and for a follow-up in a thread', async () => {
    const answers = service({ cache: { store: new MemoryAnswerCache(), ttlMs: 60_000 } });
    await answers.answer({ text: QUESTION });
    const scoped = await answers.answer({ text: QUESTION, allowedSources: ['files'] });
    const followUp = await answers.answer({ text: QUESTION, history: [{ role: 'user', text: 'Tell me about backups' }] });
    expect(scoped.cached).toBeUndefined();
    expect(followUp.cached).toBeUndefined();
  });

  it('stops serving an answer once the index changes', async () => {
    const answers = service({ cache: { store: new MemoryAnswerCache(), ttlMs: 60_000 } });
    await answers.answer({ text: QUESTION });
    expect((await answers.answer({ text: QUESTION })).cached).toBe(true);
    const before = await runtime.chunks.indexVersion();
    fs.writeFileSync(path.join(kb, 'backup-update.md'), '# Backup update\n\nBackups of the data directory are now kept for 45 days.\n');
    await ingestPaths(runtime, [kb], false);
    expect(await runtime.chunks.indexVersion()).not.toBe(before);
    expect((await answers.answer({ text: QUESTION })).cached).toBeUndefined();
    fs.rmSync(path.join(kb, 'backup-update.md'));
    await ingestPaths(runtime, [kb], false);
    // The same content again is the same version: replicas with the same documents share cache entries.
    expect(await runtime.chunks.indexVersion()).toBe(before);
  }, 60_000);

  it('does not keep an answer the model failed on', async () => {
    const answers = service({ cache: { store: new MemoryAnswerCache(), ttlMs: 60_000 } });
    // A 400 is not retried, so the fallback comes at once.
    gemini.always({ status: 400, body: { error: { code: 400, message: 'bad request', status: 'INVALID_ARGUMENT' } } });
    try {
      const degraded = await answers.answer({ text: 'Where do I find the Slack install steps?' });
      expect(degraded.mode).not.toBe('generative');
    } finally {
      gemini.always(undefined);
    }
    expect((await answers.answer({ text: 'Where do I find the Slack install steps?' })).cached).toBeUndefined();
  }, 60_000);
});

describe('the daily budget', () => {
  it('answers extractively, saying so, once the day’s spend reaches the budget, and records what was spent', async () => {
    const ledger = new SqlSpendLedger(runtime.sql);
    const dailyUsd = 0.0001;
    const day = new Date('2030-01-02T10:00:00Z');
    const answers = service({ budget: { dailyUsd, ledger }, now: () => day });
    const first = await answers.answer({ text: QUESTION });
    expect(first.mode).toBe('generative');
    expect(first.costUsd).toBeGreaterThan(0);
    expect(await ledger.total(utcDay(day))).toBeCloseTo(first.costUsd, 10);
    // One answer costs about $0.0002 here: the budget is now spent.
    const calls = generations().length;
    const second = await answers.answer({ text: QUESTION });
    expect(second.mode).toBe('extractive');
    expect(second.answer).toMatch(/30 days/);
    expect(second.costUsd).toBe(0);
    expect(second.notes[0]).toMatch(/budget \(\$0\.00\) is spent: this answer is extractive/);
    expect(generations().length).toBe(calls);
    // A new day starts with nothing spent.
    const tomorrow = service({ budget: { dailyUsd, ledger }, now: () => new Date('2030-01-03T00:00:01Z') });
    expect((await tomorrow.answer({ text: QUESTION })).mode).toBe('generative');
  }, 60_000);
});

describe('the configured answer service', () => {
  it('answers extractively past the configured budget, from the same index it answered from before', async () => {
    const budgeted = { ...config, dailyBudgetUsd: 0.0001, cache: { ...config.cache, ttlSeconds: 0 } };
    const answers = createAnswerService({ ...runtime, config: budgeted });
    const first = await answers.answer({ text: QUESTION });
    expect(first.mode).toBe('generative');
    const second = await answers.answer({ text: QUESTION });
    expect(second.mode).toBe('extractive');
    expect(second.answer).toMatch(/30 days/);
    expect(second.citations[0]!.title).toBe(first.citations[0]!.title);
    expect(second.notes[0]).toMatch(/budget .* is spent/);
  }, 60_000);
});

describe('model routing', () => {
  it('sends a simple lookup to the cheaper model and a comparison to the stronger one', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const answers = createAnswerService({ ...runtime, config: { ...config, cache: { ...config.cache, ttlSeconds: 0 } } }, { metrics });
    await answers.answer({ text: QUESTION });
    expect(generations().at(-1)!.model).toBe('gemini-2.5-flash-lite');
    await answers.answer({ text: 'Compare how long backups are kept with how long the query log is kept, and explain why they differ.' });
    expect(generations().at(-1)!.model).toBe('gemini-2.5-flash');
    const { body } = await metrics.render();
    expect(body).toContain('lore_model_routes_total{model="gemini-2.5-flash-lite",route="simple"} 1');
    expect(body).toContain('lore_model_routes_total{model="gemini-2.5-flash",route="complex"} 1');
  }, 60_000);
});

describe('the query log, metrics and online quality', () => {
  it('logs every answer with its cost, citations and grader scores, and exports answer metrics', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const queryLog = new QueryLog(runtime.sql, 30);
    const { OnlineQuality } = await import('../../app/online-quality.ts');
    const answers = service({
      metrics,
      queryLog,
      quality: new OnlineQuality({ metrics, log: createLogger('silent') }),
      cache: { store: new MemoryAnswerCache(), ttlMs: 60_000 },
    });
    const answer: Answer = await answers.answer({ text: QUESTION, asker: { platform: 'http', userId: 'key-1' } });
    await answers.answer({ text: QUESTION, asker: { platform: 'http', userId: 'key-1' } });
    await new Promise((resolve) => setImmediate(resolve));
    const [cachedRow, row] = await queryLog.recent(2);
    expect(row).toMatchObject({
      answerId: answer.id,
      platform: 'http',
      question: QUESTION,
      mode: 'generative',
      cached: false,
      model: 'gemini-2.5-flash-lite',
    });
    expect(row!.costUsd).toBeCloseTo(answer.costUsd, 10);
    expect(row!.citations[0]!.title).toBe('data-handling-policy.txt');
    expect(row!.faithfulness).toBe(1);
    expect(cachedRow).toMatchObject({ cached: true, costUsd: 0 });
    const { body } = await metrics.render();
    expect(body).toContain('lore_answers_total{cached="false",mode="generative",platform="http"} 1');
    expect(body).toContain('lore_answers_total{cached="true",mode="generative",platform="http"} 1');
    expect(body).toContain('lore_answer_cache_total{result="hit"} 1');
    expect(body).toMatch(/lore_stage_duration_seconds_count\{stage="retrieve"\} 1/);
    expect(body).toMatch(/lore_llm_tokens_total\{direction="input"\} 1400/);
    expect(body).toMatch(/lore_online_faithfulness 1/);
  }, 60_000);
});
