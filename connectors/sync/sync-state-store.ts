import type { Database } from 'better-sqlite3';
import type { IndexSummary } from '../../rag/index/indexer.ts';
import type { SourceKind } from '../../rag/types.ts';
import type { SyncCursor } from '../connector.ts';

// Per-source sync state in SQLite (table `sync_state`, app/migrations.ts version 3).

export interface SyncState {
  /** The cursor committed by the last sync that finished without failures (`{}` before the first). */
  cursor: SyncCursor;
  /** ISO time of the last sync that finished without failures. */
  lastSyncAt?: string;
  /** ISO time of the last sync that finished, with or without failed items. */
  lastRunAt?: string;
  lastSummary?: IndexSummary;
  /** Why the last sync stopped before finishing (cleared by the next finished sync). */
  lastError?: string;
}

interface SyncStateRow {
  cursor: string;
  last_sync_at: string | null;
  last_run_at: string | null;
  last_summary: string | null;
  last_error: string | null;
}

export class SyncStateStore {
  constructor(private readonly db: Database) {}

  get(source: SourceKind): SyncState {
    const row = this.db.prepare('SELECT cursor, last_sync_at, last_run_at, last_summary, last_error FROM sync_state WHERE source = ?').get(source) as
      | SyncStateRow
      | undefined;
    if (!row) return { cursor: {} };
    return {
      cursor: parseCursor(row.cursor),
      lastSyncAt: row.last_sync_at ?? undefined,
      lastRunAt: row.last_run_at ?? undefined,
      lastSummary: row.last_summary ? (JSON.parse(row.last_summary) as IndexSummary) : undefined,
      lastError: row.last_error ?? undefined,
    };
  }

  /**
   * Records a finished sync. `cursor` is given only when nothing failed that may succeed on a retry: such an
   * item must be listed again next time, so the previous cursor stays.
   */
  recordFinished(source: SourceKind, summary: IndexSummary, at: string, cursor?: SyncCursor): void {
    this.db
      .prepare(
        `INSERT INTO sync_state (source, cursor, last_sync_at, last_run_at, last_summary, last_error)
         VALUES (@source, @cursor, @syncAt, @at, @summary, NULL)
         ON CONFLICT (source) DO UPDATE SET
           cursor = coalesce(@newCursor, cursor),
           last_sync_at = coalesce(@syncAt, last_sync_at),
           last_run_at = @at, last_summary = @summary, last_error = NULL`,
      )
      .run({
        source,
        cursor: JSON.stringify(cursor ?? {}),
        newCursor: cursor ? JSON.stringify(cursor) : null,
        syncAt: cursor ? at : null,
        at,
        summary: JSON.stringify(summary),
      });
  }

  /** Records why a sync stopped before finishing; the cursor and the last summary are kept. */
  recordError(source: SourceKind, message: string): void {
    this.db
      .prepare(
        `INSERT INTO sync_state (source, last_error) VALUES (?, ?)
         ON CONFLICT (source) DO UPDATE SET last_error = excluded.last_error`,
      )
      .run(source, message);
  }
}

/** A cursor is flat strings; anything else in the column (hand edits, an older format) is dropped. */
function parseCursor(json: string): SyncCursor {
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}
