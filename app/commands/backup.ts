import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../config.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { markAsBackup } from '../restore-marker.ts';

// `lore backup <file>`: a consistent copy of the SQLite database, safe to take while Lore runs. The database is
// everything a restore needs (documents, chunks, the lexical index, the embedding cache, sync state, answers,
// feedback, the query log); Chroma holds only vectors derived from it and is refilled from the copy at start.

export interface BackupResult {
  file: string;
  bytes: number;
  documents: number;
  chunks: number;
}

export interface BackupOptions {
  /** Replace `file` when it exists (otherwise that is refused: it may be the only good backup). */
  force?: boolean;
}

/** Pages per backup step: all of them, so the copy is one read snapshot (a write in between would restart a stepped copy). */
const ALL_PAGES = 0x7fffffff;

export async function backupDatabase(dataDir: string, destination: string, options: BackupOptions = {}): Promise<BackupResult> {
  const source = path.join(dataDir, 'lore.db');
  if (!fs.existsSync(source)) throw new Error(`no Lore database at ${source}: nothing to back up (check --data-dir / LORE_DATA_DIR)`);
  if (destination.trim() === '') throw new Error('the backup file name is empty');
  const file = path.resolve(destination);
  if (isDatabaseFile(file, source))
    throw new Error(`${destination} is the live database (or its WAL): choose a file outside the data directory's lore.db*`);
  if (fs.existsSync(file)) {
    if (fs.statSync(file).isDirectory())
      throw new Error(`${destination} is a directory: give a file name, e.g. ${path.join(destination, 'lore-backup.db')}`);
    if (!options.force) throw new Error(`${destination} already exists: choose another file or pass --force to replace it`);
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });

  // Written beside the target and renamed into place, so an interrupted backup never leaves a half file under its name.
  const partial = `${file}.partial-${process.pid}`;
  try {
    const live = new Database(source, { fileMustExist: true });
    try {
      live.pragma('busy_timeout = 5000');
      await live.backup(partial, { progress: () => ALL_PAGES });
    } finally {
      live.close();
    }
    const counts = finishCopy(partial);
    fs.renameSync(partial, file);
    return { file, bytes: fs.statSync(file).size, ...counts };
  } catch (error) {
    for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`]) fs.rmSync(leftover, { force: true });
    throw error;
  }
}

/** Makes the copy one self-contained file (no WAL beside it), checks it, marks it as a backup and counts what it holds. */
function finishCopy(file: string): { documents: number; chunks: number } {
  const copy = new Database(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the backup copy failed its integrity check: ${String(check)}`);
    const count = (table: string) => copy.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    let counts: { documents: number; chunks: number };
    try {
      counts = { documents: count('documents'), chunks: count('chunks') };
    } catch (error) {
      throw new Error(`the database is not a Lore database: ${(error as Error).message}`, { cause: error });
    }
    markAsBackup(copy, new Date().toISOString());
    return counts;
  } finally {
    copy.close();
  }
}

function isDatabaseFile(file: string, source: string): boolean {
  const real = (p: string) => {
    try {
      return path.join(fs.realpathSync(path.dirname(p)), path.basename(p));
    } catch {
      return p;
    }
  };
  const target = real(file);
  const live = real(source);
  return [live, `${live}-wal`, `${live}-shm`, `${live}-journal`].includes(target);
}

/** The command: the result as JSON on stdout with --json, one line on stderr otherwise. */
export async function backupCommand(config: Config, destination: string, options: BackupOptions & { json: boolean }): Promise<number> {
  if (config.databaseUrl) {
    throw new Error(
      'lore backup copies the SQLite database; with DATABASE_URL the store is PostgreSQL: back it up with pg_dump (docs/operations.md, "Back up and restore")',
    );
  }
  const started = Date.now();
  const result = await backupDatabase(config.dataDir, destination, options);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const mb = (result.bytes / (1024 * 1024)).toFixed(1);
    process.stderr.write(
      `backed up ${result.documents} documents and ${result.chunks} chunks to ${result.file} (${mb} MB, ${((Date.now() - started) / 1000).toFixed(1)} s)\n` +
        'to restore: stop Lore, remove lore.db-wal and lore.db-shm from the data directory, copy this file there as lore.db, start Lore\n',
    );
  }
  return EXIT_OK;
}
