import type { SqlDatabase, SqlDialect } from '../../rag/contracts/sql-database.ts';
import { migrations as sqliteMigrations } from '../migrations.ts';
import { postgresMigrations } from './postgres-migrations.ts';

// The migration runner of the storage seam, for both dialects: a schema_migrations table records the versions
// applied; each missing one is applied once, oldest first, in a transaction of its own with its version, so a
// failed migration leaves nothing half-done and the next start retries it. Replicas starting together on one
// PostgreSQL serialise on an advisory lock held by each migration's transaction (the first applies, the others then
// find it recorded); on SQLite the transaction's write lock does the same across processes. The schemas are
// app/migrations.ts (SQLite, unchanged: openDatabase still applies it with its own synchronous runner) and
// app/storage/postgres-migrations.ts, version for version.

export interface Migration {
  version: number;
  sql: string;
}

/** Any fixed number serves; this one spells "Lore" in ASCII, to be recognisable in pg_locks. */
const MIGRATION_LOCK = 0x4c6f7265;

export function migrationsFor(dialect: SqlDialect): readonly Migration[] {
  return dialect === 'postgres' ? postgresMigrations : sqliteMigrations;
}

/** Brings the store's schema up to date; returns the versions it applied (none when another replica had). */
export async function applyMigrations(db: SqlDatabase, migrations: readonly Migration[] = migrationsFor(db.dialect)): Promise<number[]> {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version <= migrations[i - 1]!.version) throw new Error(`migrations out of order at version ${migrations[i]!.version}`);
  }
  const applied: number[] = [];
  for (;;) {
    const version = await db.transaction(async (tx) => {
      if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
      await tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
      const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((row) => Number(row.version)));
      const next = migrations.find((migration) => !done.has(migration.version));
      if (!next) return undefined;
      await tx.exec(next.sql);
      await tx.run('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [next.version, new Date().toISOString()]);
      return next.version;
    });
    if (version === undefined) return applied;
    applied.push(version);
  }
}
