// What a sync says about itself, shared by the engine that runs it (connectors/sync/), the services that start it
// (app/) and the chat commands that report it (bot/): progress, the report of each source, each source's status,
// and the refusal of a second sync of a source already syncing.
import type { IndexSummary } from '../index/indexer.ts';
import type { SourceKind } from './sources.ts';
import { LoreError } from '../errors.ts';

export interface SyncProgress {
  source: SourceKind;
  phase: 'listing' | 'indexing' | 'done';
  done: number;
  total: number;
  message?: string;
}

/** One source's sync: what was added, updated, deleted or failed, and how long it took. */
export interface SourceSyncReport extends IndexSummary {
  source: SourceKind;
  durationMs: number;
}

export interface SourceStatus {
  source: SourceKind;
  configured: boolean;
  documents: number;
  chunks: number;
  /** ISO-8601. */
  lastSyncAt?: string;
  lastSummary?: IndexSummary;
  running: boolean;
}

/** Who holds a source's sync lock. */
export interface SyncHolder {
  pid: number;
  host: string;
  /** ISO-8601. */
  acquiredAt: string;
}

/** Another sync of the same source is running (in this process or another one sharing the data directory). */
export class SyncBusyError extends LoreError {
  override readonly code: string = 'sync_busy';
  override name = 'SyncBusyError';

  constructor(
    readonly source: SourceKind,
    readonly holder?: SyncHolder,
  ) {
    super(
      `a sync of ${source} is already running` +
        (holder ? ` (process ${holder.pid} on ${holder.host}, since ${holder.acquiredAt})` : '') +
        ': wait for it to finish',
    );
  }
}
