import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerPipeline } from '../../../app/answer-pipeline.ts';
import { backupDatabase } from '../../../app/commands/backup.ts';
import { ingestPaths } from '../../../app/commands/ingest.ts';
import { loadConfig, type Config } from '../../../app/config.ts';
import { createLogger } from '../../../app/logger.ts';
import { backupTakenAt } from '../../../app/restore-marker.ts';
import { openRuntime, type Runtime } from '../../../app/runtime.ts';
import { embeddingText } from '../../../rag/index/indexer.ts';
import { startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';
import { runLore } from '../../helpers/run-lore.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

// `lore backup` while another process writes to the database, and the restore it promises: stop, put the file
// back as lore.db, start. Chroma is derived, so a restored database refills it (from the embedding cache).

const QUESTION = 'How long are backups of the data directory kept?';

let gemini: FakeGemini;
let live: Runtime;
const tmp = tempDir('lore-backup-');
const liveDir = path.join(tmp.dir, 'live');
const backups = path.join(tmp.dir, 'backups');

const configFor = (dataDir: string): Config =>
  loadConfig({ LORE_DATA_DIR: dataDir, LORE_EMBEDDER: 'gemini', GEMINI_API_KEY: 'test-key', GEMINI_BASE_URL: gemini.url });

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  live = await openRuntime(configFor(liveDir), createLogger('silent'));
  await ingestPaths(live, ['datasets/sample-kb'], false);
}, 120_000);
afterAll(async () => {
  await live?.close();
  await gemini?.close();
  tmp.cleanup();
});

/** Another process writing to the live database, one transaction every millisecond, until stopped. */
async function startWriter(dbFile: string): Promise<{ stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['test/helpers/sqlite-writer.mjs', dbFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (data: Buffer) => data.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`the writer exited with ${code}`)));
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function inspect(file: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const one = (sql: string) => db.prepare(sql).pluck().get();
    return {
      check: db.pragma('integrity_check', { simple: true }),
      journal: db.pragma('journal_mode', { simple: true }),
      probes: one('SELECT count(*) FROM backup_probe') as number,
      probeLast: Number(one("SELECT value FROM settings WHERE key = 'backup_probe_last'")),
      documents: one('SELECT count(*) FROM documents') as number,
      marker: backupTakenAt(db),
    };
  } finally {
    db.close();
  }
}

describe('lore backup', () => {
  it('copies the database consistently while another process keeps writing to it', async () => {
    const writer = await startWriter(path.join(liveDir, 'lore.db'));
    const copies: ReturnType<typeof inspect>[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const result = await backupDatabase(liveDir, path.join(backups, `during-writes-${i}.db`));
        expect(result).toMatchObject(await live.chunks.counts());
        expect(result.bytes).toBe(fs.statSync(result.file).size);
        copies.push(inspect(result.file));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await writer.stop();
    }
    for (const copy of copies) {
      expect(copy.check).toBe('ok');
      // One self-contained file: no WAL beside it that a restore could forget.
      expect(copy.journal).toBe('delete');
      // A snapshot between two transactions: every probe row up to the recorded last one, and none after it.
      expect(copy.probes).toBe(copy.probeLast);
      expect(copy.marker).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    // The writer kept writing between the copies, so they are three different moments.
    expect(copies[2]!.probeLast).toBeGreaterThan(copies[0]!.probeLast);
    expect(fs.readdirSync(backups).filter((name) => name.includes('.partial-'))).toEqual([]);
    // The live database is never marked.
    expect(backupTakenAt(live.db!)).toBeUndefined();
  }, 60_000);

  it('prints {file, bytes, documents, chunks} with --json, and refuses to overwrite a backup or the live database', async () => {
    const file = path.join(backups, 'from-cli.db');
    const run = await runLore(['backup', file, '--json', '--data-dir', liveDir], {});
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(Object.keys(printed)).toEqual(['file', 'bytes', 'documents', 'chunks']);
    expect(printed).toEqual({ file, bytes: fs.statSync(file).size, ...(await live.chunks.counts()) });

    const again = await runLore(['backup', file, '--data-dir', liveDir], {});
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/from-cli\.db already exists: choose another file or pass --force/);
    const forced = await runLore(['backup', file, '--force', '--data-dir', liveDir], {});
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/backed up \d+ documents and \d+ chunks to .*from-cli\.db/);

    await expect(backupDatabase(liveDir, path.join(liveDir, 'lore.db'), { force: true })).rejects.toThrow(/is the live database/);
    await expect(backupDatabase(liveDir, path.join(liveDir, 'lore.db-wal'), { force: true })).rejects.toThrow(/is the live database/);
    await expect(backupDatabase(liveDir, backups, { force: true })).rejects.toThrow(/is a directory/);
    await expect(backupDatabase(path.join(tmp.dir, 'nowhere'), path.join(backups, 'x.db'))).rejects.toThrow(
      /no Lore database at .*nowhere.*lore\.db/,
    );
  }, 60_000);

  it('restores into a fresh data directory: Chroma is refilled from the embedding cache and the sample question is answered', async () => {
    const { file } = await backupDatabase(liveDir, path.join(backups, 'for-fresh.db'));
    const freshDir = path.join(tmp.dir, 'fresh');
    fs.mkdirSync(freshDir);
    fs.copyFileSync(file, path.join(freshDir, 'lore.db'));

    const embedCalls = () => gemini.requests.filter((r) => r.method === 'batchEmbedContents' || r.method === 'embedContent').length;
    const before = embedCalls();
    const restored = await openRuntime(configFor(freshDir), createLogger('silent'));
    try {
      const { chunks } = await restored.chunks.counts();
      expect(chunks).toBe((await live.chunks.counts()).chunks);
      expect(await restored.vectors.count()).toBe(chunks);
      // Every vector came from the cache in the restored file: no embedding call was made.
      expect(embedCalls()).toBe(before);
      expect(backupTakenAt(restored.db!)).toBeUndefined();

      const offline = createAnswerPipeline({ ...restored, config: { ...restored.config, gemini: { ...restored.config.gemini, apiKey: undefined } } });
      const answer = await offline.answer({ text: QUESTION });
      expect(answer.abstained).toBe(false);
      expect(answer.answer).toMatch(/30 days/);
      expect(answer.citations[0]).toMatchObject({ title: 'data-handling-policy.txt' });
    } finally {
      await restored.close();
    }
  }, 120_000);

  it('restores over a data directory whose Chroma has moved on: the vectors of the restored chunks are upserted again', async () => {
    const dataDir = path.join(tmp.dir, 'moved-on');
    const runtime = await openRuntime(configFor(dataDir), createLogger('silent'));
    let backupFile: string;
    let deletedChunk: { id: string };
    try {
      await ingestPaths(runtime, ['datasets/sample-kb'], false);
      backupFile = (await backupDatabase(dataDir, path.join(backups, 'before-changes.db'))).file;
      // After the backup: the smallest document is deleted and a larger one added, so Chroma holds at least as
      // many vectors as the backup has chunks, but not the deleted document's.
      const documents = runtime.db!.prepare('SELECT id, chunk_count FROM documents ORDER BY chunk_count, id').all() as {
        id: string;
        chunk_count: number;
      }[];
      const smallest = documents[0]!;
      const [chunk] = await runtime.chunks.getChunks(await runtime.chunks.chunkIdsOf(smallest.id));
      deletedChunk = { id: chunk!.id };
      await runtime.indexer.deleteDocuments([smallest.id]);
      const extra = path.join(tmp.dir, 'extra');
      fs.mkdirSync(extra);
      const sections = Array.from(
        { length: smallest.chunk_count + 3 },
        (_, i) => `## Runbook step ${i}\n\n${`Step ${i} of the failover runbook checks replica ${i} and its lag. `.repeat(40)}`,
      );
      fs.writeFileSync(path.join(extra, 'failover-runbook.md'), `# Failover runbook\n\n${sections.join('\n\n')}\n`);
      await ingestPaths(runtime, [extra], false);
      expect(await runtime.vectors.count()).toBeGreaterThanOrEqual(inspectChunks(backupFile));
    } finally {
      await runtime.close();
    }

    for (const leftover of ['lore.db-wal', 'lore.db-shm']) fs.rmSync(path.join(dataDir, leftover), { force: true });
    fs.copyFileSync(backupFile, path.join(dataDir, 'lore.db'));
    const restored = await openRuntime(configFor(dataDir), createLogger('silent'));
    try {
      const [stored] = await restored.chunks.getChunks([deletedChunk.id]);
      const [vector] = await restored.embedder.embed([embeddingText(stored!)], 'document');
      const [hit] = await restored.vectors.query(vector!, 1);
      expect(hit?.id).toBe(deletedChunk.id);
      expect(backupTakenAt(restored.db!)).toBeUndefined();
    } finally {
      await restored.close();
    }
  }, 180_000);
});

function inspectChunks(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) FROM chunks').pluck().get() as number;
  } finally {
    db.close();
  }
}
