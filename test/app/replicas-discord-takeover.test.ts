import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { startChromaServer, type ChromaServer } from '../../app/chroma-server.ts';
import { DISCORD_GATEWAY_LEASE } from '../../app/connect-discord.ts';
import { createLogger } from '../../app/logger.ts';
import { BOT_TOKEN, BOT_USER_ID, GENERAL_CHANNEL, MEMBER_ID, startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.ts';
import { answerWith, startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.ts';
import { postgresServer, usePostgres } from '../helpers/postgres-server.ts';
import { type LoreServer, startLore } from '../helpers/run-lore.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { until } from '../helpers/until.ts';
import { fakeDiscordEnv } from './commands/lore-with-discord.ts';

// Two `lore start` replicas on one PostgreSQL and one Chroma server, both configured for one (fake) Discord bot.
// Discord delivers each event to every gateway session of the bot, so only the replica holding the lease
// discord-gateway connects and the other stands by. The holder's death is seen two ways: on its own host a dead pid
// is certain, so a replica there takes over at its next ask (every 7.5 s: the kill below); a replica elsewhere only
// sees the lease's 30 s TTL run out, as when the holder hangs (a paused process, below). Either way the other
// connects within a minute, and a mention from then on is answered once.

const QUESTION = 'How long are backups of the data directory kept?';
/** What issue 19 asks of a takeover after the holder died. */
const TAKEOVER_MS = 60_000;
/** The lease's TTL, and how often its holder renews it and a standby replica asks for it (a quarter of the TTL). */
const TTL_MS = 30_000;
const HEARTBEAT_MS = 7_500;
const tmp = tempDir('lore-discord-takeover-');
const postgres = usePostgres();
let databaseUrl: string;
let chroma: ChromaServer;
let gemini: FakeGemini;
let discord: FakeDiscord;
const replicas: LoreServer[] = [];

beforeAll(async () => {
  if (!postgresServer.run) return;
  [databaseUrl, chroma, gemini, discord] = await Promise.all([
    postgres.createDatabase('lore_discord_takeover'),
    startChromaServer(path.join(tmp.dir, 'chroma'), createLogger('silent')),
    startFakeGemini({ apiKey: 'test-key' }),
    startFakeDiscord({ token: BOT_TOKEN }),
  ]);
  gemini.setGenerator(answerWith(['Backups of the data directory ', 'are kept for 30 days [1].']));
  fs.mkdirSync(path.join(tmp.dir, 'kb'));
  for (const file of ['faq.md', 'data-handling-policy.txt']) fs.copyFileSync(path.join('datasets/sample-kb', file), path.join(tmp.dir, 'kb', file));
  // One after the other: the first applies the migrations, the second finds them applied.
  replicas.push(await startReplica('replica-a'));
  replicas.push(await startReplica('replica-b'));
}, 300_000);

afterAll(async () => {
  // Whatever a failed test left running (paused, too); the tests check the clean shutdowns.
  await Promise.all(replicas.map((replica) => replica.stop()));
  await discord?.close();
  await gemini?.close();
  await chroma?.stop();
  tmp.cleanup();
});

/** A replica on the shared store and Chroma, with its own data directory. */
function startReplica(name: string): Promise<LoreServer> {
  const env = {
    ...fakeDiscordEnv(discord),
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: gemini.url,
    DATABASE_URL: databaseUrl,
    CHROMA_URL: chroma.url,
    LORE_DATA_DIR: path.join(tmp.dir, name),
    LORE_FILES_PATHS: path.join(tmp.dir, 'kb'),
    LORE_SYNC_INTERVAL_MINUTES: '0',
    LOG_LEVEL: 'info',
  };
  return startLore(env, { name, timeoutMs: 120_000 });
}

const logs = () => replicas.map((replica) => replica.logs().slice(-3000)).join('\n---\n');

/** The replicas' roles once one is connected and the other stands by. */
async function roles(): Promise<{ holder: LoreServer; standby: LoreServer }> {
  let states: (string | undefined)[] = [];
  await until(
    async () => {
      states = await Promise.all(replicas.map(discordState));
      return states.includes('connected') && states.includes('standby');
    },
    60_000,
    () => `no replica connected with the other on standby (${states.join(', ')}): ${logs()}`,
  );
  return { holder: replicas[states.indexOf('connected')]!, standby: replicas[states.indexOf('standby')]! };
}

/** The replica's Discord state as its /ready shows it. */
async function discordState(replica: LoreServer): Promise<string | undefined> {
  const ready = (await (await fetch(`${replica.url}/ready`)).json()) as { platforms?: { discord?: { state: string } } };
  return ready.platforms?.discord?.state;
}

/** Who holds the gateway's lease, as an operator reads it in PostgreSQL. */
async function leaseHolderPid(): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM leases WHERE name = $1', [DISCORD_GATEWAY_LEASE]);
    return rows[0]?.pid;
  } finally {
    await client.end();
  }
}

/** Lore's replies in #general to the message `questionId` (an answer is one reply, edited as it streams). */
const repliesTo = (questionId: string) =>
  discord.messages(GENERAL_CHANNEL).filter((m) => (m.message_reference as { message_id?: string } | undefined)?.message_id === questionId);

postgresServer.describe('two lore start replicas configured for one Discord bot', () => {
  it('connect one gateway session: the lease holder connects, the other stands by', async () => {
    const { holder, standby } = await roles();
    // The standby replica asks for the lease again and still stands by.
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS + 1_000));
    expect(await discordState(holder)).toBe('connected');
    expect(await discordState(standby)).toBe('standby');
    expect(discord.identifies).toHaveLength(1);
    expect(discord.gatewaySessions).toBe(1);
    expect(await leaseHolderPid()).toBe(holder.child.pid);
  }, 90_000);

  it('hand the gateway over once the lease expires when its holder hangs, and the holder disconnects when it resumes', async () => {
    const { holder, standby } = await roles();
    const identified = discord.identifies.length;
    // Paused, the holder neither renews its lease nor closes its session, and its pid still exists: to the other
    // replica it looks like a holder on another host that died.
    holder.child.kill('SIGSTOP');
    const pausedAt = Date.now();
    // Paused, it would hang every later request to it.
    onTestFinished(() => void holder.child.kill('SIGCONT'));
    await until(
      async () => discord.identifies.length > identified && (await discordState(standby)) === 'connected',
      TAKEOVER_MS,
      () => `the other replica did not take the gateway over within ${TAKEOVER_MS / 1000} s: ${logs()}`,
    );
    const tookMs = Date.now() - pausedAt;
    // Not at its next ask, as for a dead pid, but once the lease ran out: it was last renewed up to a heartbeat before
    // the pause (a little more on a busy machine, hence the margin). And within a minute.
    expect(tookMs).toBeGreaterThanOrEqual(TTL_MS - 2 * HEARTBEAT_MS);
    expect(tookMs).toBeLessThan(TAKEOVER_MS);
    expect(await leaseHolderPid()).toBe(standby.child.pid);

    // Resumed, the old holder finds at its next renewal that it lost the lease: it disconnects and stands by.
    holder.child.kill('SIGCONT');
    await until(
      async () => (await discordState(holder)) === 'standby' && discord.gatewaySessions === 1,
      30_000,
      () => `the resumed holder did not stand by (${discord.gatewaySessions} sessions): ${logs()}`,
    );
    expect(await discordState(standby)).toBe('connected');
  }, 120_000);

  it('hand the gateway over within a minute when its holder is killed, and answer a mention once', async () => {
    const { holder, standby: survivor } = await roles();
    const identified = discord.identifies.length;
    // The holder dies without a word: its gateway session drops, its lease row stays behind.
    holder.child.kill('SIGKILL');
    const killedAt = Date.now();
    await until(
      async () => discord.identifies.length > identified && discord.gatewaySessions === 1 && (await discordState(survivor)) === 'connected',
      TAKEOVER_MS,
      () => `the other replica did not take the gateway over within ${TAKEOVER_MS / 1000} s: ${logs()}`,
    );
    expect(Date.now() - killedAt).toBeLessThan(TAKEOVER_MS);
    expect(discord.identifies).toHaveLength(identified + 1);
    expect(await leaseHolderPid()).toBe(survivor.child.pid);

    const question = discord.userMessage({ channelId: GENERAL_CHANNEL, authorId: MEMBER_ID, content: QUESTION, mentions: [BOT_USER_ID] });
    await until(
      () => repliesTo(question.id).some((m) => /\*\*Sources\*\*/.test(m.content)),
      60_000,
      () => `no cited reply to the mention: ${JSON.stringify(repliesTo(question.id))}\n${logs()}`,
    );
    // A second answer, from a second session or the event handled twice, would have followed by now.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const replies = repliesTo(question.id);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.content).toContain('30 days [1]');
    expect(discord.gatewaySessions).toBe(1);

    // The survivor still shuts down cleanly.
    expect(await survivor.stop()).toBe(0);
  }, 120_000);
});
