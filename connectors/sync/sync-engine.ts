import type { DocumentCandidate, IndexInput, Indexer, IndexSummary } from '../../rag/index/indexer.ts';
import { SyncBusyError, type SourceSyncReport, type SyncProgress } from '../../rag/contracts/sync.ts';
import type { Connector } from '../connector.ts';
import type { Leases } from '../../rag/store/leases.ts';
import type { SyncStateStore } from './sync-state-store.ts';
import { errorMessage } from '../../rag/errors.ts';

// One sync of one source, the same for every connector: lock → list → index (fingerprints skip what did not
// change, `completeUnder` removes what vanished) → delete what the connector saw deleted → commit the cursor
// only if nothing failed → unlock. Every step is safe to interrupt: the indexer writes a document's row after
// its vectors, deletions remove vectors before rows, and an uncommitted cursor makes the next run list the
// same changes again, which then cost nothing for the documents already done.
//
// The lock is a lease in the store processes and replicas share (`syncLockLeases`, connectors/sync/sync-lock.ts): a sync
// whose holder stalled past the lease's expiry may find it taken over by another, and then stops, so that two syncs of
// one source never write at once, and leaves the source's state to the new holder.

export interface SyncEngineDeps {
  indexer: Pick<Indexer, 'index' | 'deleteDocuments'>;
  state: SyncStateStore;
  /** The sync locks: leases named by source. */
  locks: Leases;
}

export interface SyncRunOptions {
  /** Rebuild: list everything from an empty cursor and reload every document. */
  full?: boolean;
  onProgress?: (event: SyncProgress) => void;
  signal?: AbortSignal;
}

export async function runSync(connector: Connector, deps: SyncEngineDeps, options: SyncRunOptions = {}): Promise<SourceSyncReport> {
  const { source } = connector;
  const full = options.full ?? false;
  const emit = options.onProgress ?? (() => {});
  const started = Date.now();

  const taken = await deps.locks.acquire(source);
  if ('holder' in taken) throw new SyncBusyError(source, taken.holder);
  const { lease } = taken;
  // Stops when the caller cancels, and when the lock is lost: its reason is then a LeaseLostError.
  const signal = options.signal ? AbortSignal.any([options.signal, lease.signal]) : lease.signal;
  try {
    signal.throwIfAborted();
    const previous = await deps.state.get(source);
    emit({ source, phase: 'listing', done: 0, total: 0, message: full ? 'listing everything' : 'listing changes' });
    const listing = await connector.list({
      cursor: full ? {} : previous.cursor,
      full,
      signal,
      onListing: (message) => emit({ source, phase: 'listing', done: 0, total: 0, message }),
    });
    signal.throwIfAborted();

    const inputs = listing.inputs.map((input) => stopWhenAborted(input, signal));
    const summary = await deps.indexer.index(
      inputs,
      { source, deleteMissingUnder: listing.completeUnder, reload: full },
      ({ done, total, current }) => emit({ source, phase: 'indexing', done, total, message: current }),
    );
    // Aborted loads were recorded as failures; nothing after this point may run on a partial picture.
    signal.throwIfAborted();

    const listed = new Set(listing.inputs.flatMap((input) => ('id' in input ? [input.id] : [])));
    summary.deleted += await deps.indexer.deleteDocuments(
      listing.deleted.filter((id) => !listed.has(id)),
      source,
    );

    // Deleting took time too: a lock lost meanwhile leaves the cursor to the new holder.
    signal.throwIfAborted();
    const finishedAt = new Date().toISOString();
    // Permanent failures (unusable content) do not hold the cursor back: they are retried once they change upstream.
    await deps.state.recordFinished(source, summary, finishedAt, summary.retryableFailures === 0 ? listing.cursor : undefined);
    emit({ source, phase: 'done', done: inputs.length, total: inputs.length, message: describe(summary) });
    return { source, ...summary, durationMs: Date.now() - started };
  } catch (error) {
    // A lost lock is another holder's sync now: its state is theirs to record. The sync's own error is what the caller
    // needs: a store that cannot record it (closed at shutdown) must not hide it.
    if (!lease.signal.aborted) {
      await deps.state.recordError(source, options.signal?.aborted ? 'interrupted' : errorMessage(error)).catch(() => undefined);
    }
    throw error;
  } finally {
    await lease.release();
  }
}

/** A load that starts after the sync was cancelled fails at once instead of calling the source. */
function stopWhenAborted(input: IndexInput, signal: AbortSignal): IndexInput {
  if ('error' in input) return input;
  const candidate: DocumentCandidate = input;
  return {
    id: candidate.id,
    location: candidate.location,
    fingerprint: candidate.fingerprint,
    load: () => {
      signal.throwIfAborted();
      return candidate.load();
    },
  };
}

function describe(summary: IndexSummary): string {
  const { added, updated, unchanged, deleted, failed } = summary;
  return `added ${added}, updated ${updated}, unchanged ${unchanged}, deleted ${deleted}, failed ${failed.length}`;
}
