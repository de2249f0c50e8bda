import fs from 'node:fs';
import path from 'node:path';
import { ingestPaths } from '../../app/commands/ingest.ts';
import { loadConfig, type Config } from '../../app/config.ts';
import { createLogger } from '../../app/logger.ts';
import { openRuntime, type Runtime } from '../../app/runtime.ts';
import type { SourceDocument } from '../../rag/types.ts';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.ts';
import { tempDir } from '../helpers/temp-dir.ts';

// The Lore an attacker meets in these tests: a real runtime (SQLite, real Chroma, the real indexer) over a small
// knowledge base written by the test, embedded by the fake Gemini on 127.0.0.1 so indexing is quick, and
// answering offline (the extractive answerer), as a fresh install without keys does.

export interface SecurityFixture {
  runtime: Runtime;
  /** The configuration the servers under test get: offline generation. */
  config: Config;
  /** The same with GEMINI_API_KEY, for generation by the fake Gemini. */
  keyedConfig: Config;
  gemini: FakeGemini;
  /** Every log line the runtime wrote. */
  logs: string[];
  dir: string;
  /** Indexes a document of any source, as its connector would. */
  index(document: Omit<SourceDocument, 'sizeBytes' | 'extension' | 'format'> & Partial<SourceDocument>): Promise<void>;
  close(): Promise<void>;
}

export async function openSecurityFixture(options: { files: Record<string, string>; env?: Record<string, string> }): Promise<SecurityFixture> {
  const tmp = tempDir('lore-security-');
  let gemini: FakeGemini | undefined;
  let runtime: Runtime | undefined;
  try {
    gemini = await startFakeGemini({ apiKey: 'test-key' });
    const kb = path.join(tmp.dir, 'kb');
    fs.mkdirSync(kb);
    for (const [name, text] of Object.entries(options.files)) fs.writeFileSync(path.join(kb, name), text);
    const keyed = loadConfig({
      LORE_DATA_DIR: path.join(tmp.dir, 'data'),
      LORE_FILES_PATHS: kb,
      LORE_EMBEDDER: 'gemini',
      GEMINI_API_KEY: 'test-key',
      GEMINI_BASE_URL: gemini.url,
      ...options.env,
    });
    const logs: string[] = [];
    runtime = await openRuntime(keyed, createLogger('debug', { write: (line: string) => void logs.push(line) }));
    await ingestPaths(runtime, [kb], false);
    // Embeddings still come from the fake (the index was built with them); answers are extractive.
    const config: Config = { ...keyed, gemini: { ...keyed.gemini, apiKey: undefined } };
    const opened = runtime;
    const fake = gemini;
    return {
      runtime: { ...opened, config },
      config,
      keyedConfig: keyed,
      gemini: fake,
      logs,
      dir: tmp.dir,
      async index(document) {
        const full: SourceDocument = { format: 'markdown', extension: 'md', sizeBytes: Buffer.byteLength(document.text), ...document };
        const summary = await opened.indexer.index([{ id: full.id, location: full.url, fingerprint: full.text, load: async () => full }], {
          source: full.source,
        });
        if (summary.failed.length > 0) throw new Error(`indexing ${full.id} failed: ${JSON.stringify(summary.failed)}`);
      },
      async close() {
        await opened.close();
        await fake.close();
        tmp.cleanup();
      },
    };
  } catch (error) {
    await runtime?.close();
    await gemini?.close();
    tmp.cleanup();
    throw error;
  }
}
