// Lore's Discord bot as `lore start` wires it (the shared conversation layer + connectDiscord), connected to a fake
// Discord, with helpers to act as Discord users and to wait for what Lore does in return.
import { ChatStore } from '../../../bot/conversation/chat-store.ts';
import type { ChatConfig } from '../../../bot/conversation/chat-config.ts';
import { Conversation } from '../../../bot/conversation/conversation.ts';
import type { DiscordBot } from '../../../bot/discord/discord-bot.ts';
import type { Answerer } from '../../../rag/contracts/answer-stream.ts';
import { createChatServices } from '../../../app/chat-services.ts';
import { connectDiscord } from '../../../app/connect-discord.ts';
import { loadConfig } from '../../../app/config.ts';
import { createLogger, type Logger } from '../../../app/logger.ts';
import type { Runtime } from '../../../app/runtime.ts';
import { createSyncService } from '../../../app/sync-service.ts';
import { BOT_TOKEN, BOT_USER_ID, GUILD_ID, OTHER_GUILD_ID, type FakeDiscord, type FakeMessage } from '../../fakes/fake-discord.ts';

export interface TestDiscordBot {
  bot: DiscordBot;
  conversation: Conversation;
  store: ChatStore;
  close(): Promise<void>;
}

export interface TestDiscordBotOptions {
  runtime: Runtime;
  pipeline: Answerer;
  discord: FakeDiscord;
  chatConfig: ChatConfig;
  env?: Record<string, string>;
  /** Where the bot logs (default: nowhere, or stderr with LORE_TEST_LOG=1). */
  log?: Logger;
}

export async function startTestDiscordBot(options: TestDiscordBotOptions): Promise<TestDiscordBot> {
  const { runtime, discord } = options;
  const config = loadConfig({
    LORE_DATA_DIR: runtime.config.dataDir,
    LORE_EMBEDDER: runtime.config.embedder,
    GEMINI_API_KEY: 'unused-here',
    DISCORD_TOKEN: BOT_TOKEN,
    DISCORD_API_URL: discord.apiUrl,
    // Both servers of the fake: Lore answers only in the servers it is configured for.
    DISCORD_GUILD_IDS: `${GUILD_ID},${OTHER_GUILD_ID}`,
    ...options.env,
  });
  const store = new ChatStore(runtime.db);
  const conversation = new Conversation({
    services: createChatServices(runtime, createSyncService(runtime), options.pipeline),
    store,
    chatConfig: options.chatConfig,
    admins: config.admins,
    followThreads: config.followThreads,
    // A short "minute", so the rate-limit test waits a second rather than a minute.
    limits: { userPerMinute: 3, channelPerMinute: 100, windowMs: 3_000 },
    log: createLogger(process.env.LORE_TEST_LOG === '1' ? 'debug' : 'silent'),
    updateIntervalMs: 50,
    progressIntervalMs: 0,
  });
  const bot = await connectDiscord({
    config,
    log: options.log ?? createLogger(process.env.LORE_TEST_LOG === '1' ? 'debug' : 'silent'),
    conversation,
    discord: { retries: 1, requestTimeoutMs: 5_000, extraAttachmentOrigins: [discord.url] },
  });
  return {
    bot,
    conversation,
    store,
    close: async () => {
      await bot.stop();
      await conversation.close();
    },
  };
}

/** Lore's messages in a channel. */
export function loreMessages(discord: FakeDiscord, channelId: string): FakeMessage[] {
  return discord.messages(channelId).filter((m) => (m.author as { id: string }).id === BOT_USER_ID);
}

/** The message Lore posted in reply to `messageId`. */
export function replyTo(discord: FakeDiscord, channelId: string, messageId: string): FakeMessage | undefined {
  return loreMessages(discord, channelId).find((m) => (m.message_reference as { message_id?: string } | undefined)?.message_id === messageId);
}

/** True once a message shows a finished answer (its footer with the rating hint) or an error. */
export function isFinal(message: FakeMessage | undefined): boolean {
  return message !== undefined && (/react 👍 or 👎 to rate|^-# Small talk/m.test(message.content) || message.content.startsWith('⚠️'));
}
