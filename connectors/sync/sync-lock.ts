import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Database } from 'better-sqlite3';
import type { SourceKind } from '../../rag/types.ts';

// One sync per source at a time, in this process and across processes sharing the data directory: a row in
// `sync_locks` (app/migrations.ts version 3) is the lock. It is taken in an IMMEDIATE transaction, so two
// processes can never both see it free. The holder keeps pushing its expiry forward; a holder that died
// leaves a row that is taken over — at once when its pid is gone on this host, after expiry otherwise.

export interface SyncLockOptions {
  /** How long a lock lives without a heartbeat. Default 2 minutes. */
  ttlMs?: number;
  /** How often the holder renews it. Default a quarter of the TTL. */
  heartbeatMs?: number;
  /** This process (tests pretend to be others). */
  pid?: number;
  host?: string;
  now?: () => number;
}

export interface SyncLockHolder {
  owner: string;
  pid: number;
  host: string;
  acquiredAt: string;
  expiresAt: number;
}

export interface HeldSyncLock {
  readonly source: SourceKind;
  readonly owner: string;
  /** Gives the lock back (only if this holder still has it). Safe to call twice. */
  release(): void;
}

interface LockRow {
  owner: string;
  pid: number;
  host: string;
  acquired_at: string;
  expires_at: number;
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
    this.ttlMs = options.ttlMs ?? 120_000;
    this.heartbeatMs = options.heartbeatMs ?? Math.max(1_000, Math.floor(this.ttlMs / 4));
    this.pid = options.pid ?? process.pid;
    this.host = options.host ?? os.hostname();
    this.now = options.now ?? Date.now;
  }

  /** Takes the lock of `source`, or returns the live holder that has it. */
  acquire(source: SourceKind): { lock: HeldSyncLock } | { holder: SyncLockHolder } {
    const owner = randomUUID();
    const taken = this.db
      .transaction((): SyncLockHolder | undefined => {
        const row = this.db.prepare('SELECT owner, pid, host, acquired_at, expires_at FROM sync_locks WHERE source = ?').get(source) as
          | LockRow
          | undefined;
        if (row && this.isLive(row)) return toHolder(row);
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
      | LockRow
      | undefined;
    return row && this.isLive(row) ? toHolder(row) : undefined;
  }

  private isLive(row: LockRow): boolean {
    if (row.expires_at <= this.now()) return false;
    // On this host a dead pid is certain; elsewhere only the expiry tells.
    return row.host !== this.host || processExists(row.pid);
  }
}

function toHolder(row: LockRow): SyncLockHolder {
  return { owner: row.owner, pid: row.pid, host: row.host, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
