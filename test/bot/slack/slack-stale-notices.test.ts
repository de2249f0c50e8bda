import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerPipeline } from '../../../app/answer-pipeline.ts';
import { createSyncService, type SyncService } from '../../../app/sync-service.ts';
import type { Citation } from '../../../rag/types.ts';
import { BOT_USER_ID, type FakeSlack } from '../../fakes/fake-slack.ts';
import { block, startFakeNotion, type FakeNotion } from '../../fakes/fake-notion.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { mention, startTestBot, type TestBot } from './slack-test-bot.ts';
import { openSlackTestWorld, type SlackTestWorld } from './slack-test-world.ts';

// Stale-source notices end to end: the real Bolt app as `lore start` connects it, a fake Slack, a fake Notion synced
// through the real connector and sync engine, and extractive answers from the real pipeline. An answer cites a
// Notion page; the page changes upstream and is synced again; the thread hears of it once.

const tmp = tempDir('lore-stale-slack-');
const NOTION_TOKEN = 'secret_stale_test';
let world: SlackTestWorld;
let slack: FakeSlack;
let notion: FakeNotion;
let sync: SyncService;
let bot: TestBot;

const ROTA_PAGE = 'aaaaaaaa-0000-4000-8000-000000000001';
const KIOSK_PAGE = 'aaaaaaaa-0000-4000-8000-000000000002';
const rotaBlocks = (weekday: string) => [
  block.heading(1, 'Quokka feeding rota'),
  block.paragraph(`The quokka feeding rota is kept by the zoology platform team and the quokkas are fed every ${weekday} at noon.`),
];
const kioskBlocks = [
  block.heading(1, 'Marmoset kiosk'),
  block.paragraph('The marmoset kiosk password is rotated by the facilities desk every quarter.'),
];

beforeAll(async () => {
  notion = await startFakeNotion({ token: NOTION_TOKEN });
  notion.addPage({ id: ROTA_PAGE, title: 'Quokka feeding rota', blocks: rotaBlocks('Tuesday') });
  notion.addPage({ id: KIOSK_PAGE, title: 'Marmoset kiosk', blocks: kioskBlocks });
  const chatConfig = path.join(tmp.dir, 'lore.config.yaml');
  fs.writeFileSync(
    chatConfig,
    ['channels:', '  CSTALE:', '    sources: [notion]', '    stale_notices: true', '  CPLAIN:', '    sources: [notion]'].join('\n'),
  );
  world = await openSlackTestWorld(tmp.dir, { LORE_CHAT_CONFIG: chatConfig, NOTION_TOKEN, NOTION_BASE_URL: notion.url });
  ({ slack } = world);
  sync = createSyncService(world.runtime, { notion: { requestsPerSecond: 1000, retryBaseDelayMs: 1 } });
  await sync.sync('notion');
  bot = await startTestBot(world.runtime, slack, {
    sync,
    pipeline: createAnswerPipeline({ ...world.runtime, config: world.offline }),
    conversation: { updateIntervalMs: 50 },
  });
}, 120_000);

afterAll(async () => {
  await bot?.close();
  await world?.close();
  await notion?.close();
  tmp.cleanup();
});

/** Lore's messages in a thread that are stale-source notices. */
function notices(channel: string, thread: string): string[] {
  return slack
    .messages(channel)
    .filter((m) => m.user === BOT_USER_ID && m.thread_ts === thread && /ask again for a fresh answer/.test(m.text))
    .map((m) => m.text);
}

/** Asks in a channel; returns the thread and the citation number of the Notion page the answer cited. */
async function ask(channel: string, question: string, pageId: string): Promise<{ thread: string; n: number }> {
  const event = mention(channel, 'UASKER', question);
  expect((await bot.deliver(event)).status).toBe(200);
  await bot.idle();
  const row = world.runtime
    .db!.prepare("SELECT citations, mode FROM answers WHERE platform = 'slack' AND channel_id = ? AND thread_id = ?")
    .get(channel, event.ts) as { citations: string; mode: string };
  expect(row.mode).toBe('extractive');
  const citation = (JSON.parse(row.citations) as Citation[]).find((c) => c.source === 'notion' && c.url.includes(pageId.replaceAll('-', '')));
  expect(citation, `the answer cites the Notion page: ${row.citations}`).toBeDefined();
  return { thread: String(event.ts), n: citation!.n };
}

/** Syncs Notion as `lore start` and `/lore sync` do, and waits for the stale-source check that follows. */
async function syncNotion(): Promise<void> {
  const [report] = await sync.sync('notion');
  expect(report?.failed).toEqual([]);
  await bot.chat.staleSources!.idle();
}

describe('stale-source notices in Slack', () => {
  let opted: { thread: string; n: number };
  let plain: { thread: string; n: number };

  it('say nothing after a sync that changed nothing, or only what no passage holds', async () => {
    opted = await ask('CSTALE', 'When are the quokkas fed?', ROTA_PAGE);
    plain = await ask('CPLAIN', 'When are the quokkas fed?', ROTA_PAGE);
    await syncNotion();
    // Touched upstream (a new last_edited_time) with the same content: re-read, and no chunk changed.
    notion.editPage(ROTA_PAGE, { blocks: rotaBlocks('Tuesday') });
    await syncNotion();
    expect(notices('CSTALE', opted.thread)).toEqual([]);
    expect(notices('CPLAIN', plain.thread)).toEqual([]);
  });

  it('tell an opted-in thread once, naming the citation, when the cited page changed, and no other channel', async () => {
    notion.editPage(ROTA_PAGE, { blocks: rotaBlocks('Thursday') });
    await syncNotion();
    const posted = notices('CSTALE', opted.thread);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatch(
      new RegExp(`^The source \\[${opted.n}\\] “Quokka feeding rota” of this answer changed on \\d{4}-\\d{2}-\\d{2}; ask again`),
    );
    expect(notices('CPLAIN', plain.thread)).toEqual([]);
  });

  it('say nothing more the same day when the page changes again', async () => {
    notion.editPage(ROTA_PAGE, { blocks: rotaBlocks('Friday') });
    await syncNotion();
    expect(notices('CSTALE', opted.thread)).toHaveLength(1);
  });

  it('say a cited page was removed, after `/lore sync notion` in chat', async () => {
    const kiosk = await ask('CSTALE', 'Who rotates the marmoset kiosk password?', KIOSK_PAGE);
    // Later than every edit of the other page, as Notion's clock would have it: the incremental listing sees it.
    notion.trashPage(KIOSK_PAGE, '2024-01-01T01:00:00.000Z');
    expect((await bot.command('sync notion', 'UADMIN', 'CSTALE', 'stale-sync')).status).toBe(200);
    await bot.idle();
    await bot.chat.staleSources!.idle();
    expect(notices('CSTALE', kiosk.thread)).toEqual([
      expect.stringMatching(new RegExp(`^The source \\[${kiosk.n}\\] “Marmoset kiosk” of this answer was removed on \\d{4}-\\d{2}-\\d{2}`)),
    ]);
    expect(notices('CSTALE', opted.thread)).toHaveLength(1);
  });
});
