import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerPipeline } from '../../../app/answer-pipeline.ts';
import type { Runtime } from '../../../app/runtime.ts';
import { createSyncService } from '../../../app/sync-service.ts';
import { BOT_USER_ID, type FakeSlack, type FakeSlackResponse, type SlackCall } from '../../fakes/fake-slack.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { mention, recordedEvent, slackFixture, startTestBot, type TestBot } from './slack-test-bot.ts';
import { openSlackTestWorld, type SlackTestWorld } from './slack-test-world.ts';

// Payloads Slack really sends (its documentation's examples and SDK test fixtures, test/fixtures/slack/SOURCE.md),
// replayed through the real Bolt app and Web API client against the fake Slack: the shapes Lore's own fakes
// never produced.

const tmp = tempDir('lore-slack-real-');
let world: SlackTestWorld;
let slack: FakeSlack;
let runtime: Runtime;
/** LORE_FOLLOW_THREADS on: replies in threads Lore answered in are questions too. */
let bot: TestBot;

beforeAll(async () => {
  world = await openSlackTestWorld(tmp.dir, { LORE_FOLLOW_THREADS: 'true' });
  ({ slack, runtime } = world);
  bot = await startTestBot(runtime, slack, {
    sync: createSyncService(runtime),
    pipeline: createAnswerPipeline({ ...runtime, config: world.offline }),
    conversation: { updateIntervalMs: 100, limits: { userPerMinute: 100, channelPerMinute: 1_000, windowMs: 60_000 } },
  });
}, 120_000);

afterAll(async () => {
  await bot?.close();
  await world?.close();
  tmp.cleanup();
});

const inChannel = (channel: string, method: string): SlackCall[] => slack.callsOf(method).filter((call) => call.args.channel === channel);
/** Slack's documented answer to a rate-limited Web API call (429, Retry-After 30). */
const rateLimited = (): FakeSlackResponse => {
  const recorded = slackFixture('rate-limited.json') as unknown as {
    status: number;
    headers: Record<string, string>;
    payload: Record<string, unknown>;
  };
  return { status: recorded.status, headers: recorded.headers, body: recorded.payload };
};
const logged = (): Record<string, unknown>[] => world.logLines.map((line: string) => JSON.parse(line) as Record<string, unknown>);

describe('messages from Slackbot and other bots', () => {
  it('never answers Slackbot in a direct message, though it writes as a user without a bot_id', async () => {
    const event = recordedEvent(slackFixture('mercury__SlackWebhookEvent__slackbotIm.json'), { channel: 'DSLACKBOT' });
    expect(event).toMatchObject({ user: 'USLACKBOT', channel_type: 'im' });
    expect(event).not.toHaveProperty('bot_id');
    expect((await bot.deliver(event)).status).toBe(200);
    await bot.idle();
    expect(slack.calls.filter((call) => call.args.channel === 'DSLACKBOT')).toEqual([]);
  });

  it('never answers Slackbot or an app in a thread it follows', async () => {
    const question = mention('CBOTTHREAD', 'UASKER', 'How long are backups of the data directory kept?');
    await bot.deliver(question);
    await bot.idle();
    expect(inChannel('CBOTTHREAD', 'chat.postMessage')).toHaveLength(1);
    const inThread = { channel: 'CBOTTHREAD', channel_type: 'channel', thread_ts: question.ts };
    await bot.deliver(recordedEvent(slackFixture('mercury__SlackWebhookEvent__slackbotIm.json'), inThread));
    await bot.deliver(recordedEvent(slackFixture('docs__bot_message.json'), inThread));
    await bot.deliver(recordedEvent(slackFixture('boltpy__test_message_bot__bot_message_event_payload.json'), inThread));
    // An app's message with its profile but no bot_id is an app's all the same.
    const { bot_id: _dropped, ...profileOnly } = recordedEvent(slackFixture('boltpy__test_message_bot__bot_message_event_payload.json'), inThread);
    await bot.deliver(profileOnly);
    await bot.idle();
    expect(inChannel('CBOTTHREAD', 'chat.postMessage')).toHaveLength(1);
  });
});

describe('deliveries Lore has no listener for', () => {
  /** Slack gives up on a delivery after 3 s; an immediate 200 is what keeps it from retrying and disabling events. */
  const timed = async (deliver: () => Promise<{ status: number }>): Promise<{ status: number; ms: number }> => {
    const started = Date.now();
    const { status } = await deliver();
    return { status, ms: Date.now() - started };
  };

  it('acknowledges app_rate_limited at once and logs a warning naming the minute Slack dropped', async () => {
    const recorded = slackFixture('docs__app_rate_limited.json').payload;
    const response = await timed(() => bot.deliverBody(recorded));
    expect(response.status).toBe(200);
    expect(response.ms).toBeLessThan(1_000);
    const warning = logged().find((line) => line.minuteRateLimited !== undefined);
    expect(warning).toMatchObject({ level: 40, minuteRateLimited: 1518467820, minuteStartedAt: '2018-02-12T20:37:00.000Z', team: 'T123456' });
    expect(String(warning!.msg)).toMatch(/app_rate_limited/);
  });

  it('acknowledges a button click and a modal submission with ids it does not know, at once', async () => {
    const click = await timed(() => bot.interact(slackFixture('boltpy__test_block_actions__body.json').payload));
    const submission = await timed(() => bot.interact(slackFixture('boltpy__test_view_submission__body.json').payload));
    for (const response of [click, submission]) {
      expect(response.status).toBe(200);
      expect(response.ms).toBeLessThan(1_000);
    }
    expect(slack.callsOf('views.open')).toEqual([]);
  });
});

describe('files Slack types but their names do not', () => {
  it('learns a text snippet whose name has no extension, by the type Slack reports', async () => {
    const recorded = slackFixture('ossans__file_share_message.json');
    const event = recordedEvent(recorded, { channel: 'DSNIPPET', channel_type: 'im' });
    const [file] = event.files as { id: string; name: string; mimetype: string; filetype: string }[];
    expect(file).toMatchObject({ name: '無題', filetype: 'text', mimetype: 'text/plain' });
    slack.addFile({
      id: file!.id,
      name: file!.name,
      mimetype: file!.mimetype,
      filetype: file!.filetype,
      content: Buffer.from('Hello, World!'),
      recorded: file,
    });
    // The recording mentions its own bot; here the bot is Lore.
    await bot.deliver({ ...event, text: String(event.text).replace(/<@U0761XXXX6X>/g, `<@${BOT_USER_ID}>`) });
    await bot.idle();
    const [reply] = inChannel('DSNIPPET', 'chat.postMessage');
    expect(reply!.args.text).toMatch(/^• Learned \*無題\*\./);
    expect(await runtime.chunks.getDocument(`upload:slack:DSNIPPET:${file!.id}`)).toMatchObject({ title: '無題' });
  });
});

describe('people and channels mentioned in a question', () => {
  const questionOf = (channel: string, thread: string): string => {
    const posted = slack.messages(channel).find((m) => m.user === BOT_USER_ID && m.thread_ts === thread)!;
    return (runtime.db!.prepare("SELECT question FROM answers WHERE platform = 'slack' AND message_id = ?").get(posted.ts) as { question: string })
      .question;
  };
  const lookupsOf = (user: string): SlackCall[] => slack.callsOf('users.info').filter((call) => call.args.user === user);

  it('asks with the display names of the people mentioned (users.info, cached) and the channel labels', async () => {
    // The user id of the recorded Slackbot notice, as a person with a display name.
    slack.addUser('U043H11ES4V', { display_name: 'maria', real_name: 'Maria Lopez' });
    slack.addChannel('C0BACKUPS', 'ops-backups');
    const first = mention('CMENTION', 'UMENTION', 'what did <@U043H11ES4V> say in <#C043YJGBY49|general> about backups?');
    await bot.deliver(first);
    await bot.idle();
    expect(questionOf('CMENTION', String(first.ts))).toBe('what did @maria say in #general about backups?');

    const second = mention('CMENTION', 'UMENTION', 'did <@U043H11ES4V> post the backup schedule in <#C0BACKUPS>?');
    await bot.deliver(second);
    await bot.idle();
    expect(questionOf('CMENTION', String(second.ts))).toBe('did @maria post the backup schedule in #ops-backups?');
    expect(lookupsOf('U043H11ES4V')).toHaveLength(1);
  });

  it('keeps the id of a person Slack could not name (rate limited) instead of dropping the mention', async () => {
    const asked = mention('CMENTION2', 'UMENTION', 'what did <@U0RATELIM> say about backups?');
    slack.queue('users.info', rateLimited());
    const started = Date.now();
    await bot.deliver(asked);
    await bot.idle();
    expect(questionOf('CMENTION2', String(asked.ts))).toBe('what did @U0RATELIM say about backups?');
    // A 429 on a lookup fails it at once: the question is not held for Slack's 30 s Retry-After.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(lookupsOf('U0RATELIM')).toHaveLength(1);
  });
});

describe('replies when Slack cannot answer or says no', () => {
  it('tells an admin whose check Slack rate limited to try again, at once, instead of refusing them', async () => {
    slack.addUser('UOWNER', { is_owner: true });
    slack.queue('users.info', rateLimited());
    const started = Date.now();
    const limited = await bot.command('sync files', 'UOWNER', 'CCMD', 'sync-limited');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(limited.body.text).toBe(
      "I couldn't check whether you may start a sync: Slack is rate limiting Lore right now. Please try again in a minute.",
    );

    const retried = await bot.command('sync files', 'UOWNER', 'CCMD', 'sync-retried');
    expect(retried.body.text).toMatch(/^Syncing \*files\*/);
    await bot.idle();
  });

  it('says a file deleted from Slack is gone, as a final answer and without its id', async () => {
    const event = mention('CGONE', 'UGONE', 'learn this', { files: [{ id: 'F0DELETED1' }] });
    await bot.deliver(event);
    await bot.idle();
    const [reply] = inChannel('CGONE', 'chat.postMessage');
    expect(reply!.args.text).toBe(':warning: • Could not learn a file: that file is no longer available in Slack (it may have been deleted).');
    expect(String(reply!.args.text)).not.toMatch(/F0DELETED1|try again/i);
  });
});

describe('a question edited after its answer', () => {
  interface RecordedEdit {
    message: { user: string; ts?: string; text: string; edited: { user: string; ts: string } };
    previous_message: { user?: string; ts: string; text: string };
  }
  const toLore = (text: string): string => text.replace(/<@U0761XXXX6X>/g, `<@${BOT_USER_ID}>`);
  const recordedEdit = (name: string): RecordedEdit & Record<string, unknown> =>
    recordedEvent(slackFixture(name)) as RecordedEdit & Record<string, unknown>;

  /** Asks in a new thread as `user`; resolves with the ts of the question and of Lore's answer. */
  async function ask(channel: string, user: string, text: string): Promise<{ questionTs: string; answerTs: string }> {
    const question = mention(channel, user, text);
    await bot.deliver(question);
    await bot.idle();
    const answer = slack.messages(channel).find((m) => m.user === BOT_USER_ID && m.thread_ts === question.ts)!;
    return { questionTs: String(question.ts), answerTs: answer.ts };
  }

  /** The recorded edit moved onto `questionTs`, the edit coming as long after the question as it did when recorded. */
  function editOf(
    recorded: RecordedEdit & Record<string, unknown>,
    channel: string,
    questionTs: string,
    text: string,
    user = recorded.message.user,
  ): Record<string, unknown> {
    const recordedAsked = Number(recorded.message.ts ?? recorded.previous_message.ts);
    const editTs = (Number(questionTs) + (Number(recorded.message.edited.ts) - recordedAsked)).toFixed(6);
    return {
      ...recorded,
      channel,
      channel_type: 'channel',
      ts: editTs,
      event_ts: editTs,
      message: { ...recorded.message, user, ts: questionTs, text, edited: { user, ts: editTs } },
      previous_message: { ...recorded.previous_message, ts: questionTs },
    };
  }

  const questionIn = (answerTs: string): string =>
    (runtime.db!.prepare("SELECT question FROM answers WHERE platform = 'slack' AND message_id = ?").get(answerTs) as { question: string }).question;

  it("answers the asker's edited question again, updating its answer in place", async () => {
    const recorded = recordedEdit('ossans__message_changed.json');
    const asker = recorded.message.user;
    const { questionTs, answerTs } = await ask('CEDIT', asker, toLore(recorded.previous_message.text).replace(`<@${BOT_USER_ID}> `, ''));
    expect(questionIn(answerTs)).toBe('テレビCMをしていたのはいつですか？');
    const updatesBefore = inChannel('CEDIT', 'chat.update').length;

    await bot.deliver(editOf(recorded, 'CEDIT', questionTs, toLore(recorded.message.text)));
    await bot.idle();
    expect(inChannel('CEDIT', 'chat.postMessage')).toHaveLength(1);
    const updates = inChannel('CEDIT', 'chat.update').slice(updatesBefore);
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((call) => call.args.ts === answerTs)).toBe(true);
    expect(questionIn(answerTs)).toBe('テレビ・ラジオでCMをしていたのはいつでしたっけ？');
  });

  it("leaves alone another person's edit, an unchanged text, Lore's own edits and an edit long after the answer", async () => {
    const byOther = recordedEdit('boltpy__test_message_changed__event_payload.json');
    // As recorded: the message was written by one user (previous_message.user) and the edit names another.
    const first = await ask('CEDIT2', byOther.previous_message.user!, 'How long are backups of the data directory kept?');
    const late = recordedEdit('docs__message_changed.json');
    const second = await ask('CEDIT3', late.message.user, 'How long are backups of the data directory kept?');
    const updatesBefore = slack.callsOf('chat.update').length;

    await bot.deliver(editOf(byOther, 'CEDIT2', first.questionTs, `<@${BOT_USER_ID}> ${byOther.message.text}`));
    await bot.deliver(
      editOf(
        byOther,
        'CEDIT2',
        first.questionTs,
        `<@${BOT_USER_ID}>  how long are backups of the data directory kept?`,
        byOther.previous_message.user,
      ),
    );
    await bot.deliver(editOf(byOther, 'CEDIT2', first.answerTs, 'Backups are kept for 30 days.', BOT_USER_ID));
    // The recorded edit came 38 days after its message: far outside the edit window.
    await bot.deliver(editOf(late, 'CEDIT3', second.questionTs, `<@${BOT_USER_ID}> How long does the query log keep questions?`));
    await bot.idle();

    expect(slack.callsOf('chat.update').slice(updatesBefore)).toEqual([]);
    expect([...inChannel('CEDIT2', 'chat.postMessage'), ...inChannel('CEDIT3', 'chat.postMessage')]).toHaveLength(2);
    expect(questionIn(first.answerTs)).toBe('How long are backups of the data directory kept?');
    expect(questionIn(second.answerTs)).toBe('How long are backups of the data directory kept?');
  });

  it('says the question was edited when its answer can no longer be updated', async () => {
    const recorded = recordedEdit('ossans__message_changed.json');
    const { questionTs } = await ask('CEDIT4', recorded.message.user, 'How long are backups of the data directory kept?');
    slack.queue('chat.update', { body: { ok: false, error: 'cant_update_message' } });
    await bot.deliver(editOf(recorded, 'CEDIT4', questionTs, `<@${BOT_USER_ID}> How long does the query log keep questions?`));
    await bot.idle();
    const posts = inChannel('CEDIT4', 'chat.postMessage');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.args).toMatchObject({ thread_ts: questionTs });
    expect(String(posts[1]!.args.text)).toMatch(/^This question was edited after I answered it, and I could not update my answer/);
  });
});
