import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_TOKEN, GUILD_ID, startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord.ts';
import { readFixture } from '../../helpers/fixture.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { startLoreWithDiscord } from './lore-with-discord.ts';

// `lore start` as a process while Discord misbehaves: a gateway that refuses every connection must not keep Lore
// from serving HTTP, and a packet discord.js cannot handle must not end the process. Both show at /ready and
// /metrics, and the failures are logged as errors with their reason.

const tmp = tempDir('lore-start-discord-failures-');
let discord: FakeDiscord;

beforeAll(async () => {
  discord = await startFakeDiscord({ token: BOT_TOKEN });
});
afterAll(async () => {
  await discord.close();
  tmp.cleanup();
});

interface LogLine {
  level: number;
  msg: string;
  reason?: string;
}

/** Polls until `probe` gives a value, failing with `what` (and the logs) after `timeoutMs`. */
async function eventually<T>(probe: () => Promise<T | undefined>, what: string, logs: () => string, timeoutMs = 60_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nlogs: ${logs().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('lore start while Discord fails', () => {
  it('serves HTTP while the gateway refuses connections, retries with backoff, and survives a packet discord.js throws on', async () => {
    discord.refuseGateway(true);
    const lore = await startLoreWithDiscord(discord, path.join(tmp.dir, 'data'));
    const { child, port } = lore;
    const logs = lore.logs;
    const lines = (): LogLine[] =>
      logs()
        .split('\n')
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as LogLine];
          } catch {
            return [];
          }
        });
    const get = async (route: string) => fetch(`http://127.0.0.1:${port}${route}`);
    const ready = async () =>
      (await (await get('/ready')).json()) as { status: string; platforms?: Record<string, { state: string; failures: number }> };
    const metric = async (series: string) => {
      const line = (await (await get('/metrics')).text()).split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.split(' ')[1]);
    };

    // The gateway refuses everything, yet Lore serves: the platform is shown retrying, not connected.
    expect((await get('/health')).status).toBe(200);
    await eventually(
      async () => ((await ready()).platforms?.discord?.state === 'retrying' ? true : undefined),
      'Discord shown retrying at /ready',
      logs,
    );
    const whileDown = await ready();
    expect(whileDown.status).toBe('ready');
    expect(whileDown.platforms!.discord!.failures).toBeGreaterThanOrEqual(1);
    expect(await metric('lore_chat_platform_connected{platform="discord"}')).toBe(0);
    expect(await metric('lore_chat_platform_failures_total{kind="connect",platform="discord"}')).toBeGreaterThanOrEqual(1);
    const failure = lines().find((line) => line.msg.startsWith('could not connect to Discord'));
    expect(failure, logs().slice(-3000)).toBeDefined();
    expect(failure!.level).toBe(50);
    expect(failure!.reason).toMatch(/the gateway refused \d+ connections in a row \(could not reach the gateway: network error\)/);
    expect(failure!.msg).toMatch(/retrying in \d+ s$/);
    // discord.js's own retries are no longer an info line each.
    expect(lines().filter((line) => line.level >= 30 && /reconnecting/i.test(line.msg)).length).toBeLessThanOrEqual(1);

    // The gateway comes back: the next attempt connects.
    discord.refuseGateway(false);
    await eventually(async () => ((await ready()).platforms?.discord?.state === 'connected' ? true : undefined), 'Discord connected at /ready', logs);
    expect(await metric('lore_chat_platform_connected{platform="discord"}')).toBe(1);
    const identified = discord.identifies.length;

    // A packet discord.js throws on: the client is replaced, the process and HTTP stay up, the failure is counted.
    const { packet } = readFixture<{ packet: { t: string; d: Record<string, unknown> } }>('discord/thread-list-sync-without-threads.json');
    discord.dispatch(packet.t, { ...packet.d, guild_id: GUILD_ID });
    await eventually(
      async () => ((await metric('lore_chat_platform_failures_total{kind="crash",platform="discord"}')) === 1 ? true : undefined),
      'the failure counted',
      logs,
    );
    await eventually(
      async () => (discord.identifies.length > identified && (await ready()).platforms?.discord?.state === 'connected' ? true : undefined),
      'a new Discord session',
      logs,
    );
    expect(child.exitCode).toBeNull();
    expect((await get('/health')).status).toBe(200);
    expect(lines().find((line) => line.level === 50 && /failed handling a gateway packet/.test(line.msg))).toBeDefined();

    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    expect(logs()).not.toContain(BOT_TOKEN);
  }, 240_000);
});
