import type { SqlDatabase } from '../../rag/contracts/sql-database.ts';
import type { IndexSummary } from '../../rag/index/indexer.ts';
import type { SourceKind } from '../../rag/types.ts';
import type { SyncCursor } from '../connector.ts';

// Per-source sync state (table `sync_state`, app/migrations.ts version 3), on the storage seam (issue 19): the replica
// that holds a source's sync lock writes it, and every replica reads it (status, staleness, citations' "synced" dates).

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
  constructor(private readonly db: SqlDatabase) {}

  async get(source: SourceKind): Promise<SyncState> {
    const [row] = await this.db.query<SyncStateRow>(
      'SELECT cursor, last_sync_at, last_run_at, last_summary, last_error FROM sync_state WHERE source = ?',
      [source],
    );
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
  async recordFinished(source: SourceKind, summary: IndexSummary, at: string, cursor?: SyncCursor): Promise<void> {
    // The new last_sync_at is set exactly when a cursor is committed, so the update reads that one column to decide
    // whether the cursor moves: each value is passed once, in the order the statement uses it, in both dialects.
    await this.db.run(
      `INSERT INTO sync_state (source, cursor, last_sync_at, last_run_at, last_summary, last_error)
       VALUES (?, ?, ?, ?, ?, NULL)
       ON CONFLICT (source) DO UPDATE SET
         cursor = CASE WHEN excluded.last_sync_at IS NULL THEN sync_state.cursor ELSE excluded.cursor END,
         last_sync_at = coalesce(excluded.last_sync_at, sync_state.last_sync_at),
         last_run_at = excluded.last_run_at, last_summary = excluded.last_summary, last_error = NULL`,
      [source, JSON.stringify(cursor ?? {}), cursor ? at : null, at, JSON.stringify(summary)],
    );
  }

  /** Records why a sync stopped before finishing; the cursor and the last summary are kept. */
  async recordError(source: SourceKind, message: string): Promise<void> {
    await this.db.run(
      `INSERT INTO sync_state (source, last_error) VALUES (?, ?)
       ON CONFLICT (source) DO UPDATE SET last_error = excluded.last_error`,
      [source, message],
    );
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
