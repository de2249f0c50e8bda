import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupCommand } from '../../../app/commands/backup.ts';
import { ingestPaths } from '../../../app/commands/ingest.ts';
import { loadConfig } from '../../../app/config.ts';
import { createLogger } from '../../../app/logger.ts';
import { composeLore, openLore, type Lore } from '../../../app/lore.ts';
import { openExistingStore, openStore } from '../../../app/storage/open-store.ts';
import { finalAnswer } from '../../../rag/contracts/answer-stream.ts';
import { startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';
import { postgresServer, usePostgres } from '../../helpers/postgres-server.ts';
import { forEachDialect } from '../../helpers/sql-stores.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

// The store is chosen once, from the configuration: PostgreSQL when DATABASE_URL names one (what replicas share),
// else the SQLite file in the data directory. Whichever it is comes with Lore's schema.

forEachDialect('openStore', (stores) => {
  const tmp = tempDir('lore-open-store-');
  afterAll(() => tmp.cleanup());

  it('opens the configured store with the schema applied, and a SQLite connection only for SQLite', async () => {
    const databaseUrl = stores.dialect === 'postgres' ? (await stores.create({ schema: false })).location : undefined;
    const store = await openStore({ dataDir: path.join(tmp.dir, stores.dialect), databaseUrl });
    try {
      expect(store.sql.dialect).toBe(stores.dialect);
      expect(store.sqlite === undefined).toBe(stores.dialect === 'postgres');
      const [row] = await store.sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM schema_migrations');
      expect(Number(row?.n)).toBeGreaterThan(0);
      await store.sql.run('INSERT INTO settings (key, value) VALUES (?, ?)', ['open-store-test', 'kept']);
    } finally {
      await store.close();
    }
    // Opened again, the records are there and no migration runs twice.
    const again = await openStore({ dataDir: path.join(tmp.dir, stores.dialect), databaseUrl });
    try {
      expect(await again.sql.query('SELECT value FROM settings WHERE key = ?', ['open-store-test'])).toEqual([{ value: 'kept' }]);
    } finally {
      await again.close();
    }
  });
});

describe('openExistingStore', () => {
  it('names a data directory that holds no Lore database instead of creating an empty one', async () => {
    const tmp = tempDir('lore-open-store-empty-');
    try {
      await expect(openExistingStore({ dataDir: tmp.dir }, 'report on')).rejects.toThrow(`no Lore database in ${tmp.dir}: nothing to report on`);
      expect(fs.existsSync(path.join(tmp.dir, 'lore.db'))).toBe(false);
    } finally {
      tmp.cleanup();
    }
  });
});

postgresServer.describe('Lore on PostgreSQL (DATABASE_URL)', () => {
  const cluster = usePostgres();
  const tmp = tempDir('lore-on-postgres-');
  let gemini: FakeGemini;
  let databaseUrl: string;
  const opened: Lore[] = [];

  const open = async (name: string): Promise<Lore> => {
    const config = loadConfig({
      LORE_DATA_DIR: path.join(tmp.dir, name),
      DATABASE_URL: databaseUrl,
      LORE_EMBEDDER: 'gemini',
      GEMINI_API_KEY: 'test-key',
      GEMINI_BASE_URL: gemini.url,
    });
    const lore = await openLore(config, createLogger('silent'));
    opened.push(lore);
    return lore;
  };

  beforeAll(async () => {
    gemini = await startFakeGemini({ apiKey: 'test-key' });
    databaseUrl = await cluster.createDatabase();
  }, 60_000);
  afterAll(async () => {
    for (const lore of opened) await lore.close();
    await gemini?.close();
    tmp.cleanup();
  });

  it('keeps what one process indexed where a second process, with its own data directory, answers from it', async () => {
    const first = await open('first');
    expect(first.runtime.sql.dialect).toBe('postgres');
    expect(first.runtime.db).toBeUndefined();
    await ingestPaths(first.runtime, [fs.realpathSync('datasets/sample-kb')], false);
    const indexed = await first.runtime.chunks.counts();
    expect(indexed.chunks).toBeGreaterThan(0);

    // The second process shares nothing with the first but the database: its own directory and its own Chroma.
    const second = await open('second');
    expect(await second.runtime.chunks.counts()).toEqual(indexed);
    expect(fs.existsSync(path.join(tmp.dir, 'second', 'lore.db'))).toBe(false);
    const offline = composeLore({
      ...second.runtime,
      config: { ...second.runtime.config, gemini: { ...second.runtime.config.gemini, apiKey: undefined } },
    });
    const answer = await finalAnswer(
      offline.answers().stream({ text: 'How long are backups of the data directory kept?', asker: { platform: 'cli' } }),
    );
    expect(answer.abstained).toBe(false);
    expect(answer.answer).toContain('30 days');

    // Both log to the one query log.
    const [row] = await first.runtime.sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM query_log');
    expect(Number(row?.n)).toBe(1);
  }, 180_000);

  it('refuses lore backup, which copies a SQLite file, and names pg_dump instead', async () => {
    const config = loadConfig({ LORE_DATA_DIR: path.join(tmp.dir, 'backup'), DATABASE_URL: databaseUrl });
    await expect(backupCommand(config, path.join(tmp.dir, 'copy.db'), { json: true })).rejects.toThrow(/pg_dump/);
  });
});
