import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { SqlDatabase } from '../contracts/sql-database.ts';
import { LoreError } from '../errors.ts';

// Leases on the storage seam: one holder at a time of something processes or replicas share, on SQLite or on
// PostgreSQL alike. A row is the lease (holder, pid, host, expiry). It is taken with one statement,
// INSERT … ON CONFLICT … DO UPDATE … WHERE the row found is dead, so two contenders never both win, with no
// transaction held across a round trip; the holder pushes the expiry forward while it lives (the heartbeat) and a
// row whose holder died is taken over: after it expired, or at once when its pid is gone on this host. Replicas'
// clocks must agree to well within the TTL (NTP).
//
// Two tables hold leases: `leases` (by name: the Discord gateway connection, issue 19) and `sync_locks` (by source:
// one sync per source, connectors/sync/sync-lock.ts).

const KEY_COLUMN = { leases: 'name', sync_locks: 'source' } as const;
export type LeaseTable = keyof typeof KEY_COLUMN;

export interface LeaseOptions {
  /** Where the leases are kept; default `leases`. */
  table?: LeaseTable;
  /** How long a lease lives without a heartbeat. Default 1 minute. */
  ttlMs?: number;
  /** How often the holder renews it. Default a quarter of the TTL. */
  heartbeatMs?: number;
  /** This process (tests pretend to be others). */
  pid?: number;
  host?: string;
  now?: () => number;
}

export interface LeaseHolder {
  owner: string;
  pid: number;
  host: string;
  acquiredAt: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface HeldLease {
  readonly name: string;
  readonly owner: string;
  /**
   * Aborted when this holder no longer has the lease: released, or lost (another took it over after it expired,
   * because the holder stalled or could not reach the store to renew it; the reason is a LeaseLostError). Work that
   * must not run in two places at once stops on it.
   */
  readonly signal: AbortSignal;
  /** Gives the lease back (only if this holder still has it); safe to call twice. If the store is unreachable, it expires. */
  release(): Promise<void>;
}

export class LeaseLostError extends LoreError {
  override name = 'LeaseLostError';
  override readonly code: string = 'lease_lost';
}

/** A lease row as both tables keep it. */
interface LeaseRow {
  owner: string;
  pid: number;
  host: string;
  acquired_at: string;
  expires_at: number;
}

/** Whether a lease row's holder is alive, as seen from `host` at `now`: on this host a dead pid is certain, elsewhere only the expiry tells. */
function leaseIsLive(row: LeaseRow, here: { host: string; now: number }): boolean {
  if (row.expires_at <= here.now) return false;
  return row.host !== here.host || processExists(row.pid);
}

function toLeaseHolder(row: LeaseRow): LeaseHolder {
  return { owner: row.owner, pid: row.pid, host: row.host, acquiredAt: row.acquired_at, expiresAt: Number(row.expires_at) };
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

/** How many times acquire() tries to take a dead holder's row before it reports whoever won it. */
const ATTEMPTS = 3;

/** A holder's timing and identity: the options given, else a heartbeat every quarter of the TTL, this process. */
function leaseSettings(
  options: Omit<LeaseOptions, 'table'>,
  defaultTtlMs: number,
): { ttlMs: number; heartbeatMs: number; pid: number; host: string; now: () => number } {
  const ttlMs = options.ttlMs ?? defaultTtlMs;
  return {
    ttlMs,
    heartbeatMs: options.heartbeatMs ?? Math.max(1_000, Math.floor(ttlMs / 4)),
    pid: options.pid ?? process.pid,
    host: options.host ?? os.hostname(),
    now: options.now ?? Date.now,
  };
}

export class Leases {
  readonly ttlMs: number;
  readonly heartbeatMs: number;
  private readonly table: LeaseTable;
  private readonly key: string;
  private readonly pid: number;
  private readonly host: string;
  private readonly now: () => number;

  constructor(
    private readonly db: SqlDatabase,
    options: LeaseOptions = {},
  ) {
    this.table = options.table ?? 'leases';
    this.key = KEY_COLUMN[this.table];
    ({ ttlMs: this.ttlMs, heartbeatMs: this.heartbeatMs, pid: this.pid, host: this.host, now: this.now } = leaseSettings(options, 60_000));
  }

  /** Takes the lease `name`, or returns the live holder that has it. */
  async acquire(name: string): Promise<{ lease: HeldLease } | { holder: LeaseHolder }> {
    let row = await this.read(name);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (row && this.isLive(row)) return { holder: toLeaseHolder(row) };
      const owner = randomUUID();
      const now = this.now();
      const expiresAt = now + this.ttlMs;
      // Taken only if the row is still the dead one read above (its owner unchanged) or has expired meanwhile: of two
      // contenders that both read it dead, one changes it and the other changes nothing.
      const { changes } = await this.db.run(
        `INSERT INTO ${this.table} (${this.key}, owner, pid, host, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (${this.key}) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host,
           acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
         WHERE ${this.table}.owner = ? OR ${this.table}.expires_at <= ?`,
        [name, owner, this.pid, this.host, new Date(now).toISOString(), expiresAt, row?.owner ?? '', now],
      );
      if (changes === 1) return { lease: this.hold(name, owner, expiresAt) };
      row = await this.read(name);
    }
    // Lost every race for it: someone holds it, whatever this process thinks of them.
    if (row) return { holder: toLeaseHolder(row) };
    throw new Error(`could not take the lease ${name}`);
  }

  /** The live holder of `name`, if any. */
  async holder(name: string): Promise<LeaseHolder | undefined> {
    const row = await this.read(name);
    return row && this.isLive(row) ? toLeaseHolder(row) : undefined;
  }

  private async read(name: string): Promise<LeaseRow | undefined> {
    const [row] = await this.db.query<LeaseRow>(`SELECT owner, pid, host, acquired_at, expires_at FROM ${this.table} WHERE ${this.key} = ?`, [name]);
    return row;
  }

  private isLive(row: LeaseRow): boolean {
    return leaseIsLive(row, { host: this.host, now: this.now() });
  }

  private hold(name: string, owner: string, expiresAt: number): HeldLease {
    const controller = new AbortController();
    // Until when the lease is certainly this holder's: the expiry the last successful renewal wrote.
    let confirmedUntil = expiresAt;
    let renewing = false;
    let ended = false;
    const end = (reason: unknown) => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      controller.abort(reason);
    };
    const renew = async () => {
      if (renewing || ended) return;
      renewing = true;
      try {
        const until = this.now() + this.ttlMs;
        const { changes } = await this.db.run(`UPDATE ${this.table} SET expires_at = ? WHERE ${this.key} = ? AND owner = ?`, [until, name, owner]);
        if (changes === 1) confirmedUntil = until;
        else if (!ended) end(new LeaseLostError(`the lease ${name} was taken over by another holder after it expired`));
      } catch (error) {
        // The store did not answer: the lease is still ours until its expiry, and may be another's after it.
        if (this.now() >= confirmedUntil) {
          end(new LeaseLostError(`the lease ${name} expired while its store could not be reached to renew it`, { cause: error }));
        }
      } finally {
        renewing = false;
      }
    };
    const heartbeat = setInterval(() => void renew(), this.heartbeatMs);
    heartbeat.unref();
    return {
      name,
      owner,
      signal: controller.signal,
      release: async () => {
        if (ended) return;
        end(new Error(`the lease ${name} was released`));
        try {
          await this.db.run(`DELETE FROM ${this.table} WHERE ${this.key} = ? AND owner = ?`, [name, owner]);
        } catch {
          // The store is closed or unreachable (shutting down): the lease expires on its own.
        }
      },
    };
  }
}
