import { describe, expect, it } from 'vitest';
import { BOT_USER_ID, TEAM_ID } from '../../fakes/fake-slack.ts';
import { mention, nextTs } from './slack-test-bot.ts';
import { setUpSlackScene } from './slack-scene.ts';

// Verified answers (issue 17, item 3) through the real Bolt app against the fake Slack: a person's reply in a thread
// Lore answered in, saved by the asker's ✅ (or an admin's message shortcut), is cited for a later paraphrased
// question in the same channel, as "answered by <name> in #channel on <date>", and never in another channel.

const TEAM_CHANNEL = 'CFACILITIES';
const OTHER_CHANNEL = 'CENGINEERING';
const HELPER = 'UHELPER';
const QUESTION = 'How do I book a parking space at the Lisbon office for a visiting contractor?';
const REPLY = 'Visiting contractors get Lisbon office parking through the FacilityDesk portal, under Visitors, at least two days ahead.';
const PARAPHRASE = 'Where can a visiting contractor reserve parking at the Lisbon office?';

const scene = setUpSlackScene({
  name: 'verified',
  prepare: (slack) => {
    slack.addChannel(TEAM_CHANNEL, 'facilities');
    slack.addChannel(OTHER_CHANNEL, 'engineering');
    slack.addUser(HELPER, { display_name: 'maria' });
  },
});

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 200));
  await scene.bot.idle();
}

/** Asks Lore in a channel and returns its final answer's text (blocks included). */
async function ask(channel: string, user: string, text: string): Promise<{ thread: string; answer: string }> {
  const question = mention(channel, user, text);
  expect((await scene.bot.deliver(question)).status).toBe(200);
  await settle();
  const posted = scene.slack.messages(channel).filter((message) => message.user === BOT_USER_ID && message.thread_ts === question.ts);
  expect(posted.length).toBeGreaterThan(0);
  const last = posted.at(-1)!;
  return { thread: String(question.ts), answer: `${last.text}\n${JSON.stringify(last.blocks ?? [])}` };
}

/** A person's reply in a thread: in the channel's history (for Lore's lookups), and delivered as Slack would. */
async function replyInThread(channel: string, thread: string, user: string, text: string): Promise<string> {
  const ts = nextTs();
  scene.slack.seedMessage(channel, { ts, thread_ts: thread, user, text });
  await scene.bot.deliver({ type: 'message', channel, channel_type: 'channel', user, text, ts, thread_ts: thread });
  await settle();
  return ts;
}

function react(channel: string, ts: string, user: string, reaction = 'white_check_mark') {
  return scene.bot.deliver({ type: 'reaction_added', user, reaction, item_user: HELPER, item: { type: 'message', channel, ts } });
}

function shortcut(channel: string, ts: string, user: string, responseId: string) {
  return scene.bot.interact({
    type: 'message_action',
    callback_id: 'lore_save_verified',
    trigger_id: `trigger-${responseId}`,
    message_ts: ts,
    response_url: scene.slack.responseUrl(responseId),
    message: { type: 'message', user: HELPER, ts, text: 'a reply' },
    user: { id: user, name: user.toLowerCase(), team_id: TEAM_ID },
    channel: { id: channel, name: 'facilities' },
    team: { id: TEAM_ID, domain: 'example' },
    token: 'unused',
    action_ts: nextTs(),
  });
}

const verifiedRows = () =>
  scene.runtime
    .db!.prepare('SELECT id, question, answer, answered_by_name, channel_name, saved_by, revoked_at FROM verified_answers ORDER BY saved_at')
    .all() as {
    id: string;
    question: string;
    answer: string;
    answered_by_name: string;
    channel_name: string;
    saved_by: string;
    revoked_at: string | null;
  }[];

describe('verified answers in Slack', () => {
  let savedId: string;
  /** When the saved reply was written (its Slack timestamp): the date its citation names. */
  let repliedOn: string;

  it("saves a person's reply when the asker reacts with ✅, and no one else's ✅", async () => {
    const { thread, answer } = await ask(TEAM_CHANNEL, 'UASKER', QUESTION);
    // The knowledge base does not know: Lore abstains, then a person answers in the thread.
    expect(answer).not.toContain('FacilityDesk');
    const reply = await replyInThread(TEAM_CHANNEL, thread, HELPER, REPLY);
    repliedOn = new Date(Number(reply) * 1000).toISOString().slice(0, 10);

    await react(TEAM_CHANNEL, reply, 'USOMEONE');
    await settle();
    expect(verifiedRows()).toEqual([]);

    await react(TEAM_CHANNEL, reply, 'UASKER');
    await settle();
    const [row] = verifiedRows();
    expect(row).toMatchObject({
      question: QUESTION,
      answer: REPLY,
      answered_by_name: 'maria',
      channel_name: 'facilities',
      saved_by: 'UASKER',
      revoked_at: null,
    });
    savedId = row!.id;
    const notice = scene.slack.messages(TEAM_CHANNEL).find((message) => message.thread_ts === thread && message.text.includes('verified answer'));
    expect(notice?.text).toMatch(/Saved maria's reply as the verified answer/);
  });

  it('cites it for a later paraphrased question in the same channel, and never in another channel', async () => {
    const here = await ask(TEAM_CHANNEL, 'ULATER', PARAPHRASE);
    expect(here.answer).toContain('FacilityDesk');
    expect(here.answer).toContain(`answered by maria in #facilities on ${repliedOn}`);

    const elsewhere = await ask(OTHER_CHANNEL, 'ULATER', PARAPHRASE);
    expect(elsewhere.answer).not.toContain('FacilityDesk');
    expect(elsewhere.answer).not.toContain('answered by maria');
  });

  it('lets an admin save a reply with the message shortcut, and refuses someone who is neither asker nor admin', async () => {
    const { thread } = await ask(TEAM_CHANNEL, 'UASKER2', 'Who signs off on a visitor badge for the Lisbon office?');
    const reply = await replyInThread(TEAM_CHANNEL, thread, HELPER, 'Visitor badges for Lisbon are signed off by the office manager, Joana.');
    expect((await shortcut(TEAM_CHANNEL, reply, 'UBYSTANDER', 'sc-1')).status).toBe(200);
    await settle();
    expect(verifiedRows()).toHaveLength(1);
    expect((await shortcut(TEAM_CHANNEL, reply, 'UADMIN', 'sc-2')).status).toBe(200);
    await settle();
    expect(verifiedRows()).toHaveLength(2);
    const said = () => scene.slack.responses.map((response) => `${response.id}: ${String(response.body.text)}`);
    await expect
      .poll(said)
      .toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^sc-1: Only the person who asked/),
          expect.stringMatching(/^sc-2: Saved as the verified answer/),
        ]),
      );
  });

  it('lets admins list, edit and revoke them with /lore verified', async () => {
    const list = await scene.bot.command('verified', 'UADMIN', TEAM_CHANNEL, 'v-list');
    expect(list.body.text).toContain(savedId);
    expect(list.body.text).toContain('answered by maria in #facilities');
    const refused = await scene.bot.command(`verified revoke ${savedId}`, 'UNOTADMIN', TEAM_CHANNEL, 'v-refused');
    expect(refused.body.text).toMatch(/Only Lore admins can manage verified answers/);

    await scene.bot.command(
      `verified edit ${savedId} Contractors book Lisbon parking in the FacilityDesk portal, Visitors tab, two days ahead.`,
      'UADMIN',
      TEAM_CHANNEL,
      'v-edit',
    );
    await settle();
    expect(verifiedRows().find((row) => row.id === savedId)?.answer).toMatch(/Visitors tab/);

    const revoked = await scene.bot.command(`verified revoke ${savedId}`, 'UADMIN', TEAM_CHANNEL, 'v-revoke');
    expect(revoked.body.text).toMatch(/Revoked/);
    await settle();
    const after = await ask(TEAM_CHANNEL, 'ULATER2', PARAPHRASE);
    expect(after.answer).not.toContain('FacilityDesk');
  });
});
