import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerService } from '../../app/create-answer-service.ts';
import { OPEN_CHAT_CONFIG } from '../../bot/conversation/chat-config.ts';
import { BOT_USER_ID, GENERAL_CHANNEL, GUILD_ID, startFakeDiscord, type FakeDiscord, type FakeMessage } from '../fakes/fake-discord.ts';
import { isFinal, loreMessages, replyTo, startTestDiscordBot, type TestDiscordBot } from '../bot/discord/discord-test-bot.ts';
import { openSecurityFixture, type SecurityFixture } from './security-fixture.ts';

// Finding 7 of issue 14: a file shared with Lore in a Discord private thread was kept under the parent channel's
// scope (`scopeChannelId = parentId`), so anyone in the channel could have Lore quote it, although only the
// thread's members could see it; and a thread whose channel could not be fetched fell back to the `default` scope.
// Now an upload is visible exactly where the conversation it was shared in is, and any doubt scopes narrower. The
// real discord.js client against the fake Discord, the real answer pipeline, with the widest chat configuration.

const MEMBER = '1700000000000000011';
const OUTSIDER = '1700000000000000012';
const SECRET = '# Merger notes\n\nThe Falconridge acquisition closes on the 14th of March, at a price of 212 million.\n';
const QUESTION = 'When does the Falconridge acquisition close?';

let fixture: SecurityFixture;
let discord: FakeDiscord;
let lore: TestDiscordBot;

/** The text of Lore's final answer to a message. */
async function answerTo(channelId: string, question: FakeMessage): Promise<string> {
  const answer = await discord.until(
    () => {
      // In a thread Lore posts in the thread; in a channel it replies to the question.
      const reply =
        replyTo(discord, channelId, question.id) ?? loreMessages(discord, channelId).find((m) => BigInt(m.id) > BigInt(question.id) && isFinal(m));
      return isFinal(reply) ? reply : undefined;
    },
    30_000,
    'the answer',
  );
  await lore.conversation.idle();
  return answer.content;
}

async function share(channelId: string, name: string, text: string): Promise<string> {
  const file = discord.attachment(name, Buffer.from(text), 'text/markdown');
  const shared = discord.userMessage({ channelId, authorId: MEMBER, content: 'learn this', mentions: [BOT_USER_ID], attachments: [file] });
  const confirmation = await discord.until(
    () => {
      const found = loreMessages(discord, channelId).find((m) => BigInt(m.id) > BigInt(shared.id) && /Learned|Could not learn/.test(m.content));
      return found?.content;
    },
    30_000,
    'the upload confirmation',
  );
  await lore.conversation.idle();
  return confirmation;
}

function ask(channelId: string, authorId = OUTSIDER): FakeMessage {
  return discord.userMessage({ channelId, authorId, content: QUESTION, mentions: [BOT_USER_ID] });
}

function uploadScopes(): string[] {
  const rows = fixture.runtime.db!.prepare(`SELECT id FROM documents WHERE source = 'upload'`).all() as { id: string }[];
  return rows.map((row) => row.id);
}

beforeAll(async () => {
  fixture = await openSecurityFixture({ files: { 'backups.md': '# Backups\n\nBackups of the data directory are kept for 30 days.\n' } });
  discord = await startFakeDiscord();
  discord.addUser(MEMBER, 'thread-member');
  discord.addUser(OUTSIDER, 'channel-member');
  lore = await startTestDiscordBot({
    runtime: fixture.runtime,
    pipeline: createAnswerService(fixture.runtime),
    discord,
    // Every channel sees every source, uploads included: the scope of an upload alone decides who finds it.
    chatConfig: OPEN_CHAT_CONFIG,
    env: { DISCORD_GUILD_ID: GUILD_ID, DISCORD_GUILD_IDS: '' },
  });
}, 180_000);

afterAll(async () => {
  await lore?.close();
  await discord?.close();
  await fixture?.close();
});

describe('a file shared in a Discord private thread', () => {
  let thread: string;

  it('is kept under the thread, not its channel', async () => {
    thread = discord.addThread({ parentId: GENERAL_CHANNEL, private: true, name: 'merger' });
    const confirmation = await share(thread, 'merger-notes.md', SECRET);
    expect(confirmation).toMatch(/Learned \*\*merger-notes\.md\*\*/);
    expect(confirmation).toMatch(/searched in this thread only/);
    expect(uploadScopes().some((id) => id.startsWith(`upload:discord:${thread}:`))).toBe(true);
    expect(uploadScopes().some((id) => id.startsWith(`upload:discord:${GENERAL_CHANNEL}:`))).toBe(false);
  }, 60_000);

  it('cannot be quoted from the parent channel', async () => {
    const question = ask(GENERAL_CHANNEL);
    const answer = await answerTo(GENERAL_CHANNEL, question);
    expect(answer).not.toMatch(/14th of March|212 million|merger-notes/);
  }, 60_000);

  it('is still found inside the thread, with the channel’s own sources', async () => {
    const question = ask(thread, MEMBER);
    expect(await answerTo(thread, question)).toMatch(/14th of March/);
    const backups = discord.userMessage({
      channelId: thread,
      authorId: MEMBER,
      content: 'How long are backups of the data directory kept?',
      mentions: [BOT_USER_ID],
    });
    expect(await answerTo(thread, backups)).toMatch(/30 days/);
  }, 60_000);
});

describe('a thread whose channel cannot be fetched', () => {
  it('keeps its uploads to itself and sees nothing wider than them', async () => {
    // Lore first hears of the thread from a message (a partial channel without its parent), and Discord refuses to
    // say which channel it belongs to.
    const thread = discord.addThread({ parentId: GENERAL_CHANNEL, announce: false, name: 'hidden' });
    discord.queue('GET', new RegExp(`^/channels/${thread}$`), { status: 403, body: { message: 'Missing Access', code: 50001 } });
    const confirmation = await share(thread, 'hidden-notes.md', '# Hidden notes\n\nThe Bluewater vendor contract renews every 18 months.\n');
    expect(confirmation).toMatch(/Learned \*\*hidden-notes\.md\*\*/);
    expect(uploadScopes().some((id) => id.startsWith(`upload:discord:${thread}:`))).toBe(true);

    const fromChannel = discord.userMessage({
      channelId: GENERAL_CHANNEL,
      authorId: OUTSIDER,
      content: 'How often does the Bluewater vendor contract renew?',
      mentions: [BOT_USER_ID],
    });
    expect(await answerTo(GENERAL_CHANNEL, fromChannel)).not.toMatch(/18 months|hidden-notes/);

    // The `default` scope would see the files source; a thread of unknown place sees only its own uploads.
    discord.queue('GET', new RegExp(`^/channels/${thread}$`), { status: 403, body: { message: 'Missing Access', code: 50001 } });
    const backups = discord.userMessage({
      channelId: thread,
      authorId: MEMBER,
      content: 'How long are backups of the data directory kept?',
      mentions: [BOT_USER_ID],
    });
    expect(await answerTo(thread, backups)).not.toMatch(/30 days/);
  }, 90_000);
});
