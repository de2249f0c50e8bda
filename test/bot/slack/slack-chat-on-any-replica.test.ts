import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerPipeline } from '../../../app/answer-pipeline.ts';
import { createSyncService } from '../../../app/sync-service.ts';
import { BOT_USER_ID, type SlackCall } from '../../fakes/fake-slack.ts';
import { setUpSlackScene } from './slack-scene.ts';
import { assistantEvent, mention, nextTs, startTestBot, type TestBot } from './slack-test-bot.ts';

// Chat on every replica (issue 19): two of Lore's Slack apps, each with its own conversation layer as `lore start`
// composes it, on one store, against the fake Slack. A follow-up event reaching the replica that did not see the first
// (an edit of the question the other answered, a second 👎, a question in an assistant panel the other greeted) is
// handled as one replica would, because what it depends on is in the store, not in the other replica's memory.

/** Notion alone (the sample knowledge base is files only); direct messages see web pages alone. */
const NOTION_CHANNEL = 'CNOTIONONLY';
/** A channel with responders: "Ask a person" is offered after a 👎. */
const SUPPORT = 'CSUPPORT';
const QUESTION = 'How long are backups of the data directory kept?';

/** Its bot is replica A. */
const scene = setUpSlackScene({
  name: 'replicas',
  chatConfig: [
    'direct_messages:',
    '  sources: [web]',
    'channels:',
    `  ${NOTION_CHANNEL}:`,
    '    sources: [notion]',
    `  ${SUPPORT}:`,
    '    sources: [files]',
    '    responders:',
    '      users: [UONCALL]',
  ],
});
let replicaB: TestBot;

beforeAll(async () => {
  const offline = { ...scene.runtime, config: scene.world.offline };
  replicaB = await startTestBot(offline, scene.slack, {
    sync: createSyncService(scene.runtime),
    pipeline: createAnswerPipeline(offline),
    conversation: { updateIntervalMs: 100, limits: { userPerMinute: 100, channelPerMinute: 1_000, windowMs: 3_000 } },
  });
});

afterAll(async () => {
  await replicaB?.close();
});

const idle = () => Promise.all([scene.bot.idle(), replicaB.idle()]);
const inChannel = (channel: string, method: string): SlackCall[] => scene.slack.callsOf(method).filter((call) => call.args.channel === channel);
const loreInThread = (channel: string, thread: string) =>
  scene.slack.messages(channel).filter((message) => message.user === BOT_USER_ID && message.thread_ts === thread);
const questionIn = (answerTs: string): string =>
  (scene.runtime.db!.prepare("SELECT question FROM answers WHERE platform = 'slack' AND message_id = ?").get(answerTs) as { question: string })
    .question;

/** Replica A answers a mention; resolves with the ts of the question and of the answer. */
async function answeredByA(channel: string, user: string, text: string): Promise<{ questionTs: string; answerTs: string }> {
  const question = mention(channel, user, text);
  await scene.bot.deliver(question);
  await idle();
  const [answer] = loreInThread(channel, String(question.ts));
  return { questionTs: String(question.ts), answerTs: answer!.ts };
}

describe('a question edited after replica A answered it', () => {
  it('is answered again by replica B, in place of the answer, and once though its retry reaches replica A', async () => {
    const asker = 'UEDITOR';
    const { questionTs, answerTs } = await answeredByA('CEDITED', asker, QUESTION);
    expect(questionIn(answerTs)).toBe(QUESTION);
    const updatesBefore = inChannel('CEDITED', 'chat.update').length;

    const editTs = (Number(questionTs) + 30).toFixed(6);
    const edit = {
      type: 'message',
      subtype: 'message_changed',
      channel: 'CEDITED',
      channel_type: 'channel',
      hidden: true,
      ts: editTs,
      event_ts: editTs,
      message: {
        type: 'message',
        user: asker,
        text: `<@${BOT_USER_ID}> How long does the query log keep questions?`,
        ts: questionTs,
        edited: { user: asker, ts: editTs },
      },
      previous_message: { type: 'message', user: asker, ts: questionTs, text: `<@${BOT_USER_ID}> ${QUESTION}` },
    };
    const reopened = () =>
      inChannel('CEDITED', 'chat.update')
        .slice(updatesBefore)
        .filter((call) => call.args.text === 'Looking through the knowledge base…');
    const { eventId } = await replicaB.deliver(edit);
    await idle();
    // No new message: the answer A posted was reopened by B and now answers the edited words.
    expect(reopened()).toHaveLength(1);
    expect(
      inChannel('CEDITED', 'chat.update')
        .slice(updatesBefore)
        .every((call) => call.args.ts === answerTs),
    ).toBe(true);
    expect(inChannel('CEDITED', 'chat.postMessage')).toHaveLength(1);
    expect(questionIn(answerTs)).toBe('How long does the query log keep questions?');

    // Slack's retry of the edit, delivered to A, answers nothing more.
    await scene.bot.deliver(edit, { eventId, retryNum: 1 });
    await idle();
    expect(reopened()).toHaveLength(1);
    expect(inChannel('CEDITED', 'chat.postMessage')).toHaveLength(1);
  });
});

describe('👎s on one answer reaching both replicas', () => {
  it('offer "Ask a person" in its thread once', async () => {
    const { questionTs, answerTs } = await answeredByA(SUPPORT, 'UASKER', QUESTION);
    const thumbsDown = (user: string) => ({
      type: 'reaction_added',
      user,
      reaction: '-1',
      item_user: BOT_USER_ID,
      item: { type: 'message', channel: SUPPORT, ts: answerTs },
      event_ts: nextTs(),
    });
    await Promise.all([scene.bot.deliver(thumbsDown('UASKER')), replicaB.deliver(thumbsDown('UCOLLEAGUE'))]);
    await idle();

    const ratings = scene.runtime.db!.prepare("SELECT count(*) AS n FROM feedback WHERE rating = 'down' AND channel_id = ?").get(SUPPORT) as {
      n: number;
    };
    expect(ratings.n).toBe(2);
    const offers = loreInThread(SUPPORT, questionTs).filter((message) => message.text.startsWith('Not what you needed'));
    expect(offers).toHaveLength(1);
  });
});

describe('an assistant panel thread started on replica A', () => {
  const ask = (replica: TestBot, channel: string, thread: string, text: string) =>
    replica.deliver({ type: 'message', channel, channel_type: 'im', user: 'UPANEL', text, ts: nextTs(), thread_ts: thread });

  it('scopes a question reaching replica B by the channel viewed beside the panel, and is titled once whichever replica answers', async () => {
    const channel = 'DPANELREPLICAS';
    const thread = nextTs();
    await scene.bot.deliver(assistantEvent('assistant_thread_started', channel, thread, NOTION_CHANNEL));
    // The greeting follows the context's saving.
    await scene.slack.waitFor((call) => call.method === 'chat.postMessage' && call.args.channel === channel);

    await ask(replicaB, channel, thread, QUESTION);
    await scene.slack.waitFor(
      (call) => call.method === 'chat.update' && call.args.channel === channel && call.args.text !== 'Looking through the knowledge base…',
    );
    await idle();
    const panel = scene.slack.assistantThread(channel, thread);
    expect(panel.titles).toEqual([QUESTION]);
    expect(panel.statuses[0]).toBe('searching Notion…');
    // Notion alone, as in the channel being viewed: not the direct messages' web pages, nor the files that answer it.
    const [answer] = loreInThread(channel, thread).slice(1);
    expect(JSON.stringify(answer!.blocks)).not.toContain('data-handling-policy.txt');

    await ask(scene.bot, channel, thread, 'And where are they stored?');
    await idle();
    expect(scene.slack.assistantThread(channel, thread).titles).toEqual([QUESTION]);
  });
});
