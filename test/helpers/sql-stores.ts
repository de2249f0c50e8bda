import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe } from 'vitest';
import { openDatabase } from '../../app/database.ts';
import { applyMigrations } from '../../app/storage/migrate.ts';
import { openPostgres } from '../../app/storage/postgres-database.ts';
import { sqliteDatabase } from '../../app/storage/sqlite-database.ts';
import type { SqlDatabase, SqlDialect } from '../../rag/contracts/sql-database.ts';
import { postgresServer, usePostgres } from './postgres-server.ts';
import { tempDir } from './temp-dir.ts';

// The shared-store tests run every case on both implementations of the storage seam: SQLite in a temporary
// directory, and PostgreSQL on a throwaway cluster (skipped without it outside CI, like every suite that needs a
// system program). `forEachDialect` declares the suite once per dialect; inside, `stores.create()` makes an empty
// store and `store.connect()` opens one more connection to it, which is what a second replica or process is to it.

export interface TestStore {
  dialect: SqlDialect;
  /** Where it is: the SQLite data directory, or the PostgreSQL database's URL (to hand to a child process). */
  location: string;
  /** A new connection (SQLite) or pool (PostgreSQL) on this store; closed after the suite. */
  connect(): Promise<SqlDatabase>;
}

export interface TestStores {
  dialect: SqlDialect;
  /**
   * A new store with Lore's schema (on SQLite as openDatabase applies it, on PostgreSQL by applyMigrations), or
   * empty when `schema` is false.
   */
  create(options?: { schema?: boolean }): Promise<TestStore>;
}

export const SQL_DIALECTS: readonly SqlDialect[] = ['sqlite', 'postgres'];

/** `describe(name on <dialect>, …)` for SQLite and for PostgreSQL, the latter skipped without it (outside CI). */
export function forEachDialect(name: string, body: (stores: TestStores) => void): void {
  for (const dialect of SQL_DIALECTS) {
    const declare = dialect === 'postgres' ? postgresServer.describe : describe;
    declare(`${name} (${dialect})`, () => body(dialect === 'postgres' ? postgresStores() : sqliteStores()));
  }
}

function closeAfterAll(): (db: SqlDatabase) => SqlDatabase {
  const open: SqlDatabase[] = [];
  afterAll(async () => {
    await Promise.all(open.map((db) => db.close().catch(() => undefined)));
  });
  return (db) => {
    open.push(db);
    return db;
  };
}

function sqliteStores(): TestStores {
  // Made by the first store: a suite whose tests are all filtered out runs no afterAll to remove it.
  let tmp: ReturnType<typeof tempDir> | undefined;
  const track = closeAfterAll();
  afterAll(() => tmp?.cleanup());
  let stores = 0;
  return {
    dialect: 'sqlite',
    async create(options = {}) {
      tmp ??= tempDir('lore-sql-store-');
      const dir = path.join(tmp.dir, `store-${++stores}`);
      fs.mkdirSync(dir);
      // openDatabase applies the schema as Lore does; an empty store is a bare connection on the same file.
      const open = options.schema === false ? () => new Database(path.join(dir, 'lore.db')) : () => openDatabase(dir);
      return { dialect: 'sqlite', location: dir, connect: async () => track(sqliteDatabase(open())) };
    },
  };
}

function postgresStores(): TestStores {
  const cluster = usePostgres();
  const track = closeAfterAll();
  return {
    dialect: 'postgres',
    async create(options = {}) {
      const url = await cluster.createDatabase();
      if (options.schema !== false) {
        const db = await openPostgres(url);
        await applyMigrations(db).finally(() => db.close());
      }
      return {
        dialect: 'postgres',
        location: url,
        connect: async () => track(await openPostgres(url, { maxConnections: 4 })),
      };
    },
  };
}
