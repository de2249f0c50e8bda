import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerPipeline } from '../../../app/answer-pipeline.ts';
import type { Runtime } from '../../../app/runtime.ts';
import { createSyncService } from '../../../app/sync-service.ts';
import { syncLockLeases } from '../../../connectors/sync/sync-lock.ts';
import { ChunkStore } from '../../../rag/store/chunk-store.ts';
import { sqliteDatabase } from '../../../app/storage/sqlite-database.ts';
import type { FakeGemini } from '../../fakes/fake-gemini.ts';
import { script } from './gemini-script.ts';
import { BOT_USER_ID, TEAM_ID, type FakeSlack, type SlackCall } from '../../fakes/fake-slack.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { connectChat } from '../../../app/commands/start.ts';
import { APP_TOKEN, BOT_TOKEN, mention, nextTs, SIGNING_SECRET, startTestBot, type TestBot } from './slack-test-bot.ts';
import { openSlackTestWorld, type SlackTestWorld } from './slack-test-world.ts';

// The real Bolt app, as `lore start` connects it, against a fake Slack Web API: events arrive as signed HTTP
// requests, answers come from the real pipeline over the sample knowledge base (real Chroma and SQLite).

const tmp = tempDir('lore-slack-');
let world: SlackTestWorld;
let logLines: string[];
let gemini: FakeGemini;
let slack: FakeSlack;
let runtime: Runtime;
/** Extractive answers (no model): deterministic citations. */
let bot: TestBot;
/** Gemini answers (streamed by the fake), and LORE_FOLLOW_THREADS on. */
let geminiBot: TestBot;
/** Its pipeline reads a closed database: every answer fails inside the pipeline. */
let brokenBot: TestBot;
let brokenDb: Database.Database;
let offlinePipeline: ReturnType<typeof createAnswerPipeline>;

const UPDATE_INTERVAL_MS = 300;
const MAX_FILE_BYTES = 50 * 1024;

beforeAll(async () => {
  const chatConfig = path.join(tmp.dir, 'lore.config.yaml');
  fs.writeFileSync(
    chatConfig,
    [
      'default:',
      '  sources: [files, notion, github, web, upload]',
      'channels:',
      '  CNOFILES:',
      '    sources: [notion]',
      '  slack:CNOUPLOAD:',
      '    sources: [files]',
    ].join('\n'),
  );
  world = await openSlackTestWorld(tmp.dir, { LORE_CHAT_CONFIG: chatConfig, LORE_MAX_FILE_MB: String(MAX_FILE_BYTES / (1024 * 1024)) });
  ({ gemini, slack, runtime, logLines } = world);
  const { config, offline } = world;
  const sync = createSyncService(runtime);
  const conversation = { updateIntervalMs: UPDATE_INTERVAL_MS, limits: { userPerMinute: 3, channelPerMinute: 1_000, windowMs: 3_000 } };

  bot = await startTestBot(runtime, slack, { sync, pipeline: createAnswerPipeline({ ...runtime, config: offline }), conversation });
  geminiBot = await startTestBot({ ...runtime, config: { ...config, followThreads: true } }, slack, {
    sync,
    pipeline: createAnswerPipeline(runtime),
    conversation: { ...conversation, progressIntervalMs: 0 },
  });
  fs.copyFileSync(path.join(config.dataDir, 'lore.db'), path.join(tmp.dir, 'broken.db'));
  brokenDb = new Database(path.join(tmp.dir, 'broken.db'));
  const brokenChunks = new ChunkStore(sqliteDatabase(brokenDb));
  brokenDb.close();
  brokenBot = await startTestBot(runtime, slack, {
    sync,
    pipeline: createAnswerPipeline({ ...runtime, chunks: brokenChunks, config: offline }),
    conversation,
  });
  offlinePipeline = createAnswerPipeline({ ...runtime, config: offline });
}, 120_000);

afterAll(async () => {
  await bot?.close();
  await geminiBot?.close();
  await brokenBot?.close();
  await world?.close();
  tmp.cleanup();
});

const inChannel = (channel: string, method: string): SlackCall[] => slack.callsOf(method).filter((call) => call.args.channel === channel);
const sectionsOf = (blocks: unknown): string[] =>
  (blocks as { type: string; text?: { text: string } }[]).filter((b) => b.type === 'section').map((b) => b.text!.text);
const contextsOf = (blocks: unknown): string[] =>
  (blocks as { type: string; elements?: { text: string }[] }[]).filter((b) => b.type === 'context').flatMap((b) => b.elements!.map((e) => e.text));

/** The message Lore posted in a channel's thread, in its final state. */
function lorePost(channel: string, thread: string): { ts: string; text: string; blocks: unknown[] } {
  const posted = slack.messages(channel).filter((m) => m.user === BOT_USER_ID && m.thread_ts === thread);
  expect(posted.length).toBeGreaterThan(0);
  const last = posted.at(-1)!;
  return { ts: last.ts, text: last.text, blocks: last.blocks ?? [] };
}

function answerRow(
  messageId: string,
): { id: string; question: string; thread_id: string; user_id: string; citations: string; mode: string } | undefined {
  return runtime.db!.prepare("SELECT * FROM answers WHERE platform = 'slack' AND message_id = ?").get(messageId) as never;
}

describe('answering a mention in Slack', () => {
  it('shows it is working, streams the answer into the thread with throttled edits, and ends with cited Block Kit', async () => {
    gemini.setGenerator(script({ chunks: ['Backups ', 'of the data directory ', 'are kept ', 'for at most ', '30 days [1].'], chunkDelayMs: 150 }));
    const event = mention('CSTREAM', 'USTREAM', 'How long are backups of the data directory kept?');
    expect((await geminiBot.deliver(event)).status).toBe(200);
    // The same message also arrives as a `message` event (another id): it must not be answered twice.
    await geminiBot.deliver({ ...event, type: 'message', channel_type: 'channel' });
    await geminiBot.idle();
    gemini.setGenerator(undefined);

    const [placeholder, ...others] = inChannel('CSTREAM', 'chat.postMessage');
    expect(others).toEqual([]);
    expect(placeholder!.args.thread_ts).toBe(event.ts);
    expect(contextsOf(placeholder!.args.blocks).join()).toMatch(/Looking through the knowledge base/);
    const eyes = inChannel('CSTREAM', 'reactions.add')[0]!;
    expect(eyes.args).toMatchObject({ name: 'eyes', timestamp: event.ts });
    expect(eyes.at).toBeLessThanOrEqual(placeholder!.at);

    const updates = inChannel('CSTREAM', 'chat.update');
    const streaming = updates.slice(0, -1);
    expect(streaming.length).toBeGreaterThanOrEqual(2);
    expect(streaming.length).toBeLessThan(5); // five deltas, coalesced
    for (const [i, update] of streaming.entries()) {
      expect(contextsOf(update.args.blocks)).toContain('_Writing…_');
      if (i > 0) expect(update.at - streaming[i - 1]!.at).toBeGreaterThanOrEqual(UPDATE_INTERVAL_MS - 30);
    }
    expect(sectionsOf(streaming[0]!.args.blocks)[0]).toMatch(/^Backups/);

    const final = updates.at(-1)!;
    expect(final.args.ts).toBe(slack.messages('CSTREAM')[0]!.ts);
    const sections = sectionsOf(final.args.blocks);
    expect(sections[0]).toBe('Backups of the data directory are kept for at most 30 days [1].');
    expect(sections[1]).toMatch(
      /^\*Sources\*\n1\. \*data-handling-policy\.txt\* · files · synced <!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^>]+>/,
    );
    expect((final.args.blocks as { type: string }[]).map((b) => b.type)).toEqual(['section', 'divider', 'section', 'context', 'context_actions']);
    expect(contextsOf(final.args.blocks)[0]).toMatch(/^Generated by Gemini · \d+\.\d s · confidence \d+% · react :\+1: or :-1: to rate$/);
    expect(final.args.text).toBe('Backups of the data directory are kept for at most 30 days [1].');
    expect(inChannel('CSTREAM', 'reactions.remove')[0]!.args).toMatchObject({ name: 'eyes', timestamp: event.ts });

    const row = answerRow(String(final.args.ts))!;
    expect(row).toMatchObject({
      question: 'How long are backups of the data directory kept?',
      thread_id: event.ts,
      user_id: 'USTREAM',
      mode: 'generative',
    });
    expect(JSON.parse(row.citations)[0]).toMatchObject({ n: 1, title: 'data-handling-policy.txt', source: 'files' });
  });

  it('shows when the model fails mid-answer and the answer restarts from the sources', async () => {
    gemini.setGenerator(
      script({ chunks: ['Backups of the data directory ', 'are kept for ', 'at most 30 days [1].'], chunkDelayMs: 400, dropAfterChunks: 2 }),
    );
    const event = mention('CRESTART', 'URESTART', 'How long are backups of the data directory kept?');
    await geminiBot.deliver(event);
    await geminiBot.idle();
    gemini.setGenerator(undefined);
    const updates = inChannel('CRESTART', 'chat.update').map((call) => call.args.blocks);
    expect(updates.some((blocks) => sectionsOf(blocks)[0] === 'Backups of the data directory ▍')).toBe(true);
    // The restart notice is coalesced away here: the extractive fallback answers at once, and its final version carries the note.
    const final = updates.at(-1);
    expect(sectionsOf(final)[0]).toMatch(/30 days.*\[1\]/);
    expect(contextsOf(final).join('\n')).toMatch(/The language model failed \(.+\); this answer is extractive/);
    expect(contextsOf(final).at(-1)).toMatch(/^Extractive \(quoted from the sources\)/);
  });

  it('answers a direct message in its thread, waiting out a Slack rate limit (429 Retry-After)', async () => {
    slack.queue('chat.postMessage', { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } });
    const ts = nextTs();
    const started = Date.now();
    await bot.deliver({
      type: 'message',
      channel: 'DUSER1',
      channel_type: 'im',
      user: 'UDM',
      text: 'How long does the query log keep questions?',
      ts,
    });
    await bot.idle();
    const posts = inChannel('DUSER1', 'chat.postMessage');
    expect(posts).toHaveLength(2); // the rate-limited attempt, then the retry
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const answer = lorePost('DUSER1', ts);
    expect(sectionsOf(answer.blocks)[0]).toMatch(/90 days .*\[1\]/);
    expect(sectionsOf(answer.blocks)[1]).toMatch(/1\. \*data-handling-policy\.txt\* · files/);
    expect(contextsOf(answer.blocks).join('\n')).toMatch(/Extractive answer/);
    expect(contextsOf(answer.blocks).at(-1)).toMatch(/^Extractive \(quoted from the sources\) · /);
  });

  it('rewrites a follow-up in a thread from the thread history before answering', async () => {
    const root = slack.seedMessage('CTHREAD', { user: 'UTHREAD', text: `<@${BOT_USER_ID}> How long are backups of the data directory kept?` });
    slack.seedMessage('CTHREAD', {
      user: BOT_USER_ID,
      bot_id: 'BLORE',
      thread_ts: root.ts,
      text: 'Backups of the data directory are kept for at most 30 days [1].',
    });
    const followUp = slack.seedMessage('CTHREAD', { user: 'UTHREAD', thread_ts: root.ts, text: `<@${BOT_USER_ID}> and the query log?` });
    gemini.setGenerator(
      script({ chunks: ['The query log keeps questions and answers for 90 days [1].'] }, 'How long does the query log keep questions and answers?'),
    );
    await geminiBot.deliver({ type: 'app_mention', channel: 'CTHREAD', user: 'UTHREAD', text: followUp.text, ts: followUp.ts, thread_ts: root.ts });
    await geminiBot.idle();
    gemini.setGenerator(undefined);

    expect(inChannel('CTHREAD', 'conversations.replies')[0]!.args).toMatchObject({ ts: root.ts });
    const rewrite = gemini.requests.filter((r) => r.systemInstruction?.startsWith('You rewrite')).at(-1)!;
    const prompt = rewrite.texts.join('\n');
    expect(prompt).toContain('User: How long are backups of the data directory kept?');
    expect(prompt).toContain('Lore: Backups of the data directory are kept for at most 30 days [1].');
    expect(prompt).toContain('Last message: and the query log?');
    expect(prompt).not.toContain('<@');
    const answer = lorePost('CTHREAD', root.ts);
    expect(sectionsOf(answer.blocks)[0]).toBe('The query log keeps questions and answers for 90 days [1].');
  });

  it('with LORE_FOLLOW_THREADS, answers any message in a thread it answered in, but not other threads', async () => {
    const event = mention('CFOLLOW', 'UFOLLOW', 'How long are backups of the data directory kept?');
    await geminiBot.deliver(event);
    await geminiBot.idle();
    const reply = {
      type: 'message',
      channel: 'CFOLLOW',
      channel_type: 'channel',
      user: 'UFOLLOW',
      text: 'and how long is the query log kept?',
      thread_ts: event.ts,
    };
    await geminiBot.deliver({ ...reply, ts: nextTs() });
    await geminiBot.deliver({ ...reply, ts: nextTs(), thread_ts: nextTs() }); // a thread Lore never answered in
    await geminiBot.idle();
    expect(inChannel('CFOLLOW', 'chat.postMessage').map((c) => c.args.thread_ts)).toEqual([event.ts, event.ts]);

    // Without the setting, a reply that does not mention Lore is left alone.
    await bot.deliver({ ...reply, ts: nextTs() });
    await bot.idle();
    expect(inChannel('CFOLLOW', 'chat.postMessage')).toHaveLength(2);
  });

  it('never answers a re-delivered event twice, even after a restart', async () => {
    const event = mention('CRETRY', 'URETRY', 'How long are backups of the data directory kept?');
    const { eventId } = await bot.deliver(event);
    expect((await bot.deliver(event, { eventId, retryNum: 1 })).status).toBe(200);
    await bot.idle();
    // Another process on the same data directory (Lore restarted) gets Slack's next retry.
    expect((await geminiBot.deliver(event, { eventId, retryNum: 2 })).status).toBe(200);
    await geminiBot.idle();
    expect(inChannel('CRETRY', 'chat.postMessage')).toHaveLength(1);
    expect(logLines.some((line) => line.includes('event already handled'))).toBe(true);
  });

  it('rejects a request with a bad or stale signature with 401 and posts nothing', async () => {
    const { deliverToLore, eventEnvelope } = await import('../../fakes/fake-slack.ts');
    const body = { json: eventEnvelope(mention('CFORGED', 'UFORGED', 'How long are backups kept?')) };
    expect((await deliverToLore(bot.url, body, { signingSecret: SIGNING_SECRET, forgeWith: 'not-the-secret' })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 600;
    expect((await deliverToLore(bot.url, body, { signingSecret: SIGNING_SECRET, timestamp: stale })).status).toBe(401);
    await bot.idle();
    expect(slack.calls.filter((call) => call.args.channel === 'CFORGED')).toEqual([]);
  });

  it('ignores messages from bots, including its own', async () => {
    await bot.deliver({
      type: 'message',
      subtype: 'bot_message',
      channel: 'DBOTS',
      channel_type: 'im',
      bot_id: 'BOTHER',
      text: 'How long are backups kept?',
      ts: nextTs(),
    });
    await bot.deliver({
      type: 'message',
      channel: 'DBOTS',
      channel_type: 'im',
      user: 'UOTHERBOT',
      bot_id: 'BOTHER',
      text: 'How long are backups kept?',
      ts: nextTs(),
    });
    await bot.idle();
    expect(slack.calls.filter((call) => call.args.channel === 'DBOTS')).toEqual([]);
  });

  it('never cites a source the channel may not see', async () => {
    const event = mention('CNOFILES', 'USCOPE', 'How long are backups of the data directory kept?');
    await bot.deliver(event);
    await bot.idle();
    const answer = lorePost('CNOFILES', String(event.ts));
    const shown = JSON.stringify(answer.blocks);
    expect(sectionsOf(answer.blocks)[0]).toMatch(/^I couldn't find this in the knowledge base/);
    expect(shown).not.toMatch(/data-handling-policy|30 days/);
    expect(JSON.parse(answerRow(answer.ts)!.citations)).toEqual([]);
  });

  it('queues questions over the per-user rate limit and tells the asker their place', async () => {
    const events = Array.from({ length: 5 }, () => mention('CRATE', 'URATE', 'How long are backups of the data directory kept?'));
    for (const event of events) await bot.deliver(event);
    await bot.idle();
    const notices = inChannel('CRATE', 'chat.postMessage')
      .map((call) => String(call.args.text))
      .filter((text) => text.includes('in the queue'));
    expect(notices).toHaveLength(2);
    expect(notices[0]).toMatch(/the limit is 3 a minute per person/);
    expect(notices.map((text) => /\*#(\d+)\* in the queue/.exec(text)?.[1])).toEqual(['1', '2']);
    // Every question is answered in the end.
    for (const event of events) expect(answerRow(lorePost('CRATE', String(event.ts)).ts)).toBeDefined();
  });

  it('tells the thread when the pipeline fails', async () => {
    const event = mention('CFAIL', 'UFAIL', 'How long are backups of the data directory kept?');
    await brokenBot.deliver(event);
    await brokenBot.idle();
    const posted = lorePost('CFAIL', String(event.ts));
    expect(posted.text).toMatch(/^:warning: Sorry, something went wrong while answering \(.*database connection is not open.*\)\. Please try again/);
    expect(inChannel('CFAIL', 'reactions.remove')).toHaveLength(1);
    expect(answerRow(posted.ts)).toBeUndefined();
  });
});

describe('feedback by reactions', () => {
  let answerTs: string;
  let threadTs: string;
  let answerId: string;

  beforeAll(async () => {
    const event = mention('CFEED', 'UASKER', 'How long are backups of the data directory kept?');
    await bot.deliver(event);
    await bot.idle();
    threadTs = String(event.ts);
    answerTs = lorePost('CFEED', threadTs).ts;
    answerId = answerRow(answerTs)!.id;
  });

  const react = (reaction: string, added: boolean, user = 'URATER', item = { channel: 'CFEED', ts: answerTs }, itemUser = BOT_USER_ID) =>
    bot.deliver({ type: added ? 'reaction_added' : 'reaction_removed', user, reaction, item_user: itemUser, item: { type: 'message', ...item } });
  const feedback = () =>
    runtime.db!.prepare('SELECT * FROM feedback WHERE answer_id = ? ORDER BY rating DESC').all(answerId) as {
      user_id: string;
      rating: string;
      emoji: string;
      channel_id: string;
      reason: string | null;
      retracted_at: string | null;
    }[];

  it('records 👍 and 👎 with the answer, invites a reason for 👎 only, and retracts a removed reaction', async () => {
    await react('+1', true);
    await bot.idle();
    expect(feedback()).toEqual([expect.objectContaining({ user_id: 'URATER', rating: 'up', emoji: '+1', channel_id: 'CFEED', retracted_at: null })]);
    expect(inChannel('CFEED', 'chat.postEphemeral')).toEqual([]);

    await react('-1::skin-tone-3', true);
    await bot.idle();
    expect(feedback().map((f) => [f.rating, f.retracted_at])).toEqual([
      ['up', null],
      ['down', null],
    ]);
    const [invite] = inChannel('CFEED', 'chat.postEphemeral');
    expect(invite!.args).toMatchObject({ user: 'URATER', thread_ts: threadTs });
    const button = (invite!.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions')!
      .elements![0]!;
    expect(button).toMatchObject({ action_id: 'lore_feedback_reason', value: answerId });

    await react('+1', false);
    await bot.idle();
    const [up, down] = feedback();
    expect(up!.retracted_at).not.toBeNull();
    expect(down!.retracted_at).toBeNull();

    const logged = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.answerId === answerId);
    expect(logged.filter((l) => l.msg === 'feedback recorded').map((l) => l.rating)).toEqual(['up', 'down']);
    expect(logged.find((l) => l.msg === 'feedback recorded')).toMatchObject({ answerId: expect.any(String), chunks: [expect.any(String)] });
    expect(logged.find((l) => l.msg === 'feedback recorded')).not.toHaveProperty('question');
    expect(logged.filter((l) => l.msg === 'feedback retracted')).toHaveLength(1);
  });

  it('takes the one-line reason for a 👎 through a button and a modal', async () => {
    const click = await bot.interact({
      type: 'block_actions',
      team: { id: TEAM_ID },
      user: { id: 'URATER' },
      api_app_id: 'A0001',
      trigger_id: 'trigger-reason',
      channel: { id: 'CFEED' },
      container: { type: 'message', message_ts: nextTs(), channel_id: 'CFEED', is_ephemeral: true },
      actions: [{ type: 'button', action_id: 'lore_feedback_reason', block_id: 'b1', value: answerId, action_ts: '1' }],
      response_url: slack.responseUrl('ephemeral'),
    });
    expect(click.status).toBe(200);
    const opened = await slack.waitFor((call) => call.method === 'views.open');
    expect(opened.args.trigger_id).toBe('trigger-reason');
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(JSON.parse(view.private_metadata)).toEqual({ answerId });

    const submit = await bot.interact({
      type: 'view_submission',
      team: { id: TEAM_ID },
      user: { id: 'URATER' },
      api_app_id: 'A0001',
      view: {
        id: 'V1',
        type: 'modal',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: { values: { reason: { reason_input: { type: 'plain_text_input', value: '  It quoted the\nbackup section, not the log one ' } } } },
      },
    });
    expect(submit.status).toBe(200);
    expect(feedback().find((f) => f.rating === 'down')!.reason).toBe('It quoted the backup section, not the log one');
  });

  it('ignores reactions on other messages and reactions that are not a rating', async () => {
    const before = feedback().length;
    const userMessage = slack.seedMessage('CFEED', { user: 'UASKER', text: 'thanks' });
    await react('+1', true, 'URATER2', { channel: 'CFEED', ts: userMessage.ts }, 'UASKER');
    // A message Lore posted that is not an answer (e.g. a notice) is not rated either.
    const notice = slack.seedMessage('CFEED', { user: BOT_USER_ID, bot_id: 'BLORE', text: 'Learned x.md' });
    await react('+1', true, 'URATER2', { channel: 'CFEED', ts: notice.ts });
    await react('tada', true, 'URATER2');
    await bot.idle();
    expect(feedback()).toHaveLength(before);
    expect(slack.callsOf('chat.postEphemeral').filter((c) => c.args.user === 'URATER2')).toEqual([]);
  });
});

describe('/lore commands', () => {
  it('shows help', async () => {
    const response = await bot.command('help', 'UANY', 'CCMD', 'help');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ response_type: 'ephemeral' });
    expect(response.body.text).toMatch(/`\/lore sync \[files\|notion\|github\|web\|all\]`/);
  });

  it('lets an admin sync: acknowledged at once, then a summary to the requester', async () => {
    const started = Date.now();
    const ack = await bot.command('sync files', 'UADMIN', 'CCMD', 'sync-admin');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(ack.body.text).toMatch(/^Syncing \*files\*… I'll report progress here/);
    await bot.idle();
    const summary = slack.responses.filter((r) => r.id === 'sync-admin').at(-1)!.body;
    expect(summary).toMatchObject({ response_type: 'ephemeral' });
    expect(summary.text).toMatch(/^Sync finished:\n• \*files\*: \d+ added, \d+ updated, \d+ deleted, 0 failed \(\d+ unchanged, [\d.]+ s\)$/);
  });

  it('reports sync progress to the requester, a few times at most, before the summary', async () => {
    await geminiBot.command('sync all', 'UADMIN', 'CCMD', 'sync-progress');
    await geminiBot.idle();
    const texts = slack.responses.filter((r) => r.id === 'sync-progress').map((r) => String(r.body.text));
    expect(texts.length).toBeGreaterThanOrEqual(2);
    expect(texts.length).toBeLessThanOrEqual(4); // Slack allows 5 uses of a response_url
    expect(texts.slice(0, -1).every((text) => /^\*files\*: (listing documents|indexed \d+ of \d+ documents)/.test(text))).toBe(true);
    expect(texts.at(-1)).toMatch(/^Sync finished:\n• \*files\*: /);
  });

  it('lets a workspace admin sync too, and refuses everyone else', async () => {
    slack.addUser('UOWNER', { is_owner: true });
    slack.addUser('UMEMBER');
    expect((await bot.command('sync files', 'UOWNER', 'CCMD', 'sync-owner')).body.text).toMatch(/^Syncing \*files\*/);
    await bot.idle();
    const refused = await bot.command('sync', 'UMEMBER', 'CCMD', 'sync-member');
    expect(refused.body.text).toMatch(/^Only Lore admins can start a sync/);
    const unknown = await bot.command('sync notion', 'UNOBODY', 'CCMD', 'sync-nobody');
    expect(unknown.body.text).toMatch(/^Only Lore admins can start a sync/);
    await bot.idle();
    expect(slack.responses.filter((r) => r.id === 'sync-member' || r.id === 'sync-nobody')).toEqual([]);
  });

  it('never runs two syncs of the same source at once', async () => {
    const held = await syncLockLeases(runtime.sql).acquire('files');
    if (!('lease' in held)) throw new Error('the files lock should be free');
    try {
      const response = await bot.command('sync files', 'UADMIN', 'CCMD', 'sync-busy');
      expect(response.body.text).toMatch(/^A sync of files is already running/);
    } finally {
      await held.lease.release();
    }
    await bot.idle();
    expect(slack.responses.filter((r) => r.id === 'sync-busy')).toEqual([]);
  });

  it('says what is wrong with a command it does not know', async () => {
    expect((await bot.command('sync everything-now', 'UADMIN', 'CCMD', 'bad-target')).body.text).toMatch(/is not a source to sync/);
    expect((await bot.command('dance', 'UADMIN', 'CCMD', 'bad-verb')).body.text).toMatch(/`dance` is not a Lore command\. Try `\/lore help`/);
  });

  it('shows the index size and the last sync per source', async () => {
    const response = await bot.command('status', 'UANY', 'CCMD', 'status');
    const text = response.body.text!;
    expect(text).toMatch(/^\*Index\*: 11 documents, \d+ passages\./);
    expect(text).toMatch(/• \*files\*: 11 documents, \d+ passages, last synced just now/);
    expect(text).toMatch(/• \*notion\*: not configured/);
  });

  it('runs a command written to Lore in a mention, answering in the thread', async () => {
    const event = mention('CCMD2', 'UANY', 'status');
    await bot.deliver(event);
    await bot.idle();
    expect(lorePost('CCMD2', String(event.ts)).text).toMatch(/^\*Index\*: 11 documents/);
  });
});

describe('learning uploaded files', () => {
  const ONBOARDING = '# Onboarding buddies\n\nEvery new engineer at Acme is paired with a Kiwi mentor for their first six weeks.\n';

  beforeAll(() => {
    slack.addFile({ id: 'FONB', name: 'onboarding.md', title: 'Onboarding buddies', mimetype: 'text/markdown', content: Buffer.from(ONBOARDING) });
    slack.addFile({ id: 'FEXE', name: 'tool.exe', mimetype: 'application/octet-stream', content: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 2]) });
    slack.addFile({ id: 'FBIG', name: 'huge.md', mimetype: 'text/markdown', content: Buffer.from('# Big\n'), size: 10 * MAX_FILE_BYTES });
    slack.addFile({
      id: 'FPNG',
      name: 'notes.md',
      mimetype: 'text/markdown',
      content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
    });
    slack.addFile({
      id: 'FDM',
      name: 'parking.txt',
      mimetype: 'text/plain',
      content: Buffer.from('Visitors park in the Blue Garage on level minus two, next to the bike racks.\n'),
    });
  });

  it('downloads a file shared with "learn" using the bot token, indexes it for that channel only, and confirms', async () => {
    const event = mention('CUP', 'UUP', 'please learn this', { files: [{ id: 'FONB', name: 'onboarding.md' }] });
    await bot.deliver(event);
    await bot.idle();
    expect(slack.callsOf('files.info').find((c) => c.args.file === 'FONB')).toBeDefined();
    const download = slack.callsOf('file.download').find((c) => String(c.args.path).includes('FONB'))!;
    expect(download.token).toBe(BOT_TOKEN);
    expect(lorePost('CUP', String(event.ts)).text).toMatch(/^• Learned \*Onboarding buddies\*\.\n\nAsk me about it here/);
    const doc = (await runtime.chunks.getDocument('upload:slack:CUP:FONB'))!;
    expect(doc).toMatchObject({ source: 'upload', title: 'Onboarding buddies' });
    const metadata = (await runtime.chunks.getChunks(await runtime.chunks.chunkIdsOf(doc.id)))[0]!.metadata;
    expect(metadata).toMatchObject({ uploadScope: 'slack:CUP', uploadedBy: 'slack:UUP' });

    const here = mention('CUP', 'UUP2', 'Who is every new engineer at Acme paired with?');
    await bot.deliver(here);
    const elsewhere = mention('COTHER', 'UUP3', 'Who is every new engineer at Acme paired with?');
    await bot.deliver(elsewhere);
    await bot.idle();
    const answerHere = lorePost('CUP', String(here.ts));
    expect(sectionsOf(answerHere.blocks)[0]).toMatch(/Kiwi mentor/);
    expect(sectionsOf(answerHere.blocks)[1]).toMatch(/1\. <https:\/\/example\.slack\.com\/files\/[^|]+\|Onboarding buddies> · upload/);
    const answerElsewhere = lorePost('COTHER', String(elsewhere.ts));
    expect(JSON.stringify(answerElsewhere.blocks)).not.toMatch(/Kiwi|Onboarding buddies/);
  });

  it('refuses bad files one by one with the reason, checking type and size before downloading', async () => {
    const event = mention('CUP2', 'UUP4', 'add these', {
      files: [{ id: 'FEXE' }, { id: 'FBIG' }, { id: 'FPNG' }, { id: 'FMISSING', name: 'gone.md' }, { id: 'FDM', name: 'parking.txt' }],
    });
    await bot.deliver(event);
    await bot.idle();
    const lines = lorePost('CUP2', String(event.ts)).text.split('\n');
    expect(lines[0]).toBe(
      '• Could not learn *tool.exe*: .exe files are not supported: I can learn PDF, DOCX, HTML, Markdown, text and source code files.',
    );
    expect(lines[1]).toBe('• Could not learn *huge.md*: the file is too large: 500 KB, over the 50 KB limit.');
    expect(lines[2]).toMatch(/^• Could not learn \*notes\.md\*: binary data \(looks like a PNG image\), not Markdown text$/);
    expect(lines[3]).toBe('• Could not learn *gone.md*: that file is no longer available in Slack (it may have been deleted).');
    expect(lines[4]).toBe('• Learned *parking.txt*.');
    const downloaded = slack.callsOf('file.download').map((c) => String(c.args.path));
    expect(downloaded.some((p) => p.includes('FEXE') || p.includes('FBIG'))).toBe(false);
    expect(downloaded.some((p) => p.includes('FPNG'))).toBe(true);
  });

  it('learns a file sent in a direct message without being asked to, and refuses uploads where the scope has none', async () => {
    const dm = {
      type: 'message',
      subtype: 'file_share',
      channel: 'DUP',
      channel_type: 'im',
      user: 'UUP5',
      text: '',
      ts: nextTs(),
      files: [{ id: 'FDM' }],
    };
    await bot.deliver(dm);
    const scoped = mention('CNOUPLOAD', 'UUP6', 'learn this', { files: [{ id: 'FDM' }] });
    await bot.deliver(scoped);
    await bot.idle();
    expect(lorePost('DUP', dm.ts).text).toMatch(/^• Learned \*parking\.txt\*\./);
    expect(await runtime.chunks.getDocument('upload:slack:DUP:FDM')).toBeDefined();
    expect(lorePost('CNOUPLOAD', String(scoped.ts)).text).toMatch(/^Uploads aren't enabled in this channel/);
    expect(await runtime.chunks.getDocument('upload:slack:CNOUPLOAD:FDM')).toBeUndefined();
  });
});

describe('Socket Mode', () => {
  it('connects with the app token instead of serving HTTP, and answers events and commands sent over the socket', async () => {
    const config = { ...runtime.config, slack: { ...runtime.config.slack, appToken: APP_TOKEN, signingSecret: undefined } };
    const chat = await connectChat({ ...runtime, config }, { sync: createSyncService(runtime), pipeline: offlinePipeline, slack: { retries: 1 } });
    try {
      expect(chat.routes.size).toBe(0);
      expect((await chat.slack!.whenConnected()).mode).toBe('socket');
      expect(slack.callsOf('apps.connections.open').at(-1)!.token).toBe(APP_TOKEN);
      await slack.socketConnected();

      const event = mention('CSOCKET', 'USOCKET', 'How long are backups of the data directory kept?');
      const { eventEnvelope } = await import('../../fakes/fake-slack.ts');
      const ack = await slack.sendEnvelope('events_api', eventEnvelope(event));
      expect(ack.envelope_id).toBeDefined();
      await chat.conversation!.idle();
      expect(sectionsOf(lorePost('CSOCKET', String(event.ts)).blocks)[0]).toMatch(/30 days/);

      const command = await slack.sendEnvelope('slash_commands', {
        command: '/lore',
        text: 'help',
        user_id: 'USOCKET',
        channel_id: 'CSOCKET',
        team_id: TEAM_ID,
        response_url: slack.responseUrl('socket-help'),
        trigger_id: 'trigger-socket',
        api_app_id: 'A0001',
      });
      expect(command.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/\/lore status/) });
    } finally {
      await chat.close();
    }
  });

  it("answers an event once when Slack redelivers it over the other replica's connection", async () => {
    // Two replicas, each with its own connection, on one store (issue 19): Slack sends an envelope over one of an
    // app's connections and, unacknowledged in time, again over another, with the same event.
    const config = { ...runtime.config, slack: { ...runtime.config.slack, appToken: APP_TOKEN, signingSecret: undefined } };
    const replica = () => connectChat({ ...runtime, config }, { sync: createSyncService(runtime), pipeline: offlinePipeline, slack: { retries: 1 } });
    const a = await replica();
    const b = await replica();
    try {
      await Promise.all([a.slack!.whenConnected(), b.slack!.whenConnected()]);
      await slack.socketConnected(15_000, 2);
      const event = mention('CSOCKETS', 'USOCKET', 'How long are backups of the data directory kept?');
      const { eventEnvelope } = await import('../../fakes/fake-slack.ts');
      const envelope = eventEnvelope(event);
      await slack.sendEnvelope('events_api', envelope, { connection: 0 });
      await slack.sendEnvelope('events_api', envelope, { connection: 1, retryAttempt: 1 });
      await Promise.all([a.conversation!.idle(), b.conversation!.idle()]);
      const answers = slack.messages('CSOCKETS').filter((m) => m.user === BOT_USER_ID && m.thread_ts === String(event.ts));
      expect(answers).toHaveLength(1);
      expect(sectionsOf(lorePost('CSOCKETS', String(event.ts)).blocks)[0]).toMatch(/30 days/);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
