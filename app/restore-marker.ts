import type { Db } from './database.ts';

// `lore backup` writes this setting into the copy it makes, never into the live database. A database that has it
// was put back from a backup: the vector index may hold vectors newer than its chunks (as many of them, or more),
// so the count cannot tell what is missing, and every stored chunk is upserted again once (from the embedding
// cache in the same file, so no model calls).
//
// Only SQLite's: `lore backup` copies the SQLite file (app/commands/backup.ts), so only a SQLite database can carry the
// marker, and it stays on the better-sqlite3 connection rather than the storage seam (issue 19). A PostgreSQL store is
// backed up and restored with PostgreSQL's own tools, which write no marker; the runtime asks only a SQLite store.

const KEY = 'restored_backup_taken_at';

/** Marks `db` (a fresh backup copy) as taken at `at` (ISO time). */
export function markAsBackup(db: Db, at: string): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(KEY, at);
}

/** When the backup this database was restored from was taken, or undefined for a database never restored. */
export function backupTakenAt(db: Db): string | undefined {
  return db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(KEY) as string | undefined;
}

/** Called once the vector index has been refilled. */
export function clearBackupMarker(db: Db): void {
  db.prepare('DELETE FROM settings WHERE key = ?').run(KEY);
}
