import { describe, expect, it } from 'vitest';
import { parseChatConfig } from '../../../bot/conversation/chat-config.ts';
import { BOT_USER_ID, GENERAL_CHANNEL, MODERATORS_ROLE, RESTRICTED_CHANNEL, type FakeMessage } from '../../fakes/fake-discord.ts';
import { setUpDiscordScene } from './discord-scene.ts';
import { loreMessages, replyTo } from './discord-test-bot.ts';

// Support channels and hand-off to people (issue 17, items 1 and 2) in Discord: the real discord.js client logged
// in to the fake Discord, the same conversation layer as Slack, answers from the real pipeline over the sample
// knowledge base (offline, extractive).

/** The support channel's responders: a role and a user. */
const RESPONDER_ID = '1400000000000000077';
const SUPPORT = GENERAL_CHANNEL;
/** Mention-only (no `mode`). */
const MENTION_ONLY = RESTRICTED_CHANNEL;
const ANSWERABLE = 'How long are backups of the data directory kept?';
const UNANSWERABLE = 'How do I book a parking space at the Lisbon office for a visiting contractor?';

const scene = setUpDiscordScene({
  name: 'support',
  chatConfig: parseChatConfig(
    [
      'channels:',
      `  discord:${SUPPORT}:`,
      '    sources: [files]',
      '    mode: auto',
      '    offer_help: 🙋',
      '    responders:',
      `      group: ${MODERATORS_ROLE}`,
      `      users: [${RESPONDER_ID}]`,
    ].join('\n'),
    'lore.config.yaml',
  ),
  people: { [RESPONDER_ID]: 'on-call' },
});

/** Waits for everything Lore started to finish (a message is handled in the background after it arrives). */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  await scene.lore.conversation.idle();
}

const customIds = (message: FakeMessage | undefined): string[] =>
  ((message?.components ?? []) as { components: { custom_id: string }[] }[]).flatMap((row) => row.components.map((c) => c.custom_id));

describe('a Discord support channel (mode: auto)', () => {
  it('answers a new question nobody addressed to Lore, and ignores chatter and messages to others', async () => {
    const question = scene.discord.userMessage({ channelId: SUPPORT, authorId: scene.newUser(), content: ANSWERABLE });
    const reply = await scene.finalReply(SUPPORT, question.id);
    expect(reply.content).toMatch(/\*\*Sources\*\*/);

    const before = loreMessages(scene.discord, SUPPORT).length;
    for (const content of [
      'thanks all!',
      'nice',
      '@everyone heads up: the office is closed on Friday, any questions?',
      `<@${RESPONDER_ID}> ${ANSWERABLE}`,
    ]) {
      scene.discord.userMessage({ channelId: SUPPORT, authorId: scene.newUser(), content });
    }
    scene.discord.userMessage({ channelId: SUPPORT, authorId: '1400000000000000066', content: ANSWERABLE, bot: true });
    await settle();
    expect(loreMessages(scene.discord, SUPPORT)).toHaveLength(before);
    expect(scene.discord.callsTo('PUT', /\/reactions\//)).toEqual([]);
  });

  it('leaves a thread between people alone, and a channel without `mode: auto`', async () => {
    const thread = scene.discord.addThread({ parentId: SUPPORT, name: 'deploy talk' });
    scene.discord.userMessage({ channelId: thread, authorId: scene.newUser(), content: ANSWERABLE });
    const elsewhere = scene.discord.userMessage({ channelId: MENTION_ONLY, authorId: scene.newUser(), content: ANSWERABLE });
    const reply = scene.discord.userMessage({ channelId: SUPPORT, authorId: scene.newUser(), content: 'me too?' });
    scene.discord.userMessage({ channelId: SUPPORT, authorId: scene.newUser(), content: ANSWERABLE, replyTo: reply.id });
    await settle();
    expect(loreMessages(scene.discord, thread)).toEqual([]);
    expect(replyTo(scene.discord, MENTION_ONLY, elsewhere.id)).toBeUndefined();
  });
});

describe('hand-off to people in Discord', () => {
  it('offers help with the configured emoji, answers when the asker takes it up, and hands off mentioning the role and user', async () => {
    const asker = scene.newUser();
    const question = scene.discord.userMessage({ channelId: SUPPORT, authorId: asker, content: UNANSWERABLE });
    await scene.discord.until(() => scene.discord.message(SUPPORT, question.id)?.reactions, 20_000, 'the offer of help');
    await settle();
    expect(replyTo(scene.discord, SUPPORT, question.id)).toBeUndefined();
    expect((scene.discord.message(SUPPORT, question.id)!.reactions as { emoji: { name: string } }[]).map((r) => r.emoji.name)).toEqual(['🙋']);

    scene.discord.react({ channelId: SUPPORT, messageId: question.id, userId: asker, emoji: '🙋' });
    const abstention = await scene.finalReply(SUPPORT, question.id);
    expect(abstention.content).toMatch(/Closest sources|couldn/i);
    const askPerson = customIds(abstention).find((id) => id.startsWith('lore_handoff:'));
    expect(askPerson).toBeDefined();

    const clickRecord = scene.discord.clickButton({ userId: asker, channelId: SUPPORT, message: abstention, customId: askPerson! });
    const handOff = await scene.discord.until(
      () => loreMessages(scene.discord, SUPPORT).find((message) => message.content.includes('can you help')),
      20_000,
      'the hand-off',
    );
    expect(handOff.content).toMatch(new RegExp(`^<@&${MODERATORS_ROLE}> <@${RESPONDER_ID}> can you help with this question\\?`));
    expect(handOff.content).toContain('Lore searched the files and could not answer this');
    // The one deliberate mention: only the configured role and user may be pinged.
    const sent = scene.discord
      .callsTo('POST', new RegExp(`/channels/${SUPPORT}/messages$`))
      .find((call) => String(call.body?.content).includes('can you help'));
    expect(sent?.body?.allowed_mentions).toMatchObject({ parse: [], roles: [MODERATORS_ROLE], users: [RESPONDER_ID] });
    await scene.discord.until(() => /asked the people who can help/.test(String(clickRecord.original?.content)), 10_000, 'the reply to the click');

    const resolve = customIds(handOff).find((id) => id.startsWith('lore_handoff_resolved:'));
    scene.discord.clickButton({ userId: RESPONDER_ID, channelId: SUPPORT, message: handOff, customId: resolve! });
    await scene.discord.until(() => /Resolved/.test(scene.discord.message(SUPPORT, handOff.id)!.content), 10_000, 'the hand-off marked resolved');
    const resolved = scene.discord.message(SUPPORT, handOff.id)!;
    expect(resolved.content).not.toMatch(/<@/);
    expect(customIds(resolved)).toEqual([]);
    expect(scene.runtime.db!.prepare('SELECT reason, requested_by, resolved_by FROM handoffs WHERE message_id = ?').get(handOff.id)).toEqual({
      reason: 'abstained',
      requested_by: asker,
      resolved_by: RESPONDER_ID,
    });
  });

  it('offers "Ask a person" after a 👎 on an answer in the support channel', async () => {
    const asker = scene.newUser();
    const question = scene.discord.userMessage({ channelId: SUPPORT, authorId: asker, content: ANSWERABLE, mentions: [BOT_USER_ID] });
    const answer = await scene.finalReply(SUPPORT, question.id);
    expect(customIds(answer)).toEqual([]);
    scene.discord.react({ channelId: SUPPORT, messageId: answer.id, userId: asker, emoji: '👎' });
    const offer = await scene.discord.until(
      () => loreMessages(scene.discord, SUPPORT).find((message) => message.content.startsWith('Not what you needed')),
      10_000,
      'the offer after a 👎',
    );
    expect(customIds(offer)).toEqual([expect.stringMatching(/^lore_handoff:/)]);
  });
});
