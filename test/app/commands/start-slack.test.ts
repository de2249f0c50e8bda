import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';
import { BOT_USER_ID, deliverToLore, eventEnvelope, startFakeSlack, type FakeSlack } from '../../fakes/fake-slack.ts';
import { runLore, spawnLore } from '../../helpers/run-lore.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

// `lore start` as a process with Slack configured: it serves Slack's events next to /health on PORT, answers a
// signed mention in the thread, and still ignores Slack's retry of that event after a restart.

const SECRET = 'start-signing-secret';
const TOKEN = 'xoxb-start-token';
const tmp = tempDir('lore-start-slack-');
let gemini: FakeGemini;
let slack: FakeSlack;

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  slack = await startFakeSlack({ botToken: TOKEN });
});
afterAll(async () => {
  await slack.close();
  await gemini.close();
  tmp.cleanup();
});

async function startLore(env: Record<string, string>, { waitForSlack = true } = {}): Promise<{ child: ChildProcess; logs: () => string }> {
  const child = spawnLore(['start'], env);
  let logs = '';
  child.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
  // Generous: on a busy shared machine the first index can take a while.
  const deadline = Date.now() + 150_000;
  // Slack connects in the background: with a token configured, wait for that too (or for the log saying why not).
  const connected = env.SLACK_BOT_TOKEN === undefined || !waitForSlack ? () => true : () => logs.includes('connected to Slack');
  while (!logs.includes('Lore is running') || !connected()) {
    if (child.exitCode !== null) throw new Error(`lore start exited: ${logs}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`lore start did not come up: ${logs}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, logs: () => logs };
}

async function stop(child: ChildProcess): Promise<number | null> {
  child.kill('SIGTERM');
  return new Promise((resolve) => child.once('close', resolve));
}

describe('lore start with Slack', () => {
  it('answers a signed mention at POST /slack/events and ignores its retry after a restart', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const env = {
      GEMINI_API_KEY: 'test-key',
      GEMINI_BASE_URL: gemini.url,
      LORE_DATA_DIR: path.join(tmp.dir, 'data'),
      PORT: String(port),
      LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
    };
    const url = `http://127.0.0.1:${port}/slack/events`;
    const envelope = eventEnvelope({
      type: 'app_mention',
      channel: 'CSTART',
      user: 'U1',
      text: `<@${BOT_USER_ID}> How long are backups kept?`,
      ts: '1900000000.000100',
    });

    const first = await startLore(env);
    try {
      expect(first.logs()).toMatch(/connected to Slack/);
      expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toMatchObject({ status: 'ok' });
      expect((await deliverToLore(url, { json: envelope }, { signingSecret: SECRET, forgeWith: 'nope' })).status).toBe(401);
      expect((await deliverToLore(url, { json: envelope }, { signingSecret: SECRET })).status).toBe(200);
      const final = await slack.waitFor((call) => call.method === 'chat.update' && JSON.stringify(call.args.blocks).includes('react :+1:'), 30_000);
      expect(final.args.channel).toBe('CSTART');
    } finally {
      expect(await stop(first.child)).toBe(0);
    }

    const second = await startLore(env);
    try {
      expect((await deliverToLore(url, { json: envelope }, { signingSecret: SECRET, retryNum: 1 })).status).toBe(200);
      // A new question after the retry: once it is answered, the retry has long been dealt with.
      const next = eventEnvelope({ type: 'app_mention', channel: 'CSTART', user: 'U1', text: `<@${BOT_USER_ID}> hi`, ts: '1900000000.000200' });
      await deliverToLore(url, { json: next }, { signingSecret: SECRET });
      await slack.waitFor((call) => call.method === 'chat.postMessage' && call.args.thread_ts === '1900000000.000200', 30_000);
      expect(slack.callsOf('chat.postMessage').filter((call) => call.args.thread_ts === '1900000000.000100')).toHaveLength(1);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  }, 400_000);

  it('serves HTTP while Slack is unreachable, says so at /ready, and leaves a token Slack rejects down', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const base = {
      GEMINI_API_KEY: 'test-key',
      GEMINI_BASE_URL: gemini.url,
      LORE_DATA_DIR: path.join(tmp.dir, 'data'),
      PORT: String(port),
      LOG_LEVEL: 'info',
      SLACK_SIGNING_SECRET: SECRET,
    };
    const ready = async () =>
      (await (await fetch(`http://127.0.0.1:${port}/ready`)).json()) as { platforms?: Record<string, { state: string; failures: number }> };
    const until = async (state: string) => {
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
        if ((await ready()).platforms?.slack?.state === state) return;
      }
      throw new Error(`Slack never reached ${state}: ${JSON.stringify(await ready())}`);
    };

    // Nothing listens on port 9 of loopback: every Web API call is refused.
    const down = await startLore({ ...base, SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: 'http://127.0.0.1:9/api/' }, { waitForSlack: false });
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toMatchObject({ status: 'ok' });
      await until('retrying');
      const event = eventEnvelope({ type: 'app_mention', channel: 'CDOWN', user: 'U1', text: `<@${BOT_USER_ID}> hi`, ts: '1900000001.000100' });
      const refused = await deliverToLore(`http://127.0.0.1:${port}/slack/events`, { json: event }, { signingSecret: SECRET });
      expect(refused).toEqual({ status: 503, text: 'Lore is not connected to Slack yet; retry later.' });
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/lore_chat_platform_connected\{platform="slack"\} 0/);
      expect(metrics).toMatch(/lore_chat_platform_failures_total\{kind="connect",platform="slack"\} [1-9]/);
      expect(down.logs()).toMatch(/"level":50[^\n]*"platform":"slack"[^\n]*retrying in/);
    } finally {
      expect(await stop(down.child)).toBe(0);
    }

    const rejected = await startLore({ ...base, SLACK_BOT_TOKEN: 'xoxb-not-the-token', SLACK_API_URL: slack.apiUrl }, { waitForSlack: false });
    try {
      await until('failed');
      expect((await ready()).platforms?.slack?.failures).toBe(1);
      expect(rejected.logs()).toMatch(/invalid_auth[^\n]*slack stays disconnected until Lore restarts/);
    } finally {
      expect(await stop(rejected.child)).toBe(0);
    }
  }, 400_000);

  it('refuses to start with a mistake in the chat configuration, naming the file and the field', async () => {
    const file = path.join(tmp.dir, 'lore.config.yaml');
    fs.writeFileSync(file, 'channels:\n  C1:\n    sources: [files, wiki]\n');
    const run = await runLore(['start'], {
      LORE_DATA_DIR: path.join(tmp.dir, 'bad'),
      LORE_CHAT_CONFIG: file,
      GEMINI_API_KEY: 'test-key',
      GEMINI_BASE_URL: gemini.url,
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(
      `Invalid chat configuration in ${file}: channels.C1.sources[1] must be one of files, upload, notion, github, web, verified`,
    );
  }, 200_000);
});
