import { onTestFinished } from 'vitest';
import { BOT_TOKEN, GUILD_ID, type FakeDiscord } from '../../fakes/fake-discord.ts';
import { type LoreServer, startLore } from '../../helpers/run-lore.ts';

/** What points `lore start` at a fake Discord: its token, REST base (the gateway URL comes from it) and guild. */
export function fakeDiscordEnv(discord: FakeDiscord): Record<string, string> {
  return { DISCORD_TOKEN: BOT_TOKEN, DISCORD_API_URL: discord.apiUrl, DISCORD_GUILD_ID: GUILD_ID };
}

/** `lore start` as a process, connected to a fake Discord, once it is up; killed if the test ends while it runs. */
export async function startLoreWithDiscord(discord: FakeDiscord, dataDir: string, env: Record<string, string> = {}): Promise<LoreServer> {
  const lore = await startLore({ LORE_DATA_DIR: dataDir, LOG_LEVEL: 'info', ...fakeDiscordEnv(discord), ...env });
  // A failed expectation must not leave Lore running.
  onTestFinished(() => {
    if (lore.child.exitCode === null) lore.child.kill('SIGKILL');
  });
  return lore;
}
