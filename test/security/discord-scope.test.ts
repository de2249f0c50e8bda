import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerService } from '../../app/create-answer-service.ts';
import { createLogger } from '../../app/logger.ts';
import { OPEN_CHAT_CONFIG } from '../../bot/conversation/chat-config.ts';
import {
  BOT_USER_ID,
  GENERAL_CHANNEL,
  GUILD_ID,
  OTHER_GUILD_CHANNEL,
  OTHER_GUILD_ID,
  OWNER_ID,
  startFakeDiscord,
  type FakeDiscord,
  type InteractionRecord,
} from '../fakes/fake-discord.ts';
import { replyTo, startTestDiscordBot, type TestDiscordBot } from '../bot/discord/discord-test-bot.ts';
import { openSecurityFixture, type SecurityFixture } from './security-fixture.ts';

// Finding 5 of issue 14, on Discord: a Discord bot is public unless its owner turns that off, and Lore answered in
// any server it was invited to and to any direct message; the owner of such a server also passed the admin check and
// could run `/lore sync all`. Now Lore answers only in DISCORD_GUILD_IDS (default: the one DISCORD_GUILD_ID names)
// and direct messages only from their members. The real discord.js client against the fake Discord.

const QUESTION = 'How long are backups of the data directory kept?';
const STRANGER = '1700000000000000001';
const MEMBER = '1700000000000000002';

let fixture: SecurityFixture;
let discord: FakeDiscord;
let lore: TestDiscordBot;
const logs: string[] = [];

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 500));
  await lore.conversation.idle();
}

function finalResponse(record: InteractionRecord): Promise<string> {
  return discord.until(() => (record.original?.content ? record.original.content : undefined), 20_000, 'the command response');
}

beforeAll(async () => {
  fixture = await openSecurityFixture({ files: { 'backups.md': '# Backups\n\nBackups of the data directory are kept for 30 days.\n' } });
  discord = await startFakeDiscord();
  discord.addUser(STRANGER, 'stranger', { guildId: OTHER_GUILD_ID });
  // The other server's owner (its owner in the fake) is a member there too.
  discord.addUser(OWNER_ID, 'owner', { guildId: OTHER_GUILD_ID });
  discord.addUser(MEMBER, 'member-two');
  lore = await startTestDiscordBot({
    runtime: fixture.runtime,
    pipeline: createAnswerService(fixture.runtime),
    discord,
    chatConfig: OPEN_CHAT_CONFIG,
    // The single configured server, as a real install sets it; no DISCORD_GUILD_IDS.
    env: { DISCORD_GUILD_ID: GUILD_ID, DISCORD_GUILD_IDS: '' },
    log: createLogger('info', { write: (line: string) => void logs.push(line) }),
  });
}, 180_000);

afterAll(async () => {
  await lore?.close();
  await discord?.close();
  await fixture?.close();
});

describe('Lore on Discord', () => {
  it('answers in the server it is configured for', async () => {
    const question = discord.userMessage({ channelId: GENERAL_CHANNEL, authorId: MEMBER, content: QUESTION, mentions: [BOT_USER_ID] });
    const reply = await discord.until(
      () => {
        const found = replyTo(discord, GENERAL_CHANNEL, question.id);
        return found && /30 days/.test(String(found.content)) ? found : undefined;
      },
      20_000,
      'the answer',
    );
    expect(reply.content).toMatch(/30 days/);
  });

  it('does not answer in a server someone else invited it to', async () => {
    const question = discord.userMessage({ channelId: OTHER_GUILD_CHANNEL, authorId: STRANGER, content: QUESTION, mentions: [BOT_USER_ID] });
    await settle();
    expect(replyTo(discord, OTHER_GUILD_CHANNEL, question.id)).toBeUndefined();
    expect(discord.messages(OTHER_GUILD_CHANNEL).filter((m) => (m.author as { id: string }).id === BOT_USER_ID)).toEqual([]);
  });

  it('does not let that server’s owner run /lore sync or /lore ask there', async () => {
    const sync = discord.slashCommand({ userId: OWNER_ID, channelId: OTHER_GUILD_CHANNEL, subcommand: 'sync', options: { source: 'all' } });
    expect(await finalResponse(sync)).toMatch(/Lore is not set up for this server/);
    const ask = discord.slashCommand({ userId: STRANGER, channelId: OTHER_GUILD_CHANNEL, subcommand: 'ask', options: { question: QUESTION } });
    expect(await finalResponse(ask)).toMatch(/Lore is not set up for this server/);
    await settle();
    expect(logs.join('')).not.toMatch(/sync requested in chat finished/);
  });

  it('answers direct messages only from members of its servers', async () => {
    const fromStranger = discord.userMessage({ channelId: discord.dmChannel(STRANGER), authorId: STRANGER, content: QUESTION });
    const fromMember = discord.userMessage({ channelId: discord.dmChannel(MEMBER), authorId: MEMBER, content: QUESTION });
    await discord.until(
      () => {
        const found = replyTo(discord, discord.dmChannel(MEMBER), fromMember.id);
        return found && /30 days/.test(String(found.content)) ? found : undefined;
      },
      20_000,
      'the answer to the member',
    );
    await settle();
    expect(replyTo(discord, discord.dmChannel(STRANGER), fromStranger.id)).toBeUndefined();
  });

  it('says at start which servers it ignores, and how to keep others from inviting it', () => {
    const warning = logs
      .map((line) => JSON.parse(line) as { msg: string; servers?: string[] })
      .find((line) => /not configured for and ignores them/.test(line.msg));
    expect(warning?.servers).toEqual([OTHER_GUILD_ID]);
    expect(warning?.msg).toMatch(/make the bot private/);
  });
});
