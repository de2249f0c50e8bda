import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations.ts';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the SQLite file in the data directory and brings its schema up to date. The directory
 * and the database hold every indexed document, answer and feedback: they are created for Lore's user only (0700,
 * 0600; SQLite gives its -wal and -shm files the database's mode).
 */
export function openDatabase(dataDir: string): Db {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'lore.db');
  // better-sqlite3 would create it with the umask's mode (usually world-readable): create it first, private.
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  const db = new Database(file);
  // WAL lets readers (queries) proceed while a sync writes; NORMAL sync is durable across process crashes.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .pluck()
      .all()
      .map((v) => Number(v)),
  );
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(migration.version, new Date().toISOString());
    })();
  }
}
