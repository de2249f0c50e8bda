// Lore's Discord bot as `lore start` wires it (the shared conversation layer + connectDiscord), connected to a fake
// Discord, with helpers to act as Discord users and to wait for what Lore does in return.
import fs from 'node:fs';
import path from 'node:path';
import { ChatStore } from '../../../bot/conversation/chat-store.ts';
import { HandOffStore } from '../../../bot/conversation/hand-off-store.ts';
import { VerifiedStore } from '../../../bot/conversation/verified-store.ts';
import type { ChatConfig } from '../../../bot/conversation/chat-config.ts';
import { Conversation } from '../../../bot/conversation/conversation.ts';
import type { DiscordBot } from '../../../bot/discord/discord-bot.ts';
import type { Answerer } from '../../../rag/contracts/answer-stream.ts';
import { createChatServices } from '../../../app/chat-services.ts';
import { connectDiscord } from '../../../app/connect-discord.ts';
import { createAnswerPipeline } from '../../../app/answer-pipeline.ts';
import { ingestPaths } from '../../../app/commands/ingest.ts';
import { loadConfig } from '../../../app/config.ts';
import { createLogger, type Logger } from '../../../app/logger.ts';
import { openRuntime, type Runtime } from '../../../app/runtime.ts';
import type { AnswerPipeline } from '../../../rag/answer-question.ts';
import { startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';
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
  const store = new ChatStore(runtime.sql);
  const conversation = new Conversation({
    services: createChatServices(runtime, createSyncService(runtime), options.pipeline),
    store,
    handOffs: new HandOffStore(runtime.sql),
    verified: new VerifiedStore(runtime.sql),
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

/** Waits for Lore's finished reply to a message (an answer or an error). */
export function finalReplyTo(discord: FakeDiscord, channelId: string, questionId: string): Promise<FakeMessage> {
  return discord.until(
    () => {
      const reply = replyTo(discord, channelId, questionId);
      return isFinal(reply) ? reply : undefined;
    },
    20_000,
    `Lore's answer to ${questionId}`,
  );
}

/** True once a message shows a finished answer (its footer with the rating hint) or an error. */
export function isFinal(message: FakeMessage | undefined): boolean {
  return message !== undefined && (/react 👍 or 👎 to rate|^-# Small talk/m.test(message.content) || message.content.startsWith('⚠️'));
}

/** A runtime over a copy of the sample knowledge base, indexed with the fake Gemini's embeddings, and its offline pipeline. */
export interface DiscordTestWorld {
  gemini: FakeGemini;
  runtime: Runtime;
  /** Extractive answers (no model): deterministic citations. */
  offlinePipeline: AnswerPipeline;
  close(): Promise<void>;
}

export async function openDiscordTestWorld(dir: string): Promise<DiscordTestWorld> {
  const gemini = await startFakeGemini({ apiKey: 'test-key' });
  const kb = path.join(dir, 'kb');
  fs.cpSync('datasets/sample-kb', kb, { recursive: true });
  const config = loadConfig({
    LORE_DATA_DIR: path.join(dir, 'data'),
    LORE_EMBEDDER: 'gemini',
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: gemini.url,
    LORE_FILES_PATHS: kb,
  });
  const runtime = await openRuntime(config, createLogger('silent'));
  await ingestPaths(runtime, [kb], false);
  // Without the key the pipeline answers offline (extractive); embeddings still come from the fake.
  const offlinePipeline = createAnswerPipeline({ ...runtime, config: { ...config, gemini: { ...config.gemini, apiKey: undefined } } });
  return {
    gemini,
    runtime,
    offlinePipeline,
    async close() {
      await runtime.close();
      await gemini.close();
    },
  };
}
