import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../../app/config.ts';
import { createLogger } from '../../../app/logger.ts';
import { openRuntime, type Runtime } from '../../../app/runtime.ts';
import { createSyncService } from '../../../app/sync-service.ts';
import { startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';
import { block, notionError, startFakeNotion, type FakeNotion } from '../../fakes/fake-notion.ts';
import { spawnLore } from '../../helpers/run-lore.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

// A real crash: `lore sync notion` is killed with SIGKILL while it indexes (its lock, half-written batches and
// uncommitted cursor left behind); the next sync must take over the dead process's lock and end with exactly
// the chunks — ids and vectors — that a clean sync of the same workspace produces.

let gemini: FakeGemini;
let notion: FakeNotion;
const tmp = tempDir('lore-sync-crash-');
const pages: string[] = [];

const PAGES = 6;
const SECTION = 'This section explains one step of the procedure in enough words to make a chunk of its own, ';

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  notion = await startFakeNotion();
  // Pages of 22 chunks: the indexer embeds 64 chunks at a time, so documents are committed three by three
  // and the kill lands between committed documents.
  for (let p = 0; p < PAGES; p++) {
    const blocks = Array.from({ length: 22 }, (_, s) => [
      block.heading(2, `Step ${s} of guide ${p}`),
      block.paragraph(`${SECTION.repeat(8)}guide ${p}, step ${s}.`),
    ]).flat();
    pages.push(notion.addPage({ title: `Guide ${p}`, editedAt: new Date(Date.UTC(2024, 1, 1, 0, p)).toISOString(), blocks }));
  }
});
afterAll(async () => {
  await notion?.close();
  await gemini?.close();
  tmp.cleanup();
});

function env(dataDir: string): Record<string, string> {
  fs.mkdirSync(path.join(tmp.dir, 'no-files'), { recursive: true });
  return {
    LORE_DATA_DIR: dataDir,
    LORE_FILES_PATHS: path.join(tmp.dir, 'no-files'),
    LORE_EMBEDDER: 'gemini',
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: gemini.url,
    NOTION_TOKEN: 'secret_fake',
    NOTION_BASE_URL: notion.url,
  };
}

const configFor = (dataDir: string): Config => loadConfig(env(dataDir));

async function indexState(runtime: Runtime) {
  const chunkIds = runtime.db!.prepare('SELECT id FROM chunks ORDER BY id').pluck().all() as string[];
  return { chunkIds, vectors: await runtime.vectors.count() };
}

async function documentsIn(dataDir: string): Promise<number> {
  const file = path.join(dataDir, 'lore.db');
  if (!fs.existsSync(file)) return 0;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'documents'").pluck().get() === 1
      ? (db.prepare('SELECT count(*) FROM documents').pluck().get() as number)
      : 0;
  } finally {
    db.close();
  }
}

describe('a sync killed mid-way', () => {
  it('resumes after SIGKILL and converges to exactly the chunk ids and vectors of a clean sync', async () => {
    const dataDir = path.join(tmp.dir, 'crashed');
    // Pages are indexed newest first. The fifth one hangs, so the child is caught with three documents
    // committed, the fourth embedded or waiting in a batch, and two never loaded.
    const hanging = [...pages].reverse()[4]!;
    notion.fail(
      (r) => r.path === `/v1/blocks/${hanging}/children`,
      { ...notionError(500, 'internal_server_error', 'late'), delayMs: 60_000 },
      Infinity,
    );
    // The real command, at Notion's real 3 requests per second.
    const child = spawnLore(['sync', 'notion', '--json'], env(dataDir));
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = once(child, 'exit');
    const deadline = Date.now() + 60_000;
    let committed = 0;
    while (Date.now() < deadline && child.exitCode === null) {
      committed = await documentsIn(dataDir).catch(() => 0);
      if (committed >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(child.exitCode, `lore sync finished before it could be killed: ${stderr}`).toBeNull();
    child.kill('SIGKILL');
    await exited;
    committed = await documentsIn(dataDir);
    expect(committed).toBe(3);
    notion.clearFailures();

    const resumedRuntime = await openRuntime(configFor(dataDir), createLogger('silent'));
    let resumed;
    try {
      // The dead process's lock is taken over at once (its pid is gone on this host).
      const [report] = await createSyncService(resumedRuntime, { notion: { requestsPerSecond: 1000 } }).sync('notion');
      expect(report).toMatchObject({ failed: [], deleted: 0 });
      expect(report!.added + report!.unchanged).toBe(PAGES);
      expect(report!.unchanged).toBe(3);
      resumed = await indexState(resumedRuntime);
    } finally {
      await resumedRuntime.close();
    }

    const cleanRuntime = await openRuntime(configFor(path.join(tmp.dir, 'clean')), createLogger('silent'));
    try {
      await createSyncService(cleanRuntime, { notion: { requestsPerSecond: 1000 } }).sync('notion');
      const clean = await indexState(cleanRuntime);
      expect(clean.chunkIds.length).toBeGreaterThan(20);
      expect(clean.vectors).toBe(clean.chunkIds.length);
      expect(resumed).toEqual(clean);
    } finally {
      await cleanRuntime.close();
    }
  }, 120_000);
});
