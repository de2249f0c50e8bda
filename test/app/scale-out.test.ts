import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startChromaServer, type ChromaServer } from '../../app/chroma-server.ts';
import { keyIdOf } from '../../app/http/api-keys.ts';
import { createLogger } from '../../app/logger.ts';
import { utcDay } from '../../app/spend-ledger.ts';
import { answerWith, startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.ts';
import { freePort, redisServer, startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { type LoreServer, runLore, startLore } from '../helpers/run-lore.ts';
import { tempDir } from '../helpers/temp-dir.ts';

// Two `lore start` replicas behind one Redis and one Chroma, as a deployment would run them: one API key's
// request limit holds across both (not per replica), an answer written on one is served from the cache by the
// other, and what the model cost lands in the one daily spend. Both index the same files, so both name the index
// by the same version (part of every cache key).

const API_KEY = 'scale-out-key';
const RATE = 5;
const QUESTION = 'How long are backups of the data directory kept?';
const tmp = tempDir('lore-scale-out-');
let redis: TestRedis;
let chroma: ChromaServer;
let gemini: FakeGemini;
let kb: string;

beforeAll(async () => {
  if (!redisServer.run) return;
  redis = await startRedis();
  chroma = await startChromaServer(path.join(tmp.dir, 'chroma'), createLogger('silent'));
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  gemini.setGenerator(answerWith(['Backups of the data directory ', 'are kept for 30 days [1].']));
  kb = path.join(tmp.dir, 'kb');
  fs.mkdirSync(kb);
  for (const file of ['faq.md', 'getting-started.md', 'data-handling-policy.txt'])
    fs.copyFileSync(path.join('datasets/sample-kb', file), path.join(kb, file));
}, 120_000);
afterAll(async () => {
  await gemini?.close();
  await chroma?.stop();
  await redis?.stop();
  tmp.cleanup();
});

function replicaEnv(name: string): Record<string, string> {
  return {
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: gemini.url,
    CHROMA_URL: chroma.url,
    REDIS_URL: redis.url,
    LORE_DATA_DIR: path.join(tmp.dir, name),
    LORE_FILES_PATHS: kb,
    LORE_SYNC_INTERVAL_MINUTES: '0',
    LORE_API_KEYS: API_KEY,
    LORE_API_RATE_PER_MINUTE: String(RATE),
    LORE_DAILY_BUDGET_USD: '100',
    LOG_LEVEL: 'info',
  };
}

function startReplica(name: string): Promise<LoreServer> {
  return startLore(replicaEnv(name), { name });
}

function ask(replica: LoreServer, question: string): Promise<Response> {
  return fetch(`${replica.url}/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ question }),
  });
}

redisServer.describe('two lore start replicas sharing Redis and Chroma', () => {
  it('share one request limit per API key and one answer cache', async () => {
    const a = await startReplica('replica-a');
    let b: LoreServer | undefined;
    try {
      b = await startReplica('replica-b');
      expect(a.logs()).toContain('sharing rate limits, the answer cache and the daily budget through Redis');
      expect(await (await fetch(`${a.url}/health`)).json()).toMatchObject({ status: 'ok' });
      expect(await (await fetch(`${b.url}/health`)).json()).toMatchObject({ documents: 3 });

      // Answered on A, by the model...
      const first = await ask(a, QUESTION);
      expect(first.status).toBe(200);
      const answered = (await first.json()) as { answer: string; cached?: boolean; costUsd: number };
      expect(answered.cached).not.toBe(true);
      expect(answered.answer).toContain('30 days');
      expect(answered.costUsd).toBeGreaterThan(0);
      const generations = gemini.requests.filter((r) => r.method === 'streamGenerateContent').length;
      // ...and served from the cache on B, with no model call.
      const second = await ask(b, QUESTION.toUpperCase());
      expect(second.status).toBe(200);
      const hit = (await second.json()) as { answer: string; cached?: boolean; costUsd: number };
      expect(hit).toMatchObject({ cached: true, costUsd: 0, answer: answered.answer });
      expect(gemini.requests.filter((r) => r.method === 'streamGenerateContent').length).toBe(generations);

      // Five requests a minute for this key across both replicas: A has served 1 and B 1, three more spread over
      // both, and then each refuses though neither has served five on its own.
      const statuses = [];
      for (const replica of [a, b, a]) statuses.push((await ask(replica, QUESTION)).status);
      expect(statuses).toEqual([200, 200, 200]);
      for (const replica of [b, a]) {
        const refused = await ask(replica, QUESTION);
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(await refused.json()).toMatchObject({ error: 'rate_limited' });
      }

      // What is shared lives in Redis, under the names operators will look for.
      const inspect = new Redis(redis.url);
      try {
        expect((await inspect.keys('lore:answer:v1:*')).length).toBe(1);
        expect(await inspect.exists(`b_lore-api-${keyIdOf(API_KEY)}_settings`)).toBe(1);
        // The one model answer is today's spend, for both replicas' budget.
        expect(Number(await inspect.get(`lore:spend:${utcDay(new Date())}`))).toBeCloseTo(answered.costUsd, 10);
      } finally {
        inspect.disconnect();
      }
    } finally {
      expect(await a.stop()).toBe(0);
      if (b) expect(await b.stop()).toBe(0);
    }
  }, 400_000);

  it('refuses to start, naming REDIS_URL and hiding its password, when Redis cannot be reached', async () => {
    const port = await freePort();
    const env = { ...replicaEnv('replica-c'), PORT: String(await freePort()), REDIS_URL: `redis://:very-secret@127.0.0.1:${port}` };
    const run = await runLore(['start'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`could not connect to Redis at REDIS_URL (redis://:***@127.0.0.1:${port})`);
    expect(run.stderr).not.toContain('very-secret');
    expect(run.stderr).not.toContain('Lore is running');
  }, 120_000);
});
