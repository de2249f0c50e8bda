import { describe, expect, it } from 'vitest';
import { createAnswerService } from '../../../app/create-answer-service.ts';
import { buildGapReport } from '../../../app/report/gap-report.ts';
import { BOT_ID, BOT_USER_ID, TEAM_ID, type SlackCall } from '../../fakes/fake-slack.ts';
import { mention, nextTs } from './slack-test-bot.ts';
import { setUpSlackScene } from './slack-scene.ts';

// Support channels and hand-off to people (issue 17, items 1 and 2), through the real Bolt app as `lore start`
// connects it, against the fake Slack: signed events in, Web API calls out, answers from the real pipeline over
// the sample knowledge base (offline, extractive) through the answer service, so the query log and the
// knowledge-gap report see them.

/** `mode: auto`, an offer-help emoji, and responders: a user group and a user. */
const SUPPORT = 'CSUPPORT';
/** `mode: auto` without responders or an offer of help. */
const QUIET_SUPPORT = 'CQUIETSUPPORT';
/** No entry: mention-only, as every channel is unless configured. */
const GENERAL = 'CGENERAL';
const ANSWERABLE = 'How long are backups of the data directory kept?';
const UNANSWERABLE = 'How do I book a parking space at the Lisbon office for a visiting contractor?';

const scene = setUpSlackScene({
  name: 'support',
  chatConfig: [
    'channels:',
    `  ${SUPPORT}:`,
    '    sources: [files]',
    '    mode: auto',
    '    offer_help: raising_hand',
    '    responders:',
    '      group: SHELPERS',
    '      users: [UONCALL]',
    `  ${QUIET_SUPPORT}:`,
    '    sources: [files]',
    '    mode: auto',
  ],
  // The answer service, so that the query log and the knowledge-gap report see the answers.
  answerer: (offline) => createAnswerService(offline),
});

let userCounter = 0;
const newUser = (): string => `UASKER${++userCounter}`;

/** A person's top-level message in a channel, not mentioning Lore. */
function say(channel: string, user: string, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'message', channel, channel_type: 'channel', user, text, ts: nextTs(), ...extra };
}

/** What Lore posted (or edited) in a thread. */
const loreInThread = (channel: string, thread: string) =>
  scene.slack.messages(channel).filter((message) => message.user === BOT_USER_ID && message.thread_ts === thread);
const callsIn = (channel: string, method: string): SlackCall[] => scene.slack.callsOf(method).filter((call) => call.args.channel === channel);
const buttons = (blocks: unknown): { action_id: string; value: string; text: { text: string } }[] =>
  ((blocks as { type: string; elements?: { type: string }[] }[] | undefined) ?? [])
    .filter((block) => block.type === 'actions')
    .flatMap((block) => (block.elements ?? []) as never[]);

/** A click on a button of one of Lore's messages, in the shape of a block_actions payload. */
function click(channel: string, messageTs: string, user: string, action: { action_id: string; value: string }) {
  return scene.bot.interact({
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM_ID },
    api_app_id: 'A0001',
    token: 'unused',
    container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false },
    trigger_id: `trigger-${nextTs()}`,
    team: { id: TEAM_ID, domain: 'example' },
    channel: { id: channel, name: 'support' },
    message: { type: 'message', user: BOT_USER_ID, bot_id: BOT_ID, ts: messageTs, text: 'a message of Lore' },
    response_url: scene.slack.responseUrl(`click-${messageTs}-${action.action_id}`),
    actions: [{ type: 'button', block_id: 'b', text: { type: 'plain_text', text: 'a button' }, action_ts: nextTs(), ...action }],
  });
}

/** Resolves once `probe` holds (polled), failing after 10 s. */
async function eventually(probe: () => boolean): Promise<void> {
  const until = Date.now() + 10_000;
  while (!probe()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Delivers a message and waits until Lore has done everything it started for it. */
async function deliverAndSettle(event: Record<string, unknown>): Promise<void> {
  expect((await scene.bot.deliver(event)).status).toBe(200);
  // Bolt acknowledges before the handler runs: give the handler a moment to start, then wait for it.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await scene.bot.idle();
}

describe('a support channel (mode: auto)', () => {
  it('answers a new question nobody addressed to Lore, in its thread, with sources', async () => {
    const question = say(SUPPORT, newUser(), ANSWERABLE);
    await deliverAndSettle(question);
    const posted = loreInThread(SUPPORT, String(question.ts));
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toMatch(/\d+ days|backup/i);
    expect(JSON.stringify(posted[0]!.blocks)).toContain('*Sources*');
    // Nothing is shown while Lore works on a question nobody asked it: no 👀, no placeholder.
    expect(callsIn(SUPPORT, 'reactions.add').filter((call) => call.args.timestamp === question.ts)).toEqual([]);
    expect(callsIn(SUPPORT, 'chat.update').filter((call) => call.args.ts === posted[0]!.ts)).toEqual([]);
  });

  it('ignores chatter, announcements, messages to other people and bots', async () => {
    const before = callsIn(SUPPORT, 'chat.postMessage').length + callsIn(SUPPORT, 'reactions.add').length;
    for (const event of [
      say(SUPPORT, newUser(), 'thanks everyone!'),
      say(SUPPORT, newUser(), 'lol'),
      say(SUPPORT, newUser(), '<!channel> FYI: deploys are frozen until Monday. Any questions?'),
      say(SUPPORT, newUser(), 'Reminder: how long are backups kept is on the agenda for Friday'),
      say(SUPPORT, newUser(), `<@UMARIA> how long are backups of the data directory kept?`),
      say(SUPPORT, newUser(), '<!subteam^SOPS> how long are backups of the data directory kept?'),
      { ...say(SUPPORT, 'UOTHERAPP', ANSWERABLE), bot_id: 'BOTHER' },
    ]) {
      await deliverAndSettle(event);
    }
    expect(callsIn(SUPPORT, 'chat.postMessage').length + callsIn(SUPPORT, 'reactions.add').length).toBe(before);
  });

  it('leaves a thread between people alone, until someone mentions Lore in it', async () => {
    const root = say(SUPPORT, newUser(), 'Deploy went out at noon, watch the dashboards');
    await deliverAndSettle(root);
    const thread = String(root.ts);
    await deliverAndSettle(say(SUPPORT, newUser(), ANSWERABLE, { thread_ts: thread }));
    expect(loreInThread(SUPPORT, thread)).toEqual([]);

    await deliverAndSettle(mention(SUPPORT, newUser(), ANSWERABLE, { thread_ts: thread }));
    expect(loreInThread(SUPPORT, thread)).toHaveLength(1);
  });

  it('stays mention-only in a channel without `mode: auto`', async () => {
    const question = say(GENERAL, newUser(), ANSWERABLE);
    await deliverAndSettle(question);
    expect(loreInThread(GENERAL, String(question.ts))).toEqual([]);
  });

  it('stays silent on a question it cannot answer where no offer of help is configured', async () => {
    const question = say(QUIET_SUPPORT, newUser(), UNANSWERABLE);
    await deliverAndSettle(question);
    expect(loreInThread(QUIET_SUPPORT, String(question.ts))).toEqual([]);
    expect(callsIn(QUIET_SUPPORT, 'reactions.add')).toEqual([]);
  });
});

describe('hand-off to people', () => {
  it('offers help on an unanswerable question, answers when the asker takes it up, hands off to the group, records it resolved', async () => {
    const asker = newUser();
    const question = say(SUPPORT, asker, UNANSWERABLE);
    await deliverAndSettle(question);
    const thread = String(question.ts);
    // No supported answer: nothing posted, one emoji offering help.
    expect(loreInThread(SUPPORT, thread)).toEqual([]);
    const offers = callsIn(SUPPORT, 'reactions.add').filter((call) => call.args.timestamp === thread);
    expect(offers.map((call) => call.args.name)).toEqual(['raising_hand']);

    // Someone else's reaction is not the asker taking up the offer.
    const reaction = (user: string) => ({
      type: 'reaction_added',
      user,
      reaction: 'raising_hand',
      item_user: asker,
      item: { type: 'message', channel: SUPPORT, ts: thread },
    });
    await deliverAndSettle(reaction(newUser()));
    expect(loreInThread(SUPPORT, thread)).toEqual([]);
    await deliverAndSettle(reaction(asker));
    const abstention = loreInThread(SUPPORT, thread).at(-1)!;
    expect(JSON.stringify(abstention.blocks)).toMatch(/Closest sources|couldn/i);
    const askPerson = buttons(abstention.blocks).find((button) => button.action_id === 'lore_handoff');
    expect(askPerson?.text.text).toBe('Ask a person');

    expect((await click(SUPPORT, abstention.ts, asker, askPerson!)).status).toBe(200);
    await scene.slack.waitFor(
      (call) => call.method === 'chat.postMessage' && call.args.channel === SUPPORT && String(call.args.text).includes('subteam'),
    );
    const handOff = loreInThread(SUPPORT, thread).at(-1)!;
    expect(handOff.text).toMatch(/^<!subteam\^SHELPERS> <@UONCALL> can you help/);
    expect(handOff.text).toContain('Lore searched the files and could not answer this');
    expect(handOff.text).toContain('Lisbon office');
    // The person who clicked is told, privately.
    await eventually(() => scene.slack.responses.some((response) => /asked the people who can help/.test(String(response.body.text))));
    const row = scene.runtime.db!.prepare('SELECT * FROM handoffs WHERE thread_id = ?').get(thread) as Record<string, unknown>;
    expect(row).toMatchObject({
      platform: 'slack',
      channel_id: SUPPORT,
      requested_by: asker,
      reason: 'abstained',
      message_id: handOff.ts,
      resolved_at: null,
    });

    // A second click mentions no one again.
    await click(SUPPORT, abstention.ts, asker, askPerson!);
    await scene.bot.idle();
    expect(loreInThread(SUPPORT, thread).filter((message) => message.text.includes('subteam'))).toHaveLength(1);

    const resolve = buttons(handOff.blocks).find((button) => button.action_id === 'lore_handoff_resolved');
    expect(resolve?.value).toBe(row.id);
    await click(SUPPORT, handOff.ts, 'UONCALL', resolve!);
    await scene.slack.waitFor((call) => call.method === 'chat.update' && call.args.ts === handOff.ts);
    await scene.bot.idle();
    expect(scene.runtime.db!.prepare('SELECT resolved_by FROM handoffs WHERE id = ?').get(row.id)).toEqual({ resolved_by: 'UONCALL' });
    const resolved = scene.slack.messages(SUPPORT).find((message) => message.ts === handOff.ts)!;
    expect(resolved.text).toMatch(/Resolved/);
    expect(resolved.text).not.toMatch(/subteam|<@/);
    expect(buttons(resolved.blocks)).toEqual([]);

    // The knowledge-gap report counts it, from the query log and the hand-offs.
    const report = await buildGapReport(scene.runtime.sql, { queryLogDays: 30 });
    expect(report.totals.handedOff).toMatchObject({ count: 1, resolved: 1 });
  });

  it('offers "Ask a person" in the thread after a 👎, where the channel has responders, and only there', async () => {
    const asker = newUser();
    for (const channel of [SUPPORT, GENERAL]) {
      const question = mention(channel, asker, ANSWERABLE);
      await deliverAndSettle(question);
      const answer = loreInThread(channel, String(question.ts)).at(-1)!;
      expect(buttons(answer.blocks).some((button) => button.action_id === 'lore_handoff')).toBe(false);
      await deliverAndSettle({
        type: 'reaction_added',
        user: asker,
        reaction: '-1',
        item_user: BOT_USER_ID,
        item: { type: 'message', channel, ts: answer.ts },
      });
      const offer = loreInThread(channel, String(question.ts)).find((message) => message.text.startsWith('Not what you needed'));
      if (channel === SUPPORT) expect(buttons(offer?.blocks).map((button) => button.action_id)).toEqual(['lore_handoff']);
      else expect(offer).toBeUndefined();
    }
  });
});
