import type { HeldLease, Leases } from './leases.ts';

// A duty that exactly one replica performs at a time, handed over automatically when its replica dies: every replica
// runs a keeper for the lease; the one that gets it performs the duty until the lease ends, the others ask again
// every `retryMs`, so one of them takes over within the lease's TTL plus `retryMs` of the holder's death (at once,
// when the holder's pid is gone on the same host). Discord's gateway connection is the duty it was made for: Discord
// delivers each event to every session of a shard, so only one replica may be connected.

export interface LeaseKeeperOptions {
  /** How often a replica without the lease asks for it again; default the lease's heartbeat interval. */
  retryMs?: number;
  /**
   * Starts the duty, now that this replica holds `lease`; the duty must stop when `lease.signal` aborts (the lease
   * was lost, or the keeper stopped). A throw gives the lease back and the keeper asks again later.
   */
  onHeld(lease: HeldLease): void | Promise<void>;
  /** Errors reaching the store or starting the duty: the keeper goes on asking. */
  onError?(error: unknown): void;
}

export interface LeaseKeeper {
  /** Whether this replica holds the lease now. */
  holding(): boolean;
  /** Stops asking for the lease and gives it back if held (its signal aborts, so the duty stops). */
  stop(): Promise<void>;
}

export function keepLease(leases: Leases, name: string, options: LeaseKeeperOptions): LeaseKeeper {
  const retryMs = options.retryMs ?? leases.heartbeatMs;
  let stopped = false;
  let current: HeldLease | undefined;
  let timer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> = Promise.resolve();

  const askLater = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      attempt = ask();
    }, retryMs);
    timer.unref();
  };

  const ask = async () => {
    if (stopped) return;
    try {
      const taken = await leases.acquire(name);
      if ('lease' in taken) {
        const { lease } = taken;
        current = lease;
        lease.signal.addEventListener(
          'abort',
          () => {
            if (current === lease) current = undefined;
            askLater();
          },
          { once: true },
        );
        if (stopped) return await lease.release();
        try {
          await options.onHeld(lease);
        } catch (error) {
          options.onError?.(error);
          await lease.release();
        }
        return;
      }
    } catch (error) {
      options.onError?.(error);
    }
    askLater();
  };

  attempt = ask();
  return {
    holding: () => current !== undefined,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await attempt;
      await current?.release();
      current = undefined;
    },
  };
}
