import { describe, expect, it } from 'vitest';
import { parseChatConfig } from '../../../bot/conversation/chat-config.ts';
import { BOT_USER_ID, GENERAL_CHANNEL, GUILD_ID, RESTRICTED_CHANNEL, type FakeMessage } from '../../fakes/fake-discord.ts';
import { setUpDiscordScene } from './discord-scene.ts';

// Verified answers (issue 17, item 3) in Discord: the real discord.js client against the fake Discord. A person's
// reply to Lore's answer, saved with the message command "Save as verified answer" by the asker (or with a ✅ by the
// asker), is cited for a later paraphrased question in the same channel and never in another channel.

const HELPER_ID = '1400000000000000088';
const QUESTION = 'How do I book a parking space at the Lisbon office for a visiting contractor?';
const REPLY = 'Visiting contractors get Lisbon office parking through the FacilityDesk portal, under Visitors, at least two days ahead.';
const PARAPHRASE = 'Where can a visiting contractor reserve parking at the Lisbon office?';

const scene = setUpDiscordScene({
  name: 'verified',
  chatConfig: parseChatConfig('default:\n  sources: [files, verified]', 'lore.config.yaml'),
  people: { [HELPER_ID]: 'maria' },
});

async function ask(channelId: string, content: string, authorId = scene.newUser()): Promise<{ question: FakeMessage; answer: FakeMessage }> {
  const question = scene.discord.userMessage({ channelId, authorId, content, mentions: [BOT_USER_ID] });
  return { question, answer: await scene.finalReply(channelId, question.id) };
}

describe('verified answers in Discord', () => {
  it('registers the "Save as verified answer" message command beside /lore', () => {
    const registered = scene.discord.commands.get(GUILD_ID) ?? [];
    expect(registered.map((command) => [command.name, command.type])).toEqual(
      expect.arrayContaining([
        ['lore', 1],
        ['Save as verified answer', 3],
      ]),
    );
  });

  it("saves a person's reply with the message command, then cites it in the same channel only", async () => {
    const asker = scene.newUser();
    const { answer } = await ask(GENERAL_CHANNEL, QUESTION, asker);
    expect(answer.content).not.toContain('FacilityDesk');
    const reply = scene.discord.userMessage({ channelId: GENERAL_CHANNEL, authorId: HELPER_ID, content: REPLY, replyTo: answer.id });

    // Someone who is neither the asker nor an admin is refused.
    const refused = scene.discord.messageCommand({
      userId: scene.newUser(),
      channelId: GENERAL_CHANNEL,
      messageId: reply.id,
      name: 'Save as verified answer',
    });
    await scene.discord.until(() => /Only the person who asked/.test(String(refused.original?.content)), 10_000, 'the refusal');

    const saved = scene.discord.messageCommand({ userId: asker, channelId: GENERAL_CHANNEL, messageId: reply.id, name: 'Save as verified answer' });
    await scene.discord.until(() => /Saved as the verified answer/.test(String(saved.original?.content)), 20_000, 'the confirmation');
    expect(scene.runtime.db!.prepare('SELECT answer, answered_by_name, channel_name, saved_by FROM verified_answers').all()).toEqual([
      { answer: REPLY, answered_by_name: 'maria', channel_name: expect.any(String), saved_by: asker },
    ]);

    const here = await ask(GENERAL_CHANNEL, PARAPHRASE);
    expect(here.answer.content).toContain('FacilityDesk');
    expect(here.answer.content).toMatch(/answered by maria in #\S+ on \d{4}-\d{2}-\d{2}/);

    const elsewhere = await ask(RESTRICTED_CHANNEL, PARAPHRASE);
    expect(elsewhere.answer.content).not.toContain('FacilityDesk');
  });

  it("saves a reply when the asker reacts with ✅, and not on anyone else's ✅", async () => {
    const asker = scene.newUser();
    const { question } = await ask(GENERAL_CHANNEL, 'Who signs off on a visitor badge for the Lisbon office?', asker);
    // A person answering the asker replies to their question (a reply to Lore's answer would be a question for Lore).
    const reply = scene.discord.userMessage({
      channelId: GENERAL_CHANNEL,
      authorId: HELPER_ID,
      content: 'Visitor badges for Lisbon are signed off by the office manager, Joana.',
      replyTo: question.id,
    });
    const count = () => (scene.runtime.db!.prepare('SELECT count(*) AS n FROM verified_answers').get() as { n: number }).n;
    scene.discord.react({ channelId: GENERAL_CHANNEL, messageId: reply.id, userId: scene.newUser(), emoji: '✅' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await scene.lore.conversation.idle();
    expect(count()).toBe(1);
    scene.discord.react({ channelId: GENERAL_CHANNEL, messageId: reply.id, userId: asker, emoji: '✅' });
    await scene.discord.until(() => count() === 2, 10_000, 'the saved reply');
  });
});
