import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerPipeline } from '../../../app/answer-pipeline.ts';
import { connectChat, type ChatConnections } from '../../../app/connect-chat.ts';
import { loadConfig } from '../../../app/config.ts';
import { createLogger } from '../../../app/logger.ts';
import { openRuntime, type Runtime } from '../../../app/runtime.ts';
import { createSyncService, type SyncService } from '../../../app/sync-service.ts';
import { parseChatConfig } from '../../../bot/conversation/chat-config.ts';
import type { Citation } from '../../../rag/types.ts';
import { BOT_TOKEN, BOT_USER_ID, GENERAL_CHANNEL, GUILD_ID, MEMBER_ID, startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord.ts';
import { startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';
import { block, startFakeNotion, type FakeNotion } from '../../fakes/fake-notion.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { isFinal, loreMessages, replyTo } from './discord-test-bot.ts';

// Stale-source notices in Discord, wired as `lore start` wires them (connectChat): the real discord.js client on a
// fake Discord, a fake Notion synced through the real connector, extractive answers from the real pipeline.

const tmp = tempDir('lore-stale-discord-');
const NOTION_TOKEN = 'secret_stale_discord';
const PAGE = 'bbbbbbbb-0000-4000-8000-000000000001';
const pageBlocks = (weekday: string) => [
  block.heading(1, 'Wombat grooming schedule'),
  block.paragraph(`The wombats are groomed by the burrow care team every ${weekday} morning before opening.`),
];
let gemini: FakeGemini;
let notion: FakeNotion;
let discord: FakeDiscord;
let runtime: Runtime;
let sync: SyncService;
let chat: ChatConnections;

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  notion = await startFakeNotion({ token: NOTION_TOKEN });
  notion.addPage({ id: PAGE, title: 'Wombat grooming schedule', blocks: pageBlocks('Monday') });
  discord = await startFakeDiscord();
  const config = loadConfig({
    LORE_DATA_DIR: path.join(tmp.dir, 'data'),
    LORE_EMBEDDER: 'gemini',
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: gemini.url,
    NOTION_TOKEN,
    NOTION_BASE_URL: notion.url,
    DISCORD_TOKEN: BOT_TOKEN,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_GUILD_ID: GUILD_ID,
  });
  runtime = await openRuntime(config, createLogger('silent'));
  sync = createSyncService(runtime, { notion: { requestsPerSecond: 1000, retryBaseDelayMs: 1 } });
  await sync.sync('notion');
  chat = await connectChat(runtime, {
    sync,
    // Offline: extractive answers; embeddings still come from the fake Gemini.
    pipeline: createAnswerPipeline({ ...runtime, config: { ...config, gemini: { ...config.gemini, apiKey: undefined } } }),
    chatConfig: parseChatConfig(
      ['channels:', `  discord:${GENERAL_CHANNEL}:`, '    sources: [notion]', '    stale_notices: true'].join('\n'),
      'lore.config.yaml',
    ),
    discord: { retries: 1, requestTimeoutMs: 5_000 },
    conversation: { updateIntervalMs: 50 },
  });
  await chat.discord!.whenConnected();
}, 120_000);

afterAll(async () => {
  await chat?.close();
  await runtime?.close();
  await discord?.close();
  await notion?.close();
  await gemini?.close();
  tmp.cleanup();
});

const notices = () => loreMessages(discord, GENERAL_CHANNEL).filter((m) => /ask again for a fresh answer/.test(m.content));

describe('stale-source notices in Discord', () => {
  it('reply once in the conversation of an answer whose cited Notion page changed, and not again the same day', async () => {
    const question = discord.userMessage({
      channelId: GENERAL_CHANNEL,
      authorId: MEMBER_ID,
      content: 'When are the wombats groomed?',
      mentions: [BOT_USER_ID],
    });
    await discord.until(() => (isFinal(replyTo(discord, GENERAL_CHANNEL, question.id)) ? true : undefined), 20_000, "Lore's answer");
    await chat.conversation!.idle();
    const row = runtime.db!.prepare("SELECT citations FROM answers WHERE platform = 'discord' AND thread_id = ?").get(question.id) as {
      citations: string;
    };
    const cited = (JSON.parse(row.citations) as Citation[]).find((c) => c.source === 'notion');
    expect(cited, row.citations).toBeDefined();

    await sync.sync('notion');
    await chat.staleSources!.idle();
    expect(notices()).toEqual([]);

    notion.editPage(PAGE, { blocks: pageBlocks('Wednesday') });
    await sync.sync('notion');
    await chat.staleSources!.idle();
    const [notice, ...more] = notices();
    expect(more).toEqual([]);
    expect(notice?.content).toMatch(new RegExp(`^The source \\[${cited!.n}\\] “Wombat grooming schedule” of this answer changed on `));
    expect((notice?.message_reference as { message_id?: string } | undefined)?.message_id).toBe(question.id);

    notion.editPage(PAGE, { blocks: pageBlocks('Saturday') });
    await sync.sync('notion');
    await chat.staleSources!.idle();
    expect(notices()).toHaveLength(1);
  });
});
