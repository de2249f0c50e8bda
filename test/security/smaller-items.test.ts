import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerPipeline } from '../../app/answer-pipeline.ts';
import { startChromaServer } from '../../app/chroma-server.ts';
import { createAnswerService } from '../../app/create-answer-service.ts';
import { openDatabase } from '../../app/database.ts';
import { createHttpServer } from '../../app/http/create-server.ts';
import { createLogger } from '../../app/logger.ts';
import { createSyncService } from '../../app/sync-service.ts';
import { ChromaStore } from '../../rag/store/chroma-store.ts';
import type { Answer } from '../../rag/types.ts';
import { BOT_USER_ID, startFakeSlack, type FakeSlack } from '../fakes/fake-slack.ts';
import { BOT_TOKEN, mention, SIGNING_SECRET, startTestBot, type TestBot } from '../bot/slack/slack-test-bot.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { openSecurityFixture, type SecurityFixture } from './security-fixture.ts';

// Finding 11 of issue 14, the smaller items, each against the real component: a hung Chroma, a Chroma behind an
// authenticating proxy under a path, the tokens in Lore's environment, the files of the data directory, GET /ready
// to anyone, the log of a 👍, and the `file://` paths of an abstention in Slack.

const QUESTION = 'How long are backups of the data directory kept?';

let fixture: SecurityFixture;
const tmp = tempDir('lore-security-items-');

beforeAll(async () => {
  fixture = await openSecurityFixture({ files: { 'backups.md': '# Backups\n\nBackups of the data directory are kept for 30 days.\n' } });
}, 180_000);

afterAll(async () => {
  await fixture?.close();
  tmp.cleanup();
});

/** A server that accepts connections and never answers: a hung Chroma. */
async function silentServer(): Promise<{ url: string; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** The fixture's embedded Chroma, as its start-up log names it. */
function chromaUrl(): string {
  const line = fixture.logs.map((l) => JSON.parse(l) as { msg: string; url?: string }).find((l) => l.msg === 'embedded Chroma started');
  return line!.url!;
}

describe('Chroma', () => {
  it('that hangs costs a question its dense search, not its answer', async () => {
    const hung = await silentServer();
    try {
      const vectors = ChromaStore.fromUrl(hung.url, 'lore', { readMs: 300, writeMs: 300 });
      await expect(vectors.count()).rejects.toThrow(/Chroma did not answer getOrCreateCollection within 300 ms/);
      const started = Date.now();
      const answer = await createAnswerPipeline({ ...fixture.runtime, vectors }).answer({ text: QUESTION });
      expect(answer.answer).toMatch(/30 days/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      hung.close();
    }
  });

  it('is reached through CHROMA_URL with its path and credentials (an authenticating proxy)', async () => {
    const upstream = chromaUrl();
    const seen: string[] = [];
    const proxy = http.createServer(async (request, response) => {
      seen.push(`${request.headers.authorization ?? '-'} ${request.url}`);
      if (
        request.headers.authorization !== `Basic ${Buffer.from('lore:pa ss@word').toString('base64')}` ||
        !request.url?.startsWith('/vectors/chroma/')
      ) {
        response.writeHead(401).end();
        return;
      }
      const body: Buffer[] = [];
      for await (const chunk of request) body.push(chunk as Buffer);
      const forwarded = await fetch(`${upstream}${request.url.slice('/vectors/chroma'.length)}`, {
        method: request.method!,
        headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
        ...(body.length > 0 ? { body: Buffer.concat(body) } : {}),
      });
      response
        .writeHead(forwarded.status, { 'content-type': forwarded.headers.get('content-type') ?? 'application/json' })
        .end(Buffer.from(await forwarded.arrayBuffer()));
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const base = `127.0.0.1:${(proxy.address() as AddressInfo).port}/vectors/chroma`;
    try {
      const vectors = ChromaStore.fromUrl(`http://lore:pa%20ss%40word@${base}/`);
      await vectors.heartbeat();
      expect(await vectors.count()).toBe(await fixture.runtime.vectors.count());
      expect(seen.every((line) => line.includes('/vectors/chroma/api/'))).toBe(true);
      // The proxy does refuse: without the credentials the same store gets nowhere.
      await expect(ChromaStore.fromUrl(`http://${base}`).heartbeat()).rejects.toThrow();
    } finally {
      proxy.close();
    }
  });

  it('runs without any of the tokens in Lore’s environment', async () => {
    const tokens = {
      SLACK_BOT_TOKEN: 'xoxb-env-leak-1234567890',
      GEMINI_API_KEY: 'gemini-env-leak',
      DISCORD_TOKEN: 'discord-env-leak',
      REDIS_URL: 'redis://:env-leak@redis:6379',
    };
    Object.assign(process.env, tokens);
    let server;
    try {
      server = await startChromaServer(path.join(tmp.dir, 'chroma-env'), createLogger('silent'));
    } finally {
      for (const name of Object.keys(tokens)) delete process.env[name];
    }
    try {
      const environ = fs.readFileSync(`/proc/${server.pid}/environ`, 'utf8').split('\0');
      expect(environ.some((entry) => entry.startsWith('PATH='))).toBe(true);
      for (const [name, value] of Object.entries(tokens)) {
        expect(environ.join('\n')).not.toContain(value);
        expect(environ.some((entry) => entry.startsWith(`${name}=`))).toBe(false);
      }
    } finally {
      await server.stop();
    }
  });
});

describe('the data directory', () => {
  it('and lore.db are created readable by Lore’s user only', () => {
    const dataDir = path.join(tmp.dir, 'fresh', 'data');
    const db = openDatabase(dataDir);
    try {
      db.prepare("INSERT INTO settings (key, value) VALUES ('probe', '1')").run();
      expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(dataDir, 'lore.db')).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(dataDir, 'lore.db-wal')).mode & 0o777).toBe(0o600);
    } finally {
      db.close();
    }
  });
});

describe('GET /ready', () => {
  it('says which store failed but never the error’s own text', async () => {
    const failing = {
      ...fixture.runtime.vectors,
      heartbeat: async () => {
        throw new Error('connect ECONNREFUSED 10.1.2.3:8000 (https://admin:hunter2@chroma.internal/tenant)');
      },
    } as unknown as ChromaStore;
    const runtime = { ...fixture.runtime, vectors: failing };
    const app = await createHttpServer({ runtime, answers: createAnswerService(runtime) });
    try {
      const response = await app.inject({ method: 'GET', url: '/ready' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        checks: { chroma: 'failed', sqlite: 'ok' },
        message: 'not ready: Chroma: failed (the server log has the reason)',
      });
      expect(response.body).not.toMatch(/hunter2|10\.1\.2\.3|chroma\.internal/);
      expect(fixture.logs.join('')).toMatch(/hunter2/);
    } finally {
      await app.close();
    }
  });
});

describe('Slack', () => {
  let slack: FakeSlack;
  let bot: TestBot;

  beforeAll(async () => {
    slack = await startFakeSlack({ botToken: BOT_TOKEN });
    const config = {
      ...fixture.config,
      slack: { ...fixture.config.slack, botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, apiUrl: slack.apiUrl },
    };
    const runtime = { ...fixture.runtime, config };
    bot = await startTestBot(runtime, slack, { sync: createSyncService(runtime), pipeline: createAnswerService(runtime) });
  });
  afterAll(async () => {
    await bot?.close();
    await slack?.close();
  });

  function loreReply(channel: string, thread: string): { ts: string; text: string; blocks?: unknown[] } {
    return slack.messages(channel).find((m) => m.user === BOT_USER_ID && m.thread_ts === thread)!;
  }

  it('logs a 👍 without the question it rates', async () => {
    const question = 'How long are backups of the data directory kept, asks the quarterly layoff planning group?';
    const event = mention('CITEMS', 'UASKER', question);
    await bot.deliver(event);
    await bot.idle();
    const reply = loreReply('CITEMS', String(event.ts));
    await bot.deliver({
      type: 'reaction_added',
      user: 'URATER',
      reaction: '+1',
      item_user: BOT_USER_ID,
      item: { type: 'message', channel: 'CITEMS', ts: reply.ts },
    });
    await bot.idle();
    const recorded = fixture.logs.filter((line) => line.includes('"feedback recorded"'));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).not.toMatch(/layoff/);
  });

  it('lists an abstention’s closest local sources by title, without their file:// server paths', async () => {
    const event = mention('CABSTAIN', 'UASKER', 'What is the boiling point of tungsten in kelvin?');
    await bot.deliver(event);
    await bot.idle();
    const reply = loreReply('CABSTAIN', String(event.ts));
    const posted = JSON.stringify(reply);
    expect(posted).toMatch(/couldn't find this/);
    expect(posted).toContain('Backups');
    expect(posted).not.toMatch(/file:\/\//);
    expect(posted).not.toContain(fixture.dir);

    const answer: Answer = await createAnswerService(fixture.runtime).answer({ text: 'What is the boiling point of tungsten in kelvin?' });
    expect(answer.answer).toBe("I couldn't find this in the knowledge base. The closest sources I found:\n- Backups");
  });
});
