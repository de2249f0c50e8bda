// One suite's Discord, for the suites that talk to Lore as people in a server do: a test world (the sample knowledge
// base, offline answers), the fake Discord, and Lore connected to it as `lore start` wires it, opened before the
// suite's tests and closed after them.
import { afterAll, beforeAll } from 'vitest';
import type { Runtime } from '../../../app/runtime.ts';
import type { ChatConfig } from '../../../bot/conversation/chat-config.ts';
import { GUILD_ID, startFakeDiscord, type FakeDiscord, type FakeMessage } from '../../fakes/fake-discord.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { finalReplyTo, openDiscordTestWorld, startTestDiscordBot, type DiscordTestWorld, type TestDiscordBot } from './discord-test-bot.ts';

export interface DiscordScene {
  readonly world: DiscordTestWorld;
  readonly runtime: Runtime;
  readonly discord: FakeDiscord;
  readonly lore: TestDiscordBot;
  /** A new person in the server: each test asks as people of its own, so that none meets another's rate limit. */
  newUser(): string;
  /** Waits for Lore's finished reply to a message (an answer or an error). */
  finalReply(channelId: string, questionId: string): Promise<FakeMessage>;
}

export interface DiscordSceneOptions {
  /** Names the suite's temporary directory. */
  name: string;
  chatConfig: ChatConfig;
  /** People in the server besides the askers newUser() adds: username by id. */
  people?: Record<string, string>;
}

interface Parts {
  world: DiscordTestWorld;
  discord: FakeDiscord;
  lore: TestDiscordBot;
}

/**
 * The scene of a suite, opened in its beforeAll and closed in its afterAll (both registered here): its parts are
 * there once the tests run, and reading one before then fails, naming it.
 */
export function setUpDiscordScene(options: DiscordSceneOptions): DiscordScene {
  const tmp = tempDir(`lore-discord-${options.name}-`);
  const parts: Partial<Parts> = {};
  const part = <K extends keyof Parts>(name: K): Parts[K] => {
    const value = parts[name];
    if (value === undefined) throw new Error(`the Discord scene's ${name} is read before the suite's beforeAll opened it`);
    return value;
  };
  let userCounter = 0;

  beforeAll(async () => {
    const world = await openDiscordTestWorld(tmp.dir);
    parts.world = world;
    const discord = await startFakeDiscord();
    parts.discord = discord;
    for (const [id, username] of Object.entries(options.people ?? {})) discord.addUser(id, username);
    parts.lore = await startTestDiscordBot({
      runtime: world.runtime,
      pipeline: world.offlinePipeline,
      discord,
      chatConfig: options.chatConfig,
      env: { DISCORD_GUILD_ID: GUILD_ID },
    });
  }, 120_000);

  // Whatever was opened is closed, also when opening stopped half-way.
  afterAll(async () => {
    await parts.lore?.close();
    await parts.discord?.close();
    await parts.world?.close();
    tmp.cleanup();
  });

  return {
    get world() {
      return part('world');
    },
    get runtime() {
      return part('world').runtime;
    },
    get discord() {
      return part('discord');
    },
    get lore() {
      return part('lore');
    },
    newUser() {
      const id = `17000000000000000${String(++userCounter).padStart(2, '0')}`;
      part('discord').addUser(id, `asker${userCounter}`);
      return id;
    },
    finalReply(channelId, questionId) {
      return finalReplyTo(part('discord'), channelId, questionId);
    },
  };
}
