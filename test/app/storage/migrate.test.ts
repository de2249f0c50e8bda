import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../app/database.ts';
import { migrations as sqliteMigrations } from '../../../app/migrations.ts';
import { applyMigrations, type Migration } from '../../../app/storage/migrate.ts';
import { postgresMigrations } from '../../../app/storage/postgres-migrations.ts';
import type { SqlDatabase } from '../../../rag/contracts/sql-database.ts';
import { forEachDialect } from '../../helpers/sql-stores.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

// The migration runner of the storage seam: each migration once, in its own transaction, replicas starting together
// on PostgreSQL included; and the PostgreSQL schema kept the same as SQLite's, version for version.

const versions = (migrations: readonly Migration[]) => migrations.map((migration) => migration.version);

async function recorded(db: SqlDatabase): Promise<number[]> {
  return (await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).map((row) => Number(row.version));
}

forEachDialect('the migration runner', (stores) => {
  it("applies each of the dialect's migrations once, oldest first, and none on the next start", async () => {
    const db = await (await stores.create({ schema: false })).connect();
    const all = versions(stores.dialect === 'postgres' ? postgresMigrations : sqliteMigrations);
    expect(await applyMigrations(db)).toEqual(all);
    expect(await applyMigrations(db)).toEqual([]);
    expect(await recorded(db)).toEqual(all);
  });

  it('rolls a failing migration back whole, keeps the ones before it, and applies it once fixed', async () => {
    const db = await (await stores.create({ schema: false })).connect();
    const first = { version: 1, sql: 'CREATE TABLE first_table (id INTEGER PRIMARY KEY)' };
    const broken = { version: 2, sql: 'CREATE TABLE second_table (id INTEGER PRIMARY KEY); INSERT INTO no_such_table VALUES (1)' };
    await expect(applyMigrations(db, [first, broken])).rejects.toThrow(/no_such_table/);
    expect(await recorded(db)).toEqual([1]);
    await expect(db.query('SELECT id FROM second_table')).rejects.toThrow(/second_table/);
    expect(await applyMigrations(db, [first, { version: 2, sql: 'CREATE TABLE second_table (id INTEGER PRIMARY KEY)' }])).toEqual([2]);
    await expect(applyMigrations(db, [broken, first])).rejects.toThrow(/out of order/);
  });

  it('bumps the index generation on every change to a document’s content, as the SQLite triggers always have', async () => {
    const db = await (await stores.create()).connect();
    const generation = async () => Number((await db.query<{ value: string }>("SELECT value FROM settings WHERE key = 'index_generation'"))[0]!.value);
    const before = await generation();
    await db.run(
      `INSERT INTO documents (id, source, location, title, url, content_hash, fingerprint, chunk_count, size_bytes, indexed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ['files:a', 'files', 'a.md', 'A', 'file:///a.md', 'h1', 'f1', 1, 10, '2025-01-01T00:00:00.000Z'],
    );
    expect(await generation()).toBe(before + 1);
    await db.run('UPDATE documents SET content_hash = ? WHERE id = ?', ['h2', 'files:a']);
    expect(await generation()).toBe(before + 2);
    await db.run('UPDATE documents SET title = ? WHERE id = ?', ['A, renamed', 'files:a']);
    expect(await generation()).toBe(before + 2);
    await db.run('DELETE FROM documents WHERE id = ?', ['files:a']);
    expect(await generation()).toBe(before + 3);
  });

  if (stores.dialect === 'postgres') {
    it('lets replicas that start together on one PostgreSQL apply each migration exactly once', async () => {
      const store = await stores.create({ schema: false });
      const replicas = await Promise.all([1, 2, 3, 4].map(() => store.connect()));
      const applied = await Promise.all(replicas.map((db) => applyMigrations(db)));
      expect(applied.flat().sort((a, b) => a - b)).toEqual(versions(postgresMigrations));
      expect(await recorded(replicas[0]!)).toEqual(versions(postgresMigrations));
    });

    it('gives PostgreSQL the tables, columns, types and NOT NULLs of the SQLite schema, less the FTS index', async () => {
      const db = await (await stores.create()).connect();
      expect(await postgresColumns(db)).toEqual(sqliteColumnsAsPostgres());
      // SQLite compares text bytewise: so does every text column here, whatever the database's locale.
      expect(
        await db.query(
          "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C' AND table_name <> 'schema_migrations'",
        ),
      ).toEqual([]);
    });
  } else {
    it('gives SQLite exactly the schema openDatabase gives it', async () => {
      const store = await stores.create({ schema: false });
      const db = await store.connect();
      await applyMigrations(db);
      const reference = await (await stores.create()).connect();
      const schema = (of: SqlDatabase) => of.query('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name');
      expect(await schema(db)).toEqual(await schema(reference));
      expect(await recorded(db)).toEqual(await recorded(reference));
    });
  }
});

describe('the two migration lists', () => {
  it('have the same versions: a schema change is a migration in both, under one number', () => {
    expect(versions(postgresMigrations)).toEqual(versions(sqliteMigrations));
  });
});

interface Column {
  table: string;
  column: string;
  type: string;
  notNull: boolean;
}

async function postgresColumns(db: SqlDatabase): Promise<Column[]> {
  const rows = await db.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY table_name, column_name`,
  );
  return rows.map((row) => ({ table: row.table_name, column: row.column_name, type: row.data_type, notNull: row.is_nullable === 'NO' }));
}

/** What the SQLite schema's columns are in PostgreSQL's terms: the columns PostgreSQL must have. */
function sqliteColumnsAsPostgres(): Column[] {
  const tmp = tempDir('lore-schema-');
  const db = openDatabase(path.join(tmp.dir, 'data'));
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'chunks_fts%' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  const columns = tables.flatMap((table) =>
    (db.pragma(`table_info(${table})`) as { name: string; type: string; notnull: number; pk: number }[]).map((column) => ({
      table,
      column: column.name,
      type: POSTGRES_TYPES[column.type] ?? column.type,
      // PostgreSQL's primary keys are NOT NULL; SQLite's (but INTEGER PRIMARY KEY) may hold NULL unless said.
      notNull: column.notnull === 1 || column.pk > 0,
    })),
  );
  db.close();
  tmp.cleanup();
  // SQLite's implicit rowid, which the query log's readers order by, is a column of its own in PostgreSQL.
  columns.push({ table: 'query_log', column: 'rowid', type: 'bigint', notNull: true });
  return columns
    .map((column) => ({
      ...column,
      type: column.type === 'integer' && WIDE_INTEGERS.has(`${column.table}.${column.column}`) ? 'bigint' : column.type,
    }))
    .sort((a, b) => (a.table === b.table ? (a.column < b.column ? -1 : 1) : a.table < b.table ? -1 : 1));
}

const POSTGRES_TYPES: Record<string, string> = { TEXT: 'text', INTEGER: 'integer', REAL: 'double precision', BLOB: 'bytea' };

/** Integer columns that can pass 2^31: BIGINT in PostgreSQL (SQLite's INTEGER has 8 bytes). */
const WIDE_INTEGERS = new Set(['chunks.rowid', 'documents.size_bytes', 'sync_locks.expires_at', 'leases.expires_at']);
