import { errorMessage } from '../rag/errors.ts';
import { keepLease } from '../rag/store/lease-keeper.ts';
import type { Leases } from '../rag/store/leases.ts';
import type { Logger } from './logger.ts';
import { logSyncReport, type SyncService } from './sync-service.ts';

// The sync schedule of `lore start`. With several replicas on one store, each one re-reading Notion and GitHub on its
// own timer would multiply the upstream traffic (Notion's 3 requests/s are shared among them, issue 19), so the
// schedule is a duty one replica holds through a lease in the shared store: the holder syncs, the others stand by and
// one of them takes the schedule over within the lease's TTL when the holder dies. Syncs asked for by hand (`/lore
// sync` in chat, `lore sync`) run on any replica; the per-source sync lock serialises them with the schedule's.

/** The lease that names the replica running the schedule. */
export const SYNC_SCHEDULE_LEASE = 'sync-schedule';

export interface SyncScheduleOptions {
  /** Every configured source is synced this often; 0 or less schedules no interval (the first sync still runs). */
  intervalMinutes: number;
  log: Logger;
  /** Run the schedule only while this replica holds SYNC_SCHEDULE_LEASE; without, it always runs (one process). */
  leases?: Leases;
  /** How often a replica without the schedule asks for it; default the lease's heartbeat. */
  retryMs?: number;
  /** Run once whenever this replica takes the schedule (at start, or on takeover), stopping when `signal` aborts. */
  first?: (signal: AbortSignal) => Promise<void>;
}

export interface SyncSchedule {
  /** Whether this replica runs the schedule now. */
  holding(): boolean;
  /** Stops the schedule, cancels a sync it started and waits for it; gives the lease back. */
  stop(): Promise<void>;
}

export function startSyncSchedule(service: SyncService, options: SyncScheduleOptions): SyncSchedule {
  const { intervalMinutes, log } = options;
  // What runs now, the first sync or a tick: never two at once on this replica.
  let running: Promise<void> | undefined;
  const runAlone = (what: () => Promise<void>): void => {
    if (running) {
      log.info('the previous scheduled sync is still running: skipping this one');
      return;
    }
    running = what().finally(() => {
      running = undefined;
    });
  };

  // One term of the schedule: from taking it until `signal` aborts (lost, given back, or stopped).
  const runWhile = (signal: AbortSignal): void => {
    if (options.first) {
      const first = options.first;
      runAlone(() => first(signal));
    }
    if (!(intervalMinutes > 0)) return;
    const timer = setInterval(
      () =>
        runAlone(async () => {
          try {
            const reports = await service.sync('all', { signal });
            for (const report of reports) logSyncReport(log, report, 'scheduled sync finished');
          } catch (error) {
            if (!signal.aborted) log.error({ err: errorMessage(error) }, 'scheduled sync failed');
          }
        }),
      intervalMinutes * 60_000,
    );
    timer.unref();
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  };

  if (!options.leases) {
    const controller = new AbortController();
    runWhile(controller.signal);
    return {
      holding: () => true,
      async stop() {
        controller.abort(new Error('the sync schedule was stopped'));
        await running;
      },
    };
  }

  const keeper = keepLease(options.leases, SYNC_SCHEDULE_LEASE, {
    ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
    onHeld(lease) {
      log.info('this replica runs the sync schedule');
      lease.signal.addEventListener(
        'abort',
        () => {
          if (!stopping) log.warn({ reason: errorMessage(lease.signal.reason) }, 'this replica no longer runs the sync schedule');
        },
        { once: true },
      );
      runWhile(lease.signal);
    },
    onError: (error) => log.warn({ err: errorMessage(error) }, 'could not ask for the sync schedule; asking again'),
  });
  let stopping = false;
  return {
    holding: () => keeper.holding(),
    async stop() {
      stopping = true;
      await keeper.stop();
      await running;
    },
  };
}
