import fs from 'node:fs';
import path from 'node:path';
import { GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseChatConfig } from '../../../bot/conversation/chat-config.ts';
import { connectDiscord, superviseDiscord } from '../../../app/connect-discord.ts';
import { Metrics } from '../../../app/metrics.ts';
import { openDatabase } from '../../../app/database.ts';
import { createAnswerPipeline } from '../../../app/answer-pipeline.ts';
import { ingestPaths } from '../../../app/commands/ingest.ts';
import { loadConfig } from '../../../app/config.ts';
import { createLogger } from '../../../app/logger.ts';
import { openRuntime, type Runtime } from '../../../app/runtime.ts';
import type { AnswerPipeline } from '../../../rag/answer-question.ts';
import { ChunkStore } from '../../../rag/store/chunk-store.ts';
import { sqliteDatabase } from '../../../app/storage/sqlite-database.ts';
import type { Answer } from '../../../rag/types.ts';
import {
  BOT_TOKEN,
  BOT_USER_ID,
  GENERAL_CHANNEL,
  GUILD_ID,
  LORE_ADMINS_ROLE,
  LORE_MANAGED_ROLE,
  MEMBER_ID,
  MODERATOR_ID,
  OTHER_BOT_ID,
  OTHER_GUILD_CHANNEL,
  OTHER_GUILD_ID,
  RESTRICTED_CHANNEL,
  ROLE_ADMIN_ID,
  startFakeDiscord,
  type FakeDiscord,
  type FakeMessage,
  type InteractionRecord,
} from '../../fakes/fake-discord.ts';
import { startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { isFinal, loreMessages, replyTo, startTestDiscordBot, type TestDiscordBot } from './discord-test-bot.ts';
import { makeAnswer } from '../../helpers/answer.ts';

// The real discord.js client, logged in to a fake Discord (REST + WebSocket gateway on 127.0.0.1), answering from
// the sample knowledge base through the real runtime, conversation layer and answer pipeline (offline, extractive).

/** LORE_ADMINS: a user listed by id, and a role. */
const LISTED_ADMIN_ID = '1400000000000000099';
const CHAT_CONFIG = [
  'channels:',
  `  discord:${RESTRICTED_CHANNEL}: { sources: [notion] }`,
  // A whole server: its channels see only GitHub unless a channel entry says otherwise.
  `  discord:${OTHER_GUILD_ID}: { sources: [github, upload] }`,
].join('\n');
const SUPPRESS_EMBEDS = 1 << 2;
const EPHEMERAL = 1 << 6;

let gemini: FakeGemini;
let runtime: Runtime;
let pipeline: AnswerPipeline;
let discord: FakeDiscord;
let lore: TestDiscordBot;
const tmp = tempDir('lore-discord-');
let userCounter = 0;

/** A new server member, so each test has its own rate-limit budget. */
function newUser(): string {
  const id = `16000000000000000${String(++userCounter).padStart(2, '0')}`;
  discord.addUser(id, `person${userCounter}`);
  return id;
}

function finalReply(channelId: string, questionId: string): Promise<FakeMessage> {
  return discord.until(
    () => {
      const reply = replyTo(discord, channelId, questionId);
      return isFinal(reply) ? reply : undefined;
    },
    20_000,
    `Lore's answer to ${questionId}`,
  );
}

function ask(channelId: string, content: string, authorId = newUser()): FakeMessage {
  return discord.userMessage({ channelId, authorId, content, mentions: [BOT_USER_ID] });
}

function feedbackRows(
  answerId: string,
): { user_id: string; rating: string; emoji: string; retracted_at: string | null; reason: string | null; platform: string }[] {
  return runtime
    .db!.prepare('SELECT user_id, rating, emoji, retracted_at, reason, platform FROM feedback WHERE answer_id = ? ORDER BY user_id')
    .all(answerId) as never;
}

/** The answer recorded for a message (recorded just after its final edit). */
async function answerIdOf(channelId: string, messageId: string, bot = lore): Promise<string> {
  const answer = await vi.waitFor(
    async () => {
      const stored = await bot.store.findAnswerByMessage('discord', channelId, messageId);
      if (!stored) throw new Error(`no answer recorded for ${messageId} yet`);
      return stored;
    },
    { timeout: 10_000, interval: 20 },
  );
  return answer.id;
}

/** Waits for the interaction's original response to be edited into something final. */
function finalResponse(record: InteractionRecord, final: (content: string) => boolean): Promise<FakeMessage> {
  return discord.until(
    () => (record.original && !(Number(record.original.flags) & (1 << 7)) && final(record.original.content) ? record.original : undefined),
    20_000,
    'the command response',
  );
}

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  const kb = path.join(tmp.dir, 'kb');
  fs.cpSync('datasets/sample-kb', kb, { recursive: true });
  const config = loadConfig({
    LORE_DATA_DIR: path.join(tmp.dir, 'data'),
    LORE_EMBEDDER: 'gemini',
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: gemini.url,
    LORE_FILES_PATHS: kb,
  });
  runtime = await openRuntime(config, createLogger('silent'));
  await ingestPaths(runtime, [kb], false);
  // Without the key the pipeline answers offline (extractive); embeddings still come from the fake.
  pipeline = createAnswerPipeline({ ...runtime, config: { ...config, gemini: { ...config.gemini, apiKey: undefined } } });
  discord = await startFakeDiscord();
  discord.addUser(LISTED_ADMIN_ID, 'listed-admin');
  lore = await startTestDiscordBot({
    runtime,
    pipeline,
    discord,
    chatConfig: parseChatConfig(CHAT_CONFIG, 'lore.config.yaml'),
    env: { DISCORD_GUILD_ID: GUILD_ID, LORE_ADMINS: `${LISTED_ADMIN_ID},role:${LORE_ADMINS_ROLE}` },
  });
}, 120_000);

afterAll(async () => {
  await lore?.close();
  await discord?.close();
  await runtime?.close();
  await gemini?.close();
  tmp.cleanup();
});

describe('connecting', () => {
  it('logs in with only the intents Lore needs', () => {
    const needed =
      GatewayIntentBits.Guilds |
      GatewayIntentBits.GuildMessages |
      GatewayIntentBits.MessageContent |
      GatewayIntentBits.GuildMessageReactions |
      GatewayIntentBits.DirectMessages |
      GatewayIntentBits.DirectMessageReactions;
    expect(discord.identifies).toHaveLength(1);
    expect(discord.identifies[0]!.intents).toBe(needed);
  });

  it('refuses a bad token, server id or admin role with a message naming it', async () => {
    const base = { LORE_DATA_DIR: runtime.config.dataDir, DISCORD_API_URL: discord.apiUrl };
    const connect = (env: Record<string, string>) =>
      connectDiscord({
        config: loadConfig({ ...base, ...env }),
        log: createLogger('silent'),
        conversation: lore.conversation,
        discord: { retries: 0 },
      });
    await expect(connect({ DISCORD_TOKEN: 'not-the-token' })).rejects.toThrow(/could not connect to Discord: DISCORD_TOKEN was rejected/);
    // A server id or an admin role that is not one is refused with the rest of the configuration, by loadConfig.
    expect(() => loadConfig({ ...base, DISCORD_TOKEN: 'x', DISCORD_GUILD_ID: 'general' })).toThrow(
      /^Invalid configuration: DISCORD_GUILD_ID must be a Discord server id/,
    );
    expect(() => loadConfig({ ...base, DISCORD_TOKEN: 'x', LORE_ADMINS: 'U1,role:Moderators' })).toThrow(
      /^Invalid configuration: LORE_ADMINS "role:Moderators" is not a Discord role/,
    );
    expect(discord.identifies).toHaveLength(1);
  });

  it('keeps retrying a gateway that refuses connections, waiting twice as long each time, and connects once it answers', async () => {
    const refusing = await startFakeDiscord();
    refusing.refuseGateway(true);
    const metrics = new Metrics({ processMetrics: false });
    const config = loadConfig({
      LORE_DATA_DIR: runtime.config.dataDir,
      DISCORD_TOKEN: BOT_TOKEN,
      DISCORD_API_URL: refusing.apiUrl,
      DISCORD_GUILD_ID: GUILD_ID,
    });
    const supervisor = superviseDiscord({
      config,
      log: createLogger('silent'),
      conversation: lore.conversation,
      discord: { retries: 0 },
      supervisor: { initialDelayMs: 200, maxDelayMs: 800 },
      metrics,
    });
    try {
      supervisor.start();
      // Each retry is announced when the wait starts (`since`): the waits double up to the longest.
      const waits = new Map<number, number>();
      await refusing.until(
        () => {
          const { nextAttemptAt, since, failures } = supervisor.status();
          if (nextAttemptAt) waits.set(failures, Date.parse(nextAttemptAt) - Date.parse(since));
          return waits.size >= 4 || undefined;
        },
        60_000,
        'four failed connections',
      );
      const [first, second, third, fourth] = [...waits.values()].map((ms) => Math.round(ms / 100) * 100);
      expect([first, second, third, fourth]).toEqual([200, 400, 800, 800]);
      expect(supervisor.status().state).toBe('retrying');
      expect(supervisor.current).toBeUndefined();
      expect((await metrics.render()).body).toMatch(/lore_chat_platform_failures_total\{kind="connect",platform="discord"\} [4-9]/);

      refusing.refuseGateway(false);
      await refusing.until(() => supervisor.status().state === 'connected' || undefined, 30_000, 'the connection');
      expect(supervisor.current?.userId).toBe(BOT_USER_ID);
      expect(supervisor.status().failures).toBe(0);
      expect((await metrics.render()).body).toContain('lore_chat_platform_connected{platform="discord"} 1');
    } finally {
      await supervisor.stop();
      await refusing.close();
    }
    expect(supervisor.status().state).toBe('stopped');
  }, 90_000);

  it('does not retry a token Discord rejects, and says so once', async () => {
    const config = loadConfig({ LORE_DATA_DIR: runtime.config.dataDir, DISCORD_TOKEN: 'not-the-token', DISCORD_API_URL: discord.apiUrl });
    const supervisor = superviseDiscord({
      config,
      log: createLogger('silent'),
      conversation: lore.conversation,
      discord: { retries: 0 },
      supervisor: { initialDelayMs: 50 },
    });
    const before = discord.callsTo('GET', /^\/gateway\/bot$/).length;
    supervisor.start();
    await discord.until(() => supervisor.status().state === 'failed' || undefined, 30_000, 'the refusal');
    await new Promise((r) => setTimeout(r, 300));
    expect(supervisor.status()).toMatchObject({ state: 'failed', failures: 1 });
    expect(discord.callsTo('GET', /^\/gateway\/bot$/).length - before).toBe(1);
    await supervisor.stop();
  });

  it.each([
    [4004, /could not connect to Discord: DISCORD_TOKEN was rejected/],
    [4013, /could not connect to Discord: Discord refused the gateway intents Lore needs/],
    [4014, /could not connect to Discord: Discord refused the gateway intents Lore needs: turn on "Message Content Intent"/],
  ] as const)('does not retry a gateway that closes the session with %i, and says what to do', async (code, explanation) => {
    const refusing = await startFakeDiscord();
    refusing.closeIdentifies(code);
    const options = {
      config: loadConfig({ LORE_DATA_DIR: runtime.config.dataDir, DISCORD_TOKEN: BOT_TOKEN, DISCORD_API_URL: refusing.apiUrl }),
      log: createLogger('silent'),
      conversation: lore.conversation,
      discord: { retries: 0 },
    };
    const supervisor = superviseDiscord({ ...options, supervisor: { initialDelayMs: 50 } });
    try {
      await expect(connectDiscord(options)).rejects.toThrow(explanation);
      expect(refusing.identifies).toHaveLength(1);
      supervisor.start();
      await refusing.until(() => supervisor.status().state === 'failed' || undefined, 30_000, 'the refusal');
      await new Promise((r) => setTimeout(r, 300));
      expect(supervisor.status()).toMatchObject({ state: 'failed', failures: 1 });
      expect(refusing.identifies).toHaveLength(2);
    } finally {
      await supervisor.stop();
      await refusing.close();
    }
  });

  it('registers /lore with ask, sync, status, help and verified, and the message command, in the configured server', () => {
    const [command, saveVerified] = discord.commands.get(GUILD_ID) ?? [];
    expect(discord.commands.has('global')).toBe(false);
    expect(command?.name).toBe('lore');
    expect(saveVerified).toMatchObject({ name: 'Save as verified answer', type: 3 });
    const subcommands = command?.options as { name: string; options?: { name: string; required?: boolean }[] }[];
    expect(subcommands.map((s) => s.name)).toEqual(['ask', 'sync', 'status', 'help', 'verified']);
    expect(subcommands[0]!.options).toEqual([expect.objectContaining({ name: 'question', required: true })]);
  });
});

describe('answering a mention', () => {
  it('shows it is typing, streams into a reply, and ends with the answer and numbered sources', async () => {
    const question = ask(GENERAL_CHANNEL, 'How long are backups of the data directory kept?');
    const answer = await finalReply(GENERAL_CHANNEL, question.id);

    expect(answer.content).toMatch(/30 days \[1\]/);
    expect(answer.content).toMatch(/\*\*Sources\*\*\n1\. \*\*data-handling-policy\.txt\*\* · files · synced <t:\d+:R>/);
    expect(answer.content).toMatch(/^-# Extractive \(quoted from the sources\) · [\d.]+ s · confidence \d+% · react 👍 or 👎 to rate$/m);
    expect(answer.content.length).toBeLessThanOrEqual(2000);

    expect(discord.callsTo('POST', new RegExp(`^/channels/${GENERAL_CHANNEL}/typing$`)).length).toBeGreaterThan(0);
    const [placeholder] = discord
      .callsTo('POST', new RegExp(`^/channels/${GENERAL_CHANNEL}/messages$`))
      .filter((call) => (call.body?.message_reference as { message_id?: string } | undefined)?.message_id === question.id);
    expect(placeholder?.body?.content).toMatch(/Looking through the knowledge base/);
    // Nothing Lore writes may ping anyone but the asker, and links never unfurl into preview cards.
    expect(placeholder?.body?.allowed_mentions).toEqual({ parse: [], replied_user: true });
    expect(Number(placeholder?.body?.flags) & SUPPRESS_EMBEDS).toBe(SUPPRESS_EMBEDS);
    const edits = discord.callsTo('PATCH', new RegExp(`^/channels/${GENERAL_CHANNEL}/messages/${answer.id}$`));
    expect(edits.length).toBeGreaterThanOrEqual(1);
    expect(edits.every((edit) => (edit.body?.allowed_mentions as { parse: unknown[] } | undefined)?.parse.length === 0)).toBe(true);

    await answerIdOf(GENERAL_CHANNEL, answer.id);
    const stored = await lore.store.findAnswerByMessage('discord', GENERAL_CHANNEL, answer.id);
    expect(stored).toMatchObject({
      platform: 'discord',
      question: 'How long are backups of the data directory kept?',
      userId: question.author && (question.author as { id: string }).id,
    });
  });

  it('answers a mention of its role as well as of itself', async () => {
    const question = discord.userMessage({
      channelId: GENERAL_CHANNEL,
      authorId: newUser(),
      content: 'How long are backups of the data directory kept?',
      mentionRoles: [LORE_MANAGED_ROLE],
    });
    const answer = await finalReply(GENERAL_CHANNEL, question.id);
    expect(answer.content).toMatch(/30 days/);
  });

  it('ignores messages that do not address it, and anything a bot writes', async () => {
    const unaddressed = discord.userMessage({
      channelId: GENERAL_CHANNEL,
      authorId: newUser(),
      content: 'How long are backups of the data directory kept?',
    });
    const fromBot = discord.userMessage({
      channelId: GENERAL_CHANNEL,
      authorId: OTHER_BOT_ID,
      bot: true,
      content: 'How long are backups kept?',
      mentions: [BOT_USER_ID],
    });
    const control = ask(GENERAL_CHANNEL, 'How long are backups of the data directory kept?');
    await finalReply(GENERAL_CHANNEL, control.id);
    await lore.conversation.idle();
    expect(replyTo(discord, GENERAL_CHANNEL, unaddressed.id)).toBeUndefined();
    expect(replyTo(discord, GENERAL_CHANNEL, fromBot.id)).toBeUndefined();
    // Lore's own messages come back over the gateway too; it never answers itself.
    for (const own of loreMessages(discord, GENERAL_CHANNEL)) expect(replyTo(discord, GENERAL_CHANNEL, own.id)).toBeUndefined();
  });
});

describe('direct messages', () => {
  it('answers a direct message without a mention, as a reply', async () => {
    const user = newUser();
    const dm = discord.dmChannel(user);
    const question = discord.userMessage({ channelId: dm, authorId: user, content: 'How long are backups of the data directory kept?' });
    const answer = await finalReply(dm, question.id);
    expect(answer.content).toMatch(/30 days/);
    await answerIdOf(dm, answer.id);
  });
});

describe('follow-ups', () => {
  it('answers a reply to its answer using the conversation so far', async () => {
    const user = newUser();
    const question = ask(GENERAL_CHANNEL, 'How long are backups of the data directory kept?', user);
    const first = await finalReply(GENERAL_CHANNEL, question.id);
    // No mention: replying to Lore addresses it. On its own, "why?" says nothing about backups.
    const followUp = discord.userMessage({ channelId: GENERAL_CHANNEL, authorId: user, content: 'why?', replyTo: first.id });
    const second = await finalReply(GENERAL_CHANNEL, followUp.id);
    expect(second.content).toMatch(/\*\*Sources\*\*\n1\. \*\*data-handling-policy\.txt\*\*/);

    const alone = ask(GENERAL_CHANNEL, 'why?');
    const control = await finalReply(GENERAL_CHANNEL, alone.id);
    expect(control.content).toMatch(/^I couldn't find this in the knowledge base/);
  });
});

describe('feedback', () => {
  let answerMessage: FakeMessage;
  let answerId: string;

  beforeAll(async () => {
    const question = ask(GENERAL_CHANNEL, 'How long are backups of the data directory kept?');
    answerMessage = await finalReply(GENERAL_CHANNEL, question.id);
    answerId = await answerIdOf(GENERAL_CHANNEL, answerMessage.id);
  });

  it('records a 👍 on an answer and retracts it when the reaction is removed', async () => {
    const user = newUser();
    discord.react({ channelId: GENERAL_CHANNEL, messageId: answerMessage.id, userId: user, emoji: '👍' });
    await discord.until(() => feedbackRows(answerId).find((row) => row.user_id === user), 10_000, 'the 👍');
    expect(feedbackRows(answerId).find((row) => row.user_id === user)).toMatchObject({
      platform: 'discord',
      rating: 'up',
      emoji: '👍',
      retracted_at: null,
    });

    discord.react({ channelId: GENERAL_CHANNEL, messageId: answerMessage.id, userId: user, emoji: '👍', added: false });
    await discord.until(() => feedbackRows(answerId).find((row) => row.user_id === user && row.retracted_at !== null), 10_000, 'the retraction');
  });

  it('invites a reason for a 👎 by direct message and keeps the reason given', async () => {
    const user = newUser();
    discord.react({ channelId: GENERAL_CHANNEL, messageId: answerMessage.id, userId: user, emoji: '👎🏽' });
    const dm = discord.dmChannel(user);
    const invite = await discord.until(() => loreMessages(discord, dm)[0], 10_000, 'the invitation');
    expect(feedbackRows(answerId).find((row) => row.user_id === user)).toMatchObject({ rating: 'down', retracted_at: null });
    const button = (invite.components as { components: { custom_id: string; label: string }[] }[])[0]!.components[0]!;
    expect(button).toMatchObject({ label: 'Tell Lore why', custom_id: `lore_feedback_reason:${answerId}` });

    const click = discord.clickButton({ userId: user, channelId: dm, message: invite, customId: button.custom_id });
    await discord.until(() => click.callbacks[0], 10_000, 'the dialog');
    expect(click.callbacks[0]).toMatchObject({ type: 9, data: { custom_id: `lore_feedback_reason_modal:${answerId}` } });

    const submit = discord.submitModal({
      userId: user,
      channelId: dm,
      customId: `lore_feedback_reason_modal:${answerId}`,
      fields: { reason: 'It cited   an outdated policy' },
    });
    await discord.until(() => submit.callbacks[0], 10_000, 'the thanks');
    expect(submit.callbacks[0]).toMatchObject({ type: 4, data: { content: 'Thanks, noted.', flags: EPHEMERAL } });
    expect(feedbackRows(answerId).find((row) => row.user_id === user)?.reason).toBe('It cited an outdated policy');
  });

  it('ignores reactions on messages that are not its answers, and reactions that are not ratings', async () => {
    const user = newUser();
    const other = discord.userMessage({ channelId: GENERAL_CHANNEL, authorId: user, content: 'lunch?' });
    discord.react({ channelId: GENERAL_CHANNEL, messageId: other.id, userId: newUser(), emoji: '👍' });
    discord.react({ channelId: GENERAL_CHANNEL, messageId: answerMessage.id, userId: user, emoji: '🎉' });
    // A later rating on the answer is processed after the two above.
    const marker = newUser();
    discord.react({ channelId: GENERAL_CHANNEL, messageId: answerMessage.id, userId: marker, emoji: '👍' });
    await discord.until(() => feedbackRows(answerId).find((row) => row.user_id === marker), 10_000, 'the marker 👍');
    await lore.conversation.idle();
    expect(feedbackRows(answerId).find((row) => row.user_id === user)).toBeUndefined();
    expect(runtime.db!.prepare('SELECT count(*) FROM feedback WHERE answer_id NOT IN (SELECT id FROM answers)').pluck().get()).toBe(0);
  });

  it('records ratings on answers discord.js has never seen: posted before a restart, in a server or a DM', async () => {
    const user = newUser();
    const dm = discord.dmChannel(user);
    const olds = await Promise.all(
      [GENERAL_CHANNEL, dm].map(async (channelId) => {
        const message = discord.seedBotMessage(channelId, 'An answer from before the restart [1].');
        const answer = pastAnswer(`restart-${channelId}`);
        await lore.store.saveAnswer({ answer, platform: 'discord', channelId, threadId: message.id, messageId: message.id, userId: user });
        return { channelId, message, answer };
      }),
    );
    for (const old of olds) discord.react({ channelId: old.channelId, messageId: old.message.id, userId: user, emoji: '👍' });
    for (const old of olds)
      await discord.until(() => feedbackRows(old.answer.id).find((row) => row.user_id === user), 10_000, `the 👍 in ${old.channelId}`);

    for (const old of olds) discord.react({ channelId: old.channelId, messageId: old.message.id, userId: user, emoji: '👍', added: false });
    for (const old of olds)
      await discord.until(() => feedbackRows(old.answer.id).find((row) => row.retracted_at !== null), 10_000, `the retraction in ${old.channelId}`);
  });
});

describe('slash commands', () => {
  it('refuses /lore sync to someone who is not an admin, privately and at once', async () => {
    const record = discord.slashCommand({ userId: MEMBER_ID, channelId: GENERAL_CHANNEL, subcommand: 'sync', options: { source: 'files' } });
    const response = await finalResponse(record, (content) => content.length > 0);
    expect(record.callbacks[0]).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    expect(record.callbacks[0]!.at - record.dispatchedAt).toBeLessThan(3_000);
    expect(response.content).toMatch(/Only Lore admins can start a sync/);
    expect(Number(response.flags) & EPHEMERAL).toBe(EPHEMERAL);
  });

  it('runs /lore sync for an admin by role, then reports the summary', async () => {
    const record = discord.slashCommand({ userId: ROLE_ADMIN_ID, channelId: GENERAL_CHANNEL, subcommand: 'sync', options: { source: 'files' } });
    const ack = await finalResponse(record, (content) => content.length > 0);
    expect(ack.content).toMatch(/^Syncing \*\*files\*\*…/);
    const summary = await discord.until(() => record.followUps.find((m) => /Sync finished/.test(m.content)), 60_000, 'the sync summary');
    expect(summary.content).toMatch(/\*\*files\*\*: \d+ added, \d+ updated, \d+ deleted, 0 failed/);
    // Progress first (this test reports every step), the summary last; all of it to the requester only.
    const progress = record.followUps.findIndex((m) => /^\*\*files\*\*: listing documents…/.test(m.content));
    expect(progress).toBeGreaterThanOrEqual(0);
    expect(progress).toBeLessThan(record.followUps.indexOf(summary));
    expect(record.followUps.every((m) => (Number(m.flags) & EPHEMERAL) === EPHEMERAL)).toBe(true);
    await lore.conversation.idle();
  });

  it('lets admins listed by user id, server managers, and role holders writing from a DM sync too', async () => {
    const runs = [
      { userId: LISTED_ADMIN_ID, channelId: GENERAL_CHANNEL },
      { userId: MODERATOR_ID, channelId: GENERAL_CHANNEL },
      // A DM has no server: the role is looked up in DISCORD_GUILD_ID.
      { userId: ROLE_ADMIN_ID, channelId: discord.dmChannel(ROLE_ADMIN_ID) },
    ];
    for (const { userId, channelId } of runs) {
      const record = discord.slashCommand({ userId, channelId, subcommand: 'sync', options: { source: 'files' } });
      const ack = await finalResponse(record, (content) => content.length > 0);
      expect(ack.content, userId).toMatch(/^Syncing \*\*files\*\*…/);
      await discord.until(() => record.followUps.find((m) => /Sync finished/.test(m.content)), 60_000, 'the sync summary');
      await lore.conversation.idle();
    }
  });

  it('shows /lore status and /lore help privately', async () => {
    const status = discord.slashCommand({ userId: MEMBER_ID, channelId: GENERAL_CHANNEL, subcommand: 'status' });
    const help = discord.slashCommand({ userId: MEMBER_ID, channelId: GENERAL_CHANNEL, subcommand: 'help' });
    const statusReply = await finalResponse(status, (content) => content.length > 0);
    const helpReply = await finalResponse(help, (content) => content.length > 0);
    expect(statusReply.content).toMatch(/^\*\*Index\*\*: \d+ documents, \d+ passages\./);
    expect(statusReply.content).toMatch(/- \*\*files\*\*: \d+ documents, \d+ passages, (?:never synced|last synced)/);
    expect(helpReply.content).toMatch(/\/lore sync/);
    expect(Number(statusReply.flags) & EPHEMERAL).toBe(EPHEMERAL);
  });

  it('refuses a /lore ask question longer than the limit instead of answering it', async () => {
    const record = discord.slashCommand({
      userId: newUser(),
      channelId: GENERAL_CHANNEL,
      subcommand: 'ask',
      options: { question: 'why '.repeat(300) },
    });
    const response = await finalResponse(record, (content) => content.length > 0);
    expect(response.content).toMatch(/^That question is too long \(1199 characters; the limit is 1,000\)/);
  });

  it('answers /lore ask publicly, quoting the question, and takes ratings on the answer', async () => {
    const user = newUser();
    const record = discord.slashCommand({
      userId: user,
      channelId: GENERAL_CHANNEL,
      subcommand: 'ask',
      options: { question: 'How long are backups of the data directory kept?' },
    });
    const answer = await finalResponse(record, (content) => isFinal({ ...record.original!, content }));
    expect(record.callbacks[0]).toMatchObject({ type: 5 });
    expect(Number(record.callbacks[0]!.data?.flags ?? 0) & EPHEMERAL).toBe(0);
    expect(answer.content).toMatch(/^> How long are backups of the data directory kept\?\n/);
    expect(answer.content).toMatch(/30 days[\s\S]*\*\*Sources\*\*\n1\. \*\*data-handling-policy\.txt\*\*/);

    discord.react({ channelId: GENERAL_CHANNEL, messageId: answer.id, userId: user, emoji: '👍' });
    const answerId = await answerIdOf(GENERAL_CHANNEL, answer.id);
    await discord.until(() => feedbackRows(answerId).find((row) => row.user_id === user), 10_000, 'the 👍 on /lore ask');
  });
});

describe('uploaded files', () => {
  it('learns a file shared with "learn", then cites it in that channel only, linking to the message', async () => {
    const user = newUser();
    const file = discord.attachment(
      'zephyr-runbook.md',
      Buffer.from('# Zephyr runbook\n\nThe Zephyr cluster rotates its signing keys every 45 days, on a Tuesday.\n'),
      'text/markdown',
    );
    const shared = discord.userMessage({
      channelId: GENERAL_CHANNEL,
      authorId: user,
      content: 'learn this please',
      mentions: [BOT_USER_ID],
      attachments: [file],
    });
    const confirmation = await discord.until(() => replyTo(discord, GENERAL_CHANNEL, shared.id), 20_000, 'the confirmation');
    expect(confirmation.content).toMatch(/Learned \*\*zephyr-runbook\.md\*\*/);
    // Discord's CDN needs no credentials: the bot token never goes with a download.
    const download = discord.calls.find((call) => call.path.startsWith('/attachments/'));
    expect(download?.auth).toBeUndefined();

    const question = ask(GENERAL_CHANNEL, 'How often does the Zephyr cluster rotate its signing keys?', user);
    const answer = await finalReply(GENERAL_CHANNEL, question.id);
    expect(answer.content).toMatch(/45 days/);
    // Links are wrapped in <> so Discord shows no preview card.
    expect(answer.content).toContain(`[zephyr-runbook.md](<https://discord.com/channels/${GUILD_ID}/${GENERAL_CHANNEL}/${shared.id}>) · upload`);

    const elsewhere = ask(OTHER_GUILD_CHANNEL, 'How often does the Zephyr cluster rotate its signing keys?');
    const notThere = await finalReply(OTHER_GUILD_CHANNEL, elsewhere.id);
    expect(notThere.content).not.toMatch(/zephyr-runbook/);
  });

  it('refuses a file it cannot read, saying why', async () => {
    const file = discord.attachment('installer.exe', Buffer.from('MZ not really a program'), 'application/octet-stream');
    const shared = discord.userMessage({
      channelId: GENERAL_CHANNEL,
      authorId: newUser(),
      content: 'add this',
      mentions: [BOT_USER_ID],
      attachments: [file],
    });
    const refusal = await discord.until(() => replyTo(discord, GENERAL_CHANNEL, shared.id), 20_000, 'the refusal');
    expect(refusal.content).toMatch(/^⚠️ - Could not learn \*\*installer\.exe\*\*: \.exe files are not supported/);
    expect(discord.calls.some((call) => call.path.includes('installer.exe'))).toBe(false);
  });
});

describe('scope', () => {
  it('never cites a source outside the channel scope', async () => {
    const question = ask(RESTRICTED_CHANNEL, 'How long are backups of the data directory kept?');
    const answer = await finalReply(RESTRICTED_CHANNEL, question.id);
    expect(answer.content).not.toMatch(/data-handling-policy|30 days/);
  });

  it('applies a server-wide scope to channels without their own entry', async () => {
    const question = ask(OTHER_GUILD_CHANNEL, 'How long are backups of the data directory kept?');
    const answer = await finalReply(OTHER_GUILD_CHANNEL, question.id);
    expect(answer.content).not.toMatch(/data-handling-policy|30 days/);
  });
});

describe('limits', () => {
  it('queues a question over the rate limit, says where it stands, and still answers it', async () => {
    const user = newUser();
    const questions = [1, 2, 3, 4].map(() => ask(GENERAL_CHANNEL, 'How long are backups of the data directory kept?', user));
    const notice = await discord.until(
      () => questions.map((q) => replyTo(discord, GENERAL_CHANNEL, q.id)).find((m) => m && /in the queue/.test(m.content)),
      20_000,
      'the queue notice',
    );
    expect(notice.content).toMatch(
      /Lots of questions right now \(the limit is 3 a minute per person and 100 per channel\)\. Yours is \*\*#1\*\* in the queue/,
    );
    for (const question of questions) {
      await discord.until(
        () =>
          loreMessages(discord, GENERAL_CHANNEL).find(
            (m) => (m.message_reference as { message_id?: string } | undefined)?.message_id === question.id && isFinal(m),
          ),
        20_000,
        'every answer',
      );
    }
  });

  it("waits out Discord's rate limit (429 with Retry-After) instead of failing", async () => {
    discord.queue('POST', new RegExp(`^/channels/${GENERAL_CHANNEL}/messages$`), {
      status: 429,
      headers: { 'retry-after': '1', 'x-ratelimit-scope': 'user' },
      body: { message: 'You are being rate limited.', retry_after: 0.5, global: false },
    });
    const question = ask(GENERAL_CHANNEL, 'How long are backups of the data directory kept?');
    const answer = await finalReply(GENERAL_CHANNEL, question.id);
    expect(answer.content).toMatch(/30 days/);
  });
});

describe('thread mode', () => {
  let threaded: FakeDiscord;
  let threadBot: TestDiscordBot;

  beforeAll(async () => {
    threaded = await startFakeDiscord();
    threadBot = await startTestDiscordBot({
      runtime,
      pipeline,
      discord: threaded,
      chatConfig: parseChatConfig(CHAT_CONFIG, 'lore.config.yaml'),
      env: { DISCORD_REPLY_MODE: 'thread' },
    });
  });
  afterAll(async () => {
    await threadBot?.close();
    await threaded?.close();
  });

  const finalInThread = (threadId: string, after = '0'): Promise<FakeMessage> =>
    threaded.until(
      () => loreMessages(threaded, threadId).find((m) => BigInt(m.id) > BigInt(after) && isFinal(m)),
      20_000,
      'the answer in the thread',
    );

  it('registers /lore globally when no server is configured', () => {
    expect(threaded.commands.get('global')?.map((c) => c.name)).toEqual(['lore', 'Save as verified answer']);
  });

  it('starts a thread on the question, answers in it, and uses the thread for follow-ups', async () => {
    const user = '1600000000000000901';
    threaded.addUser(user, 'threader');
    const question = threaded.userMessage({
      channelId: GENERAL_CHANNEL,
      authorId: user,
      content: 'How long are backups of the data directory kept?',
      mentions: [BOT_USER_ID],
    });
    const first = await finalInThread(question.id);
    expect(threaded.channel(question.id)).toMatchObject({
      type: 11,
      parent_id: GENERAL_CHANNEL,
      name: 'How long are backups of the data directory kept?',
    });
    expect(first.content).toMatch(/30 days/);
    expect(first.message_reference).toBeUndefined();
    expect(replyTo(threaded, GENERAL_CHANNEL, question.id)).toBeUndefined();

    const followUp = threaded.userMessage({ channelId: question.id, authorId: user, content: 'why?', mentions: [BOT_USER_ID] });
    const second = await finalInThread(question.id, followUp.id);
    expect(second.content).toMatch(/data-handling-policy\.txt/);

    threaded.react({ channelId: question.id, messageId: first.id, userId: user, emoji: '👍' });
    const answerId = await answerIdOf(question.id, first.id, threadBot);
    await threaded.until(() => feedbackRows(answerId).find((row) => row.user_id === user), 10_000, 'the 👍 in the thread');
  });

  it('replies instead when it may not start a thread', async () => {
    threaded.queue('POST', /^\/channels\/\d+\/messages\/\d+\/threads$/, { status: 403, body: { message: 'Missing Permissions', code: 50013 } });
    const question = threaded.userMessage({
      channelId: GENERAL_CHANNEL,
      authorId: '1600000000000000903',
      content: 'How long are backups of the data directory kept?',
      mentions: [BOT_USER_ID],
    });
    const answer = await threaded.until(
      () => {
        const reply = replyTo(threaded, GENERAL_CHANNEL, question.id);
        return isFinal(reply) ? reply : undefined;
      },
      20_000,
      'the reply',
    );
    expect(answer.content).toMatch(/30 days/);
    expect(threaded.channel(question.id)).toBeUndefined();
  });

  it("keeps the channel's scope inside the threads it starts there", async () => {
    const question = threaded.userMessage({
      channelId: RESTRICTED_CHANNEL,
      authorId: '1600000000000000902',
      content: 'How long are backups of the data directory kept?',
      mentions: [BOT_USER_ID],
    });
    const answer = await finalInThread(question.id);
    expect(answer.content).not.toMatch(/data-handling-policy|30 days/);
  });

  it('finishes the answers in progress before it disconnects, and takes no new questions', async () => {
    const question = threaded.userMessage({
      channelId: GENERAL_CHANNEL,
      authorId: '1600000000000000904',
      content: 'How long are backups of the data directory kept?',
      mentions: [BOT_USER_ID],
    });
    await threaded.until(() => loreMessages(threaded, question.id)[0], 10_000, 'the placeholder');
    await threadBot.bot.stop();
    expect(isFinal(loreMessages(threaded, question.id).at(-1))).toBe(true);
    const late = threaded.userMessage({
      channelId: GENERAL_CHANNEL,
      authorId: '1600000000000000905',
      content: 'How long are backups kept?',
      mentions: [BOT_USER_ID],
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(threaded.channel(late.id)).toBeUndefined();
    expect(replyTo(threaded, GENERAL_CHANNEL, late.id)).toBeUndefined();
  });
});

describe('when answering fails', () => {
  let failing: FakeDiscord;
  let failingBot: TestDiscordBot;

  beforeAll(async () => {
    // The lexical index's database is gone: every retrieval fails, as it would on a broken disk.
    const broken = openDatabase(path.join(tmp.dir, 'broken'));
    broken.close();
    const brokenPipeline = createAnswerPipeline({
      ...runtime,
      chunks: new ChunkStore(sqliteDatabase(broken)),
      config: { ...runtime.config, gemini: { ...runtime.config.gemini, apiKey: undefined } },
    });
    failing = await startFakeDiscord();
    failingBot = await startTestDiscordBot({
      runtime,
      pipeline: brokenPipeline,
      discord: failing,
      chatConfig: parseChatConfig('', 'lore.config.yaml'),
    });
  });
  afterAll(async () => {
    await failingBot?.close();
    await failing?.close();
  });

  it('replaces the placeholder with a short explanation instead of going silent', async () => {
    const question = failing.userMessage({
      channelId: GENERAL_CHANNEL,
      authorId: MEMBER_ID,
      content: 'How long are backups of the data directory kept?',
      mentions: [BOT_USER_ID],
    });
    const reply = await failing.until(
      () => {
        const message = replyTo(failing, GENERAL_CHANNEL, question.id);
        return message?.content.startsWith('⚠️') ? message : undefined;
      },
      20_000,
      'the error reply',
    );
    expect(reply.content).toMatch(/^⚠️ Sorry, something went wrong while answering \(.+\)\. Please try again in a moment/);
    expect(await failingBot.store.findAnswerByMessage('discord', GENERAL_CHANNEL, reply.id)).toBeUndefined();
  });

  it('says so in the reply to /lore ask too', async () => {
    const record = failing.slashCommand({
      userId: MEMBER_ID,
      channelId: GENERAL_CHANNEL,
      subcommand: 'ask',
      options: { question: 'How long are backups kept?' },
    });
    const response = await failing.until(
      () => [record.original, ...record.followUps].find((m) => m?.content.includes('⚠️ Sorry, something went wrong')),
      20_000,
      'the error',
    );
    expect(response.content).toMatch(/^> How long are backups kept\?\n⚠️ Sorry, something went wrong while answering/);
  });
});

function pastAnswer(id: string): Answer {
  return makeAnswer({
    id,
    question: 'an old question',
    answer: 'An answer from before the restart [1].',
    citations: [],
    contexts: [],
    confidence: 0.8,
    latencyMs: 10,
    timings: { rewrite: 0, retrieve: 0, rerank: 0, generate: 0 },
  });
}
