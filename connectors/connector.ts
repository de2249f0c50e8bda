import type { IndexInput } from '../rag/index/indexer.ts';
import type { SourceKind } from '../rag/types.ts';

// The contract between a source (files, Notion, GitHub, web) and the sync engine. A connector only
// lists what exists upstream; the engine decides what to load, index and delete, keeps the cursor,
// holds the per-source lock and reports progress. Adding a source is one new connector file.

/** What a connector remembers between syncs (cursors, last-seen times, tree SHAs, ETags): flat strings. */
export type SyncCursor = Record<string, string>;

export interface SyncRequest {
  /** The cursor committed by the last successful sync of this source; `{}` on a first or `--full` sync. */
  cursor: SyncCursor;
  /** Rebuild: list everything, ignoring what the cursor says is unchanged. */
  full: boolean;
  signal: AbortSignal;
  /** Reports listing progress (pages fetched, repositories walked) before indexing starts. */
  onListing?: (message: string) => void;
}

export interface SourceListing {
  /**
   * Documents that exist upstream and may have changed. Each is loaded only when its fingerprint
   * (ETag, last_edited_time, blob SHA, size + mtime) differs from the stored one, so listing an
   * unchanged document costs nothing. A part of the source that could not be listed is a ListingFailure.
   */
  inputs: IndexInput[];
  /**
   * Location prefixes this listing covered completely: stored documents of the source under them that
   * are not among `inputs` were deleted or moved upstream and are removed. Omit a prefix whose listing
   * was partial (a failed page, an incremental listing), or live documents would be deleted.
   */
  completeUnder: string[];
  /** Document ids an incremental listing knows were deleted, archived or moved upstream. */
  deleted: string[];
  /**
   * The cursor to commit once every input is indexed. It is committed only when the sync finished
   * without a failure worth retrying, so an interrupted or failed sync is redone from the old cursor (and
   * converges: documents indexed before the interruption are unchanged by fingerprint and cost nothing).
   * Unusable content (a corrupt or unsupported file) fails the same way every time: it is reported, and
   * read again once it changes upstream.
   */
  cursor: SyncCursor;
}

export interface Connector {
  readonly source: SourceKind;
  list(request: SyncRequest): Promise<SourceListing>;
}
