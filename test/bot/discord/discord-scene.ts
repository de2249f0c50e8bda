// One suite's Discord, for the suites that talk to Lore as people in a server do: a test world (the sample knowledge
// base, offline answers), the fake Discord, and Lore connected to it as `lore start` wires it, opened before the
// suite's tests and closed after them.
import type { Runtime } from '../../../app/runtime.ts';
import type { ChatConfig } from '../../../bot/conversation/chat-config.ts';
import { GUILD_ID, startFakeDiscord, type FakeDiscord, type FakeMessage } from '../../fakes/fake-discord.ts';
import { setUpSuiteFixture } from '../../helpers/suite-fixture.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { finalReplyTo, openDiscordTestWorld, startTestDiscordBot, type DiscordTestWorld, type TestDiscordBot } from './discord-test-bot.ts';

export interface DiscordScene {
  world: DiscordTestWorld;
  runtime: Runtime;
  discord: FakeDiscord;
  lore: TestDiscordBot;
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

/** The scene of a suite, opened in its beforeAll and closed in its afterAll (see setUpSuiteFixture). */
export function setUpDiscordScene(options: DiscordSceneOptions): DiscordScene {
  const tmp = tempDir(`lore-discord-${options.name}-`);
  return setUpSuiteFixture<DiscordScene>(
    'the Discord scene',
    async (scene) => {
      const world = await openDiscordTestWorld(tmp.dir);
      Object.assign(scene, { world, runtime: world.runtime });
      const discord = await startFakeDiscord();
      scene.discord = discord;
      for (const [id, username] of Object.entries(options.people ?? {})) discord.addUser(id, username);
      let userCounter = 0;
      scene.newUser = () => {
        const id = `17000000000000000${String(++userCounter).padStart(2, '0')}`;
        discord.addUser(id, `asker${userCounter}`);
        return id;
      };
      scene.finalReply = (channelId, questionId) => finalReplyTo(discord, channelId, questionId);
      scene.lore = await startTestDiscordBot({
        runtime: world.runtime,
        pipeline: world.offlinePipeline,
        discord,
        chatConfig: options.chatConfig,
        env: { DISCORD_GUILD_ID: GUILD_ID },
      });
    },
    async (scene) => {
      await scene.lore?.close();
      await scene.discord?.close();
      await scene.world?.close();
      tmp.cleanup();
    },
  );
}
