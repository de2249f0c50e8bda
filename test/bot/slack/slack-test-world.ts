// What every Slack suite runs against: a fake Slack and a fake Gemini (for embeddings) on 127.0.0.1, and a real
// runtime (SQLite, Chroma) over a copy of the sample knowledge base, indexed, with its log lines kept for asserts.
import fs from 'node:fs';
import path from 'node:path';
import { ingestPaths } from '../../../app/commands/ingest.ts';
import { loadConfig, type Config } from '../../../app/config.ts';
import { createLogger } from '../../../app/logger.ts';
import { openRuntime, type Runtime } from '../../../app/runtime.ts';
import { startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';
import { startFakeSlack, type FakeSlack } from '../../fakes/fake-slack.ts';
import { APP_TOKEN, BOT_TOKEN, SIGNING_SECRET } from './slack-test-bot.ts';

export interface SlackTestWorld {
  gemini: FakeGemini;
  slack: FakeSlack;
  runtime: Runtime;
  config: Config;
  /** The same configuration without a Gemini key: extractive answers, deterministic citations. */
  offline: Config;
  /** Lore's log, one JSON line an entry. */
  logLines: string[];
  close(): Promise<void>;
}

/** `env` adds to (or overrides) the environment Lore is configured from. */
export async function openSlackTestWorld(dir: string, env: Record<string, string> = {}): Promise<SlackTestWorld> {
  const gemini = await startFakeGemini({ apiKey: 'test-key' });
  const slack = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
  const kb = path.join(dir, 'kb');
  fs.cpSync('datasets/sample-kb', kb, { recursive: true });
  const config = loadConfig({
    LORE_DATA_DIR: path.join(dir, 'data'),
    LORE_FILES_PATHS: kb,
    LORE_EMBEDDER: 'gemini',
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: gemini.url,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    LORE_ADMINS: 'UADMIN',
    ...env,
  });
  const logLines: string[] = [];
  const runtime = await openRuntime(config, createLogger('info', { write: (line: string) => void logLines.push(line) }));
  await ingestPaths(runtime, [kb], false);
  return {
    gemini,
    slack,
    runtime,
    config,
    offline: { ...config, gemini: { ...config.gemini, apiKey: undefined } },
    logLines,
    async close() {
      await runtime.close();
      await slack.close();
      await gemini.close();
    },
  };
}
