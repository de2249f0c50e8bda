import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_TOKEN, BOT_USER_ID, GENERAL_CHANNEL, MEMBER_ID, startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord.ts';
import { startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { startLoreWithDiscord } from './lore-with-discord.ts';

// `lore start` as a process with DISCORD_TOKEN set: it logs in to the (fake) gateway next to serving /health,
// registers /lore, answers a mention with a cited reply, and logs out cleanly on SIGTERM.

const tmp = tempDir('lore-start-discord-');
let gemini: FakeGemini;
let discord: FakeDiscord;

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  discord = await startFakeDiscord({ token: BOT_TOKEN });
  // Gemini (the fake) writes the answer, as it would in production with a key.
  gemini.setGenerator(() => ({ chunks: ['Backups of the data directory ', 'are kept for at most 30 days [1].'] }));
});
afterAll(async () => {
  await discord.close();
  await gemini.close();
  tmp.cleanup();
});

describe('lore start with Discord', () => {
  it('connects, answers a mention with a streamed, cited reply, counts it and its 👍 at /metrics, and shuts down cleanly', async () => {
    const lore = await startLoreWithDiscord(discord, path.join(tmp.dir, 'data'), { GEMINI_API_KEY: 'test-key', GEMINI_BASE_URL: gemini.url });
    const { child, port } = lore;
    expect(lore.logs()).toMatch(/"chat":\["discord"\]/);
    // Discord connects in the background (it never holds up HTTP); /ready says when it is connected.
    const discordState = async () =>
      ((await (await fetch(`http://127.0.0.1:${port}/ready`)).json()) as { platforms?: { discord?: { state: string } } }).platforms?.discord?.state;
    for (const deadline = Date.now() + 60_000; (await discordState()) !== 'connected'; ) {
      if (Date.now() > deadline) throw new Error(`Discord did not connect: ${lore.logs().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(discord.identifies.length).toBeGreaterThan(0);
    expect([...discord.commands.values()].flat().map((command) => command.name)).toContain('lore');

    const question = discord.userMessage({
      channelId: GENERAL_CHANNEL,
      authorId: MEMBER_ID,
      content: 'How long are backups of the data directory kept?',
      mentions: [BOT_USER_ID],
    });
    const reply = await discord
      .until(
        () =>
          discord
            .messages(GENERAL_CHANNEL)
            .find(
              (m) =>
                (m.message_reference as { message_id?: string } | undefined)?.message_id === question.id && /\*\*Sources\*\*/.test(String(m.content)),
            ),
        60_000,
        'the cited reply',
      )
      .catch((error: Error) => {
        throw new Error(
          `${error.message}\nmessages: ${JSON.stringify(discord.messages(GENERAL_CHANNEL).map((m) => m.content))}\nlogs: ${lore.logs().slice(-3000)}`,
        );
      });
    expect(reply.content).toMatch(/30 days \[1\]/);

    // A 👍 on the answer is recorded and, like the answer, counted at GET /metrics.
    const metricsText = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const deadline = Date.now() + 10_000; !(await metricsText()).includes('lore_chat_answers_total') && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    discord.react({ channelId: GENERAL_CHANNEL, messageId: reply.id, userId: MEMBER_ID, emoji: '👍' });
    let metrics = '';
    for (const deadline = Date.now() + 20_000; !metrics.includes('lore_feedback_total') && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 100));
      metrics = await metricsText();
    }
    expect(metrics).toContain('lore_chat_answers_total{mode="generative",platform="discord"} 1');
    expect(metrics).toContain('lore_feedback_total{platform="discord",rating="up"} 1');

    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    expect(lore.logs()).not.toContain(BOT_TOKEN);
  }, 240_000);
});
