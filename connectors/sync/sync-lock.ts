import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { SqlDatabase } from '../../rag/contracts/sql-database.ts';
import { type LeaseHolder, type LeaseOptions, type LeaseRow, Leases, leaseIsLive, leaseSettings, toLeaseHolder } from '../../rag/store/leases.ts';
import type { SourceKind } from '../../rag/types.ts';

// One sync per source at a time, in this process and across processes sharing the data directory: a row in
// `sync_locks` (app/migrations.ts version 3) is the lock. It is taken in an IMMEDIATE transaction, so two
// processes can never both see it free. The holder keeps pushing its expiry forward; a holder that died
// leaves a row that is taken over — at once when its pid is gone on this host, after expiry otherwise.
//
// The same lock on the storage seam, for SQLite and for the PostgreSQL replicas share (issue 19), is
// `syncLockLeases`: a lease per source in the same table, by the same rules. The engine moves to it with the sync's
// other stores; until then its status reads, which chat answers synchronously, keep SyncLocks.

/** How long a sync lock lives without a heartbeat, by default. */
const SYNC_LOCK_TTL_MS = 120_000;

/** A lease's options; a sync lock lives 2 minutes without a heartbeat unless `ttlMs` says otherwise. */
export type SyncLockOptions = Omit<LeaseOptions, 'table'>;

export type SyncLockHolder = LeaseHolder;

export interface HeldSyncLock {
  readonly source: SourceKind;
  readonly owner: string;
  /** Gives the lock back (only if this holder still has it). Safe to call twice. */
  release(): void;
}

export class SyncLocks {
  private readonly ttlMs: number;
  private readonly heartbeatMs: number;
  private readonly pid: number;
  private readonly host: string;
  private readonly now: () => number;

  constructor(
    private readonly db: Database,
    options: SyncLockOptions = {},
  ) {
    ({ ttlMs: this.ttlMs, heartbeatMs: this.heartbeatMs, pid: this.pid, host: this.host, now: this.now } = leaseSettings(options, SYNC_LOCK_TTL_MS));
  }

  /** Takes the lock of `source`, or returns the live holder that has it. */
  acquire(source: SourceKind): { lock: HeldSyncLock } | { holder: SyncLockHolder } {
    const owner = randomUUID();
    const taken = this.db
      .transaction((): SyncLockHolder | undefined => {
        const row = this.db.prepare('SELECT owner, pid, host, acquired_at, expires_at FROM sync_locks WHERE source = ?').get(source) as
          | LeaseRow
          | undefined;
        if (row && this.isLive(row)) return toLeaseHolder(row);
        const now = this.now();
        this.db
          .prepare(
            `INSERT INTO sync_locks (source, owner, pid, host, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (source) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host,
               acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
          )
          .run(source, owner, this.pid, this.host, new Date(now).toISOString(), now + this.ttlMs);
        return undefined;
      })
      .immediate();
    if (taken) return { holder: taken };

    const renew = this.db.prepare('UPDATE sync_locks SET expires_at = ? WHERE source = ? AND owner = ?');
    const heartbeat = setInterval(() => {
      try {
        renew.run(this.now() + this.ttlMs, source, owner);
      } catch {
        // The database was closed under us (shutdown): the lock expires on its own.
      }
    }, this.heartbeatMs);
    heartbeat.unref();
    let released = false;
    return {
      lock: {
        source,
        owner,
        release: () => {
          if (released) return;
          released = true;
          clearInterval(heartbeat);
          this.db.prepare('DELETE FROM sync_locks WHERE source = ? AND owner = ?').run(source, owner);
        },
      },
    };
  }

  /** The live holder of `source`'s lock, if a sync of it is running somewhere. */
  holder(source: SourceKind): SyncLockHolder | undefined {
    const row = this.db.prepare('SELECT owner, pid, host, acquired_at, expires_at FROM sync_locks WHERE source = ?').get(source) as
      | LeaseRow
      | undefined;
    return row && this.isLive(row) ? toLeaseHolder(row) : undefined;
  }

  private isLive(row: LeaseRow): boolean {
    return leaseIsLive(row, { host: this.host, now: this.now() });
  }
}

/** The sync lock on the storage seam (SQLite or PostgreSQL): leases named by source, in sync_locks. */
export function syncLockLeases(db: SqlDatabase, options: SyncLockOptions = {}): Leases {
  return new Leases(db, { ttlMs: SYNC_LOCK_TTL_MS, ...options, table: 'sync_locks' });
}
