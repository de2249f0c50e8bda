import type { ChildProcess } from 'node:child_process';
import { onTestFinished } from 'vitest';
import { BOT_TOKEN, GUILD_ID, type FakeDiscord } from '../../fakes/fake-discord.ts';
import { spawnLore } from '../../helpers/run-lore.ts';

export interface LoreProcess {
  child: ChildProcess;
  port: number;
  /** Everything it logged so far (pino JSON lines). */
  logs(): string;
  /** Resolves once it serves HTTP ("Lore is running"); fails if it exits first. */
  running(timeoutMs?: number): Promise<void>;
}

/** `lore start` as a process, connected to a fake Discord; killed if the test ends while it runs. */
export function startLoreWithDiscord(discord: FakeDiscord, dataDir: string, env: Record<string, string> = {}): LoreProcess {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawnLore(['start'], {
    LORE_DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'info',
    DISCORD_TOKEN: BOT_TOKEN,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_GUILD_ID: GUILD_ID,
    ...env,
  });
  let logs = '';
  child.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (logs += d.toString()));
  // A failed expectation must not leave Lore running.
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    port,
    logs: () => logs,
    async running(timeoutMs = 150_000) {
      for (const deadline = Date.now() + timeoutMs; !logs.includes('Lore is running'); ) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`lore start did not come up: ${logs}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
