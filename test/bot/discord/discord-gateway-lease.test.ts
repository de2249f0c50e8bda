import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectChat, type ChatConnections } from '../../../app/connect-chat.ts';
import { loadConfig } from '../../../app/config.ts';
import type { Runtime } from '../../../app/runtime.ts';
import { createSyncService } from '../../../app/sync-service.ts';
import { parseChatConfig } from '../../../bot/conversation/chat-config.ts';
import { ChunkStore } from '../../../rag/store/chunk-store.ts';
import { BOT_TOKEN, GUILD_ID, startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord.ts';
import { forEachDialect, type TestStore } from '../../helpers/sql-stores.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { type DiscordTestWorld, openDiscordTestWorld } from './discord-test-bot.ts';

// Discord delivers each event to every gateway session of the bot, so replicas take turns at the gateway through a
// lease in the store they share: two chat compositions as `lore start` wires them (connectChat), each on its own
// connection to one store, against one fake Discord. Only the lease holder connects; the other stands by and connects
// when the holder stops (at once) or dies (after the lease's TTL).

const tmp = tempDir('lore-discord-lease-');
let world: DiscordTestWorld;
let discord: FakeDiscord;

beforeAll(async () => {
  world = await openDiscordTestWorld(tmp.dir);
  discord = await startFakeDiscord();
}, 120_000);

afterAll(async () => {
  await discord?.close();
  await world?.close();
  tmp.cleanup();
});

const lease = { ttlMs: 600, heartbeatMs: 150, retryMs: 50 };

/** One replica's chat on its own connection to `store`. */
async function replica(store: TestStore, host: string): Promise<{ chat: ChatConnections; runtime: Runtime }> {
  const sql = await store.connect();
  const config = loadConfig({
    LORE_DATA_DIR: world.runtime.config.dataDir,
    DISCORD_TOKEN: BOT_TOKEN,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_GUILD_ID: GUILD_ID,
  });
  const runtime: Runtime = { ...world.runtime, config, sql, chunks: new ChunkStore(sql) };
  const connected = await connectChat(runtime, {
    sync: createSyncService(runtime),
    pipeline: world.offlinePipeline,
    chatConfig: parseChatConfig('', 'lore.config.yaml'),
    discord: { retries: 1, requestTimeoutMs: 5_000 },
    discordSupervisor: { initialDelayMs: 50 },
    discordLease: { ...lease, host },
  });
  // Closed once, whether by the test or by its cleanup.
  let closing: Promise<void> | undefined;
  const chat: ChatConnections = { ...connected, close: () => (closing ??= connected.close()) };
  return { chat, runtime };
}

const state = (chat: ChatConnections) => chat.platformStatus().discord?.state;

forEachDialect('the Discord gateway among replicas', (stores) => {
  it('is connected by one replica only; the other stands by and connects once the holder stops', async () => {
    const store = await stores.create();
    const a = await replica(store, 'a');
    try {
      await a.chat.discord!.whenConnected();
      const b = await replica(store, 'b');
      try {
        await new Promise((resolve) => setTimeout(resolve, 400));
        expect(discord.gatewaySessions).toBe(1);
        expect(state(a.chat)).toBe('connected');
        expect(state(b.chat)).toBe('standby');
        expect(b.chat.discord!.current).toBeUndefined();

        // a shuts down: it disconnects, gives the lease back, and b connects at its next ask.
        const stopped = Date.now();
        await a.chat.close();
        await b.chat.discord!.whenConnected();
        expect(Date.now() - stopped).toBeLessThan(lease.ttlMs);
        expect(state(b.chat)).toBe('connected');
        await discord.until(() => discord.gatewaySessions === 1 || undefined, 5_000, 'one session');
      } finally {
        await b.chat.close();
      }
    } finally {
      await a.chat.close();
    }
    await discord.until(() => discord.gatewaySessions === 0 || undefined, 5_000, 'no session');
  }, 60_000);

  it('is taken over by the other replica when the holder dies, and the dead holder disconnects', async () => {
    const store = await stores.create();
    const a = await replica(store, 'a');
    const b = await replica(store, 'b');
    try {
      const first = await Promise.race([a.chat.discord!.whenConnected().then(() => a), b.chat.discord!.whenConnected().then(() => b)]);
      const other = first === a ? b : a;
      expect(state(other.chat)).toBe('standby');

      // The holder loses its store (it hangs, or its host is cut off): nothing renews its lease, so the other
      // replica connects after the TTL, and the holder, unable to renew past its expiry, disconnects.
      const died = Date.now();
      await first.runtime.sql.close();
      await other.chat.discord!.whenConnected();
      expect(Date.now() - died).toBeGreaterThanOrEqual(lease.ttlMs - 200);
      await discord.until(() => (state(first.chat) === 'standby' ? true : undefined), 5_000, 'the old holder to stand by');
      await discord.until(() => discord.gatewaySessions === 1 || undefined, 5_000, 'one session');
      expect(first.chat.discord!.current).toBeUndefined();
    } finally {
      await a.chat.close();
      await b.chat.close();
    }
  }, 60_000);
});
