import { describe, expect, it } from 'vitest';
import { createLogger } from '../../app/logger.ts';
import { startSyncSchedule } from '../../app/sync-schedule.ts';
import type { SyncService, SyncTarget } from '../../app/sync-service.ts';
import { Leases } from '../../rag/store/leases.ts';
import { forEachDialect } from '../helpers/sql-stores.ts';

// The sync schedule of `lore start`: every source at the interval, never two runs at once, and with replicas on one
// store only on the replica holding the schedule's lease, taken over when that replica stops or dies.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = createLogger('silent');

function countingService(syncMs: number) {
  const calls: SyncTarget[] = [];
  const service: SyncService = {
    configuredSources: () => ['files'],
    status: async () => [],
    lastSyncAt: async () => undefined,
    onSourceSynced: () => () => {},
    sync: async (target, options) => {
      calls.push(target);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, syncMs);
        options?.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return [];
    },
  };
  return { service, calls };
}

describe('the sync schedule', () => {
  it('syncs every source at the interval, never two at once, until stopped', async () => {
    const { service, calls } = countingService(250);
    const schedule = startSyncSchedule(service, { intervalMinutes: 100 / 60_000, log });
    await sleep(700);
    await schedule.stop();
    const made = calls.length;
    // Ticks every 100 ms, but each sync takes 250 ms: the ones due meanwhile are skipped.
    expect(made).toBeGreaterThanOrEqual(2);
    expect(made).toBeLessThanOrEqual(3);
    expect(calls.every((target) => target === 'all')).toBe(true);
    await sleep(300);
    expect(calls.length).toBe(made);
  });

  it('schedules nothing for an interval of 0, but still runs the first sync', async () => {
    const { service, calls } = countingService(0);
    const firsts: AbortSignal[] = [];
    const schedule = startSyncSchedule(service, {
      intervalMinutes: 0,
      log,
      first: async (signal) => {
        firsts.push(signal);
      },
    });
    await sleep(100);
    await schedule.stop();
    expect(calls).toEqual([]);
    expect(firsts).toHaveLength(1);
    expect(firsts[0]!.aborted).toBe(true);
  });
});

forEachDialect('the sync schedule among replicas', (stores) => {
  const fast = { ttlMs: 400, heartbeatMs: 100 };

  it('runs on one replica only, and on another once that one stops or dies', async () => {
    const store = await stores.create();
    const replica = async (host: string) => {
      const connection = await store.connect();
      const { service, calls } = countingService(20);
      const firsts: string[] = [];
      const schedule = startSyncSchedule(service, {
        intervalMinutes: 100 / 60_000,
        log,
        leases: new Leases(connection, { host, ...fast }),
        retryMs: 50,
        first: async () => {
          firsts.push(host);
        },
      });
      return { schedule, calls, firsts, connection };
    };
    const a = await replica('a');
    await expect.poll(() => a.schedule.holding(), { timeout: 2_000 }).toBe(true);
    const b = await replica('b');
    const c = await replica('c');
    await sleep(500);
    // Only the holder syncs, starting with its first sync; the others never re-read a source on their own.
    expect(a.firsts).toEqual(['a']);
    expect(a.calls.length).toBeGreaterThanOrEqual(2);
    expect([b.schedule.holding(), c.schedule.holding()]).toEqual([false, false]);
    expect([...b.calls, ...c.calls, ...b.firsts, ...c.firsts]).toEqual([]);

    // a stops (a shutdown): it gives the schedule back and another replica takes it at its next ask.
    await a.schedule.stop();
    const afterStop = a.calls.length;
    await expect.poll(() => b.schedule.holding() || c.schedule.holding(), { timeout: 2_000 }).toBe(true);
    const [holder, waiting] = b.schedule.holding() ? [b, c] : [c, b];
    await expect.poll(() => holder.calls.length, { timeout: 2_000 }).toBeGreaterThanOrEqual(1);
    expect(holder.firsts).toHaveLength(1);
    expect(a.calls.length).toBe(afterStop);

    // The holder dies (nothing renews its lease any more): the last replica takes over after the lease's TTL.
    const died = Date.now();
    await holder.connection.close();
    await expect.poll(() => waiting.schedule.holding(), { timeout: 3_000 }).toBe(true);
    expect(Date.now() - died).toBeGreaterThanOrEqual(fast.ttlMs - 150);
    await expect.poll(() => waiting.calls.length, { timeout: 2_000 }).toBeGreaterThanOrEqual(1);
    // The dead holder's schedule stopped too, once it learnt it lost the lease.
    await expect.poll(() => holder.schedule.holding(), { timeout: 2_000 }).toBe(false);
    const frozen = holder.calls.length;
    await sleep(300);
    expect(holder.calls.length).toBe(frozen);

    await Promise.all([holder.schedule.stop(), waiting.schedule.stop()]);
  });
});
