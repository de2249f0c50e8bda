import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPaths } from '../../app/commands/ingest.ts';
import { loadConfig } from '../../app/config.ts';
import { createLogger } from '../../app/logger.ts';
import { composeLore, openLore, type Lore } from '../../app/lore.ts';
import { finalAnswer } from '../../rag/contracts/answer-stream.ts';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.ts';
import { tempDir } from '../helpers/temp-dir.ts';

// The composition root: `lore ask` answers through Lore's answer service, the release gate through the pipeline that
// service wraps. Asked the same question, both must give the same answer; only the service records it.

let gemini: FakeGemini;
let lore: Lore;
const tmp = tempDir('lore-compose-');
const QUESTION = 'How long are backups of the data directory kept?';

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  // Embeddings come from the fake so the index builds fast; answers are offline (no key for generation below).
  const config = loadConfig({
    LORE_DATA_DIR: path.join(tmp.dir, 'data'),
    LORE_EMBEDDER: 'gemini',
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: gemini.url,
  });
  const opened = await openLore(config, createLogger('silent'));
  await ingestPaths(opened.runtime, [fs.realpathSync('datasets/sample-kb')], false);
  // Answered without a generation key: extractive answers, deterministic.
  lore = composeLore({ ...opened.runtime, config: { ...config, gemini: { ...config.gemini, apiKey: undefined } } });
}, 120_000);
afterAll(async () => {
  await lore?.close();
  await gemini.close();
  tmp.cleanup();
});

describe('the composition root', () => {
  it('answers `lore ask` (the answer service) and the gate (its pipeline) alike, and only the service logs the question', async () => {
    const logged = () => (lore.runtime.db!.prepare('SELECT COUNT(*) AS n FROM query_log').get() as { n: number }).n;
    const before = logged();
    const gate = await lore.answerPipelines().pipeline.answer({ text: QUESTION, asker: { platform: 'eval' } });
    expect(logged()).toBe(before);
    const ask = await finalAnswer(lore.answers().stream({ text: QUESTION, asker: { platform: 'cli' } }));
    expect(logged()).toBe(before + 1);

    expect(gate.abstained).toBe(false);
    expect(ask.answer).toBe(gate.answer);
    expect(ask.citations).toEqual(gate.citations);
    expect(ask.mode).toBe(gate.mode);
  });
});
