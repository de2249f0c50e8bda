import fs from 'node:fs';
import path from 'node:path';
import type { SqlDatabase } from '../../rag/contracts/sql-database.ts';
import type { Config } from '../config.ts';
import { type Db, openDatabase } from '../database.ts';
import type { Logger } from '../logger.ts';
import { redactUrl } from '../redact-url.ts';
import { applyMigrations } from './migrate.ts';
import { openPostgres } from './postgres-database.ts';
import { sqliteDatabase } from './sqlite-database.ts';

// Where Lore keeps its records, chosen once from the configuration: the PostgreSQL that DATABASE_URL names, which
// replicas share, or else the SQLite file in the data directory (the embedded default, one process). Every store
// takes the seam this returns; the schema is brought up to date before any store runs.

export interface Store {
  sql: SqlDatabase;
  /**
   * The SQLite connection under `sql` when the store is the embedded one: what `lore backup` copies and the
   * restore marker lives in. Absent on PostgreSQL, which is backed up with its own tools (pg_dump).
   */
  sqlite?: Db;
  close(): Promise<void>;
}

export async function openStore(config: Pick<Config, 'dataDir' | 'databaseUrl'>, log?: Logger): Promise<Store> {
  if (config.databaseUrl) {
    const sql = await openPostgres(config.databaseUrl, {
      onError: (error) => log?.warn({ err: error }, 'a PostgreSQL connection failed while idle: the pool replaces it'),
    });
    try {
      const applied = await applyMigrations(sql);
      log?.info({ database: redactUrl(config.databaseUrl, 'PostgreSQL'), migrations: applied }, 'using PostgreSQL as the shared store');
    } catch (error) {
      await sql.close();
      throw error;
    }
    return { sql, close: () => sql.close() };
  }
  const sqlite = openDatabase(config.dataDir);
  const sql = sqliteDatabase(sqlite);
  return { sql, sqlite, close: () => sql.close() };
}

/**
 * The store of a Lore that has run, for the commands that only read it (`lore report`, `lore feedback export`): on
 * SQLite, a data directory without a database is a mistake to name, not an empty store to create.
 */
export async function openExistingStore(config: Pick<Config, 'dataDir' | 'databaseUrl'>, nothingTo: string): Promise<Store> {
  if (!config.databaseUrl && !fs.existsSync(path.join(config.dataDir, 'lore.db'))) {
    throw new Error(`no Lore database in ${config.dataDir}: nothing to ${nothingTo}`);
  }
  return openStore(config);
}
