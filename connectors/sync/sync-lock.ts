import type { SqlDatabase } from '../../rag/contracts/sql-database.ts';
import { type LeaseOptions, Leases } from '../../rag/store/leases.ts';

// One sync per source at a time, in this process and across processes and replicas sharing a store (issue 19): a
// lease per source in `sync_locks` (app/migrations.ts version 3), taken by one statement that only one contender can
// win, renewed by a heartbeat while the sync runs, and taken over from a holder that died — at once when its pid is
// gone on this host, after expiry otherwise. A holder that loses it (it stalled past the expiry and another took it)
// sees its lease's signal abort, which stops the sync (connectors/sync/sync-engine.ts).

/** How long a sync lock lives without a heartbeat, by default: a stall shorter than this never costs the lock. */
const SYNC_LOCK_TTL_MS = 120_000;

/** A lease's options; a sync lock lives 2 minutes without a heartbeat unless `ttlMs` says otherwise. */
export type SyncLockOptions = Omit<LeaseOptions, 'table'>;

/** The sync locks on the storage seam (SQLite or PostgreSQL): leases named by source, in sync_locks. */
export function syncLockLeases(db: SqlDatabase, options: SyncLockOptions = {}): Leases {
  return new Leases(db, { ttlMs: SYNC_LOCK_TTL_MS, ...options, table: 'sync_locks' });
}
