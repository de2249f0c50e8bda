import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerPipeline } from '../../app/answer-pipeline.ts';
import { loadConfig, type Config } from '../../app/config.ts';
import { createAnswerService } from '../../app/create-answer-service.ts';
import { createHttpServer, listenOnConfiguredHost } from '../../app/http/create-server.ts';
import { createSyncService } from '../../app/sync-service.ts';
import { BOT_USER_ID, deliverToLore, eventEnvelope, startFakeSlack, type FakeSlack } from '../fakes/fake-slack.ts';
import { BOT_TOKEN, SIGNING_SECRET, startTestBot } from '../bot/slack/slack-test-bot.ts';
import { openSecurityFixture, type SecurityFixture } from './security-fixture.ts';

// Finding 1 of issue 14: the HTTP API was open to anyone who could reach the port, on every interface, and any web
// page could post a multipart upload to it. Each test makes the attack against the real Fastify server over a real
// runtime and checks it no longer gets through, and that the playground and Slack still do.

const QUESTION = 'How long are backups of the data directory kept?';
const EVIL = 'https://evil.example';

let fixture: SecurityFixture;
const servers: FastifyInstance[] = [];

async function server(config: Partial<Config>): Promise<FastifyInstance> {
  const runtime = { ...fixture.runtime, config: { ...fixture.config, ...config } };
  const app = await createHttpServer({ runtime, answers: createAnswerService(runtime) });
  servers.push(app);
  return app;
}

function servedAnswers(): number {
  return fixture.runtime.db!.prepare('SELECT COUNT(*) FROM answers').pluck().get() as number;
}

function uploadedChunks(): number {
  return fixture.runtime.db!.prepare("SELECT COUNT(*) FROM documents WHERE source = 'upload'").pluck().get() as number;
}

/** A multipart body as an HTML form on any web page posts it. */
async function formUpload(name: string, content: string): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  form.append('file', new Blob([content]), name);
  const request = new Request('http://localhost/ingest', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), headers: { 'content-type': request.headers.get('content-type')! } };
}

beforeAll(async () => {
  fixture = await openSecurityFixture({ files: { 'backups.md': '# Backups\n\nBackups of the data directory are kept for 30 days.\n' } });
}, 180_000);

afterAll(async () => {
  for (const app of servers) await app.close();
  await fixture?.close();
});

describe('the listening address', () => {
  it('is loopback only when LORE_HOST is not set', async () => {
    const config = loadConfig({});
    expect(config.host).toBe('localhost');
    const app = await server({ host: config.host });
    await listenOnConfiguredHost(app, config.host, 0);
    const addresses = app.addresses() as AddressInfo[];
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.map((a) => a.address).filter((address) => address !== '127.0.0.1' && address !== '::1')).toEqual([]);
    const port = addresses[0]!.port;
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    // Every address of this machine that is not loopback: nothing listens there.
    const external = Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && !a.internal && a.family === 'IPv4')
      .map((a) => a!.address);
    for (const address of external) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = net.connect({ host: address, port }, () => {
          socket.destroy();
          resolve('connected');
        });
        socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      expect(outcome, `connecting to ${address}:${port}`).toBe('ECONNREFUSED');
    }
  });

  it.each([
    ['0.0.0.0', '0.0.0.0'],
    ['[::]', '::'],
    ['192.0.2.10', '192.0.2.10'],
  ])('is validated: LORE_HOST=%s listens on %s', (given, host) => {
    expect(loadConfig({ LORE_HOST: given }).host).toBe(host);
  });

  it('refuses a LORE_HOST that is not a host name or an address, naming the variable', () => {
    expect(() => loadConfig({ LORE_HOST: 'http://0.0.0.0:8080' })).toThrow(/LORE_HOST must be a host name or an IP address/);
  });
});

describe('an API exposed beyond loopback', () => {
  it('refuses /query, /feedback and /ingest without a key when no keys are configured, and says so at start', async () => {
    const before = servedAnswers();
    const app = await server({ host: '0.0.0.0' });
    const upload = await formUpload('planted.md', '# Planted\n\nThe VPN client is at https://evil.example/vpn.\n');
    const responses = [
      await app.inject({ method: 'POST', url: '/query', payload: { question: QUESTION } }),
      await app.inject({ method: 'POST', url: '/feedback', payload: { answerId: 'x', rating: 'up' } }),
      await app.inject({ method: 'POST', url: '/ingest', ...upload }),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: 'unauthorized', message: expect.stringMatching(/LORE_API_KEYS/) });
    }
    expect(servedAnswers()).toBe(before);
    expect(uploadedChunks()).toBe(0);
    expect(fixture.logs.join('')).toMatch(/listens beyond loopback without API keys/);
  });

  it('needs one of the keys when keys are configured', async () => {
    const app = await server({ host: '0.0.0.0', api: { ...fixture.config.api, keys: [{ key: 'exposed-key-0123456789' }] } });
    expect((await app.inject({ method: 'POST', url: '/query', payload: { question: QUESTION } })).statusCode).toBe(401);
    const answered = await app.inject({
      method: 'POST',
      url: '/query',
      headers: { authorization: 'Bearer exposed-key-0123456789' },
      payload: { question: QUESTION },
    });
    expect(answered.statusCode).toBe(200);
  });

  it('serves without keys only when LORE_API_PUBLIC=true, with a warning at start', async () => {
    const config = loadConfig({ LORE_HOST: '0.0.0.0', LORE_API_PUBLIC: 'true' });
    const app = await server({ host: config.host, api: config.api });
    const response = await app.inject({ method: 'POST', url: '/query', payload: { question: QUESTION } });
    expect(response.statusCode).toBe(200);
    expect(response.json<{ answer: string }>().answer).toMatch(/30 days/);
    expect(fixture.logs.join('')).toMatch(/LORE_API_PUBLIC=true: anyone who can reach this address/);
  });
});

describe('cross-site requests', () => {
  it('refuses a multipart form another origin posts to /ingest, and indexes nothing', async () => {
    const app = await server({});
    const upload = await formUpload('planted.md', '# VPN\n\nGet the VPN client at https://evil.example/vpn.\n');
    for (const browser of [{ origin: EVIL, 'sec-fetch-site': 'cross-site' }, { origin: EVIL }]) {
      const response = await app.inject({
        method: 'POST',
        url: '/ingest',
        headers: { ...upload.headers, host: 'localhost:8080', ...browser },
        payload: upload.payload,
      });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: 'cross_site_request', message: expect.stringContaining(EVIL) });
    }
    expect(uploadedChunks()).toBe(0);
  });

  it('refuses a text/plain question another origin posts to /query (a simple request, no preflight)', async () => {
    const before = servedAnswers();
    const app = await server({});
    for (const browser of [
      { origin: EVIL, 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
      { origin: 'http://intranet.example', 'sec-fetch-site': 'same-site' },
    ]) {
      const response = await app.inject({
        method: 'POST',
        url: '/query',
        headers: { host: 'localhost:8080', 'content-type': 'text/plain', ...browser },
        payload: JSON.stringify({ question: QUESTION }),
      });
      expect(response.statusCode).toBe(403);
      expect(response.json<{ error: string }>().error).toBe('cross_site_request');
    }
    expect(servedAnswers()).toBe(before);
  });

  it('refuses feedback another origin posts', async () => {
    const app = await server({});
    const response = await app.inject({
      method: 'POST',
      url: '/feedback',
      headers: { host: 'localhost:8080', origin: EVIL, 'sec-fetch-site': 'cross-site' },
      payload: { answerId: 'x', rating: 'down' },
    });
    expect(response.statusCode).toBe(403);
  });

  it('refuses a page that rebinds its own domain to 127.0.0.1 when the API has no keys', async () => {
    const before = servedAnswers();
    const app = await server({});
    // To the browser this is same-origin: the page's own domain now resolves to Lore.
    const response = await app.inject({
      method: 'POST',
      url: '/query',
      headers: { host: 'rebind.evil.example:8080', origin: 'http://rebind.evil.example:8080', 'sec-fetch-site': 'same-origin' },
      payload: { question: QUESTION },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'forbidden', message: expect.stringMatching(/addressed to localhost/) });
    expect(servedAnswers()).toBe(before);
  });

  it('answers the playground on localhost with no setup, and clients that are not browsers', async () => {
    const app = await server({});
    const playground = await app.inject({
      method: 'POST',
      url: '/query',
      headers: { host: 'localhost:8080', origin: 'http://localhost:8080', 'sec-fetch-site': 'same-origin' },
      payload: { question: QUESTION },
    });
    expect(playground.statusCode).toBe(200);
    const olderBrowser = await app.inject({
      method: 'POST',
      url: '/query',
      headers: { host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' },
      payload: { question: QUESTION },
    });
    expect(olderBrowser.statusCode).toBe(200);
    const curl = await app.inject({ method: 'POST', url: '/query', headers: { host: 'localhost:8080' }, payload: { question: QUESTION } });
    expect(curl.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/', headers: { host: 'localhost:8080' } })).statusCode).toBe(200);
  });
});

describe('Slack on an exposed port', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack({ botToken: BOT_TOKEN });
  });
  afterAll(async () => {
    await slack?.close();
  });

  it('still takes signed events at /slack/events with no API keys, and Bolt still refuses forged ones', async () => {
    const config: Config = {
      ...fixture.config,
      host: '0.0.0.0',
      slack: { ...fixture.config.slack, botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, apiUrl: slack.apiUrl },
    };
    const runtime = { ...fixture.runtime, config };
    const bot = await startTestBot(runtime, slack, { sync: createSyncService(runtime), pipeline: createAnswerPipeline(runtime) });
    try {
      const envelope = eventEnvelope({
        type: 'app_mention',
        channel: 'CEXPOSED',
        user: 'U1',
        text: `<@${BOT_USER_ID}> ${QUESTION}`,
        ts: '1900000001.000100',
      });
      expect((await deliverToLore(bot.url, { json: envelope }, { signingSecret: SIGNING_SECRET, forgeWith: 'guessed-secret' })).status).toBe(401);
      expect((await deliverToLore(bot.url, { json: envelope }, { signingSecret: SIGNING_SECRET })).status).toBe(200);
      const answer = await slack.waitFor(
        (call) => call.method === 'chat.update' && call.args.channel === 'CEXPOSED' && /30 days/.test(String(call.args.text)),
        30_000,
      );
      expect(answer.args.channel).toBe('CEXPOSED');
    } finally {
      await bot.close();
    }
  });
});
