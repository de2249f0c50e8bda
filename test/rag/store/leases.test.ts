import { expect, it } from 'vitest';
import type { SqlDatabase } from '../../../rag/contracts/sql-database.ts';
import { keepLease } from '../../../rag/store/lease-keeper.ts';
import { type HeldLease, LeaseLostError, Leases } from '../../../rag/store/leases.ts';
import { holdLeaseInChild } from '../../helpers/lease-contention.ts';
import { forEachDialect } from '../../helpers/sql-stores.ts';

// Named leases and their keeper, on SQLite and PostgreSQL alike: one holder of a duty at a time among replicas (each a
// connection to the store, on a host of its own), taken over automatically when the holder dies.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

forEachDialect('named leases', (stores) => {
  const fast = { ttlMs: 400, heartbeatMs: 100 };

  it('has one holder of a name at a time, whoever asks, and names it to the others', async () => {
    const store = await stores.create();
    const replicas = await Promise.all(['a', 'b', 'c'].map(async (host) => new Leases(await store.connect(), { host })));
    const results = await Promise.all(replicas.map((leases) => leases.acquire('discord-gateway')));
    const won = results.flatMap((result) => ('lease' in result ? [result.lease] : []));
    expect(won).toHaveLength(1);
    for (const result of results) if ('holder' in result) expect(result.holder.owner).toBe(won[0]!.owner);
    // Another name is another lease.
    expect('lease' in (await replicas[0]!.acquire('something-else'))).toBe(true);
  });

  it('is taken over once its holder stopped renewing it, and the old holder learns it lost it', async () => {
    const store = await stores.create();
    // A holder that renews less often than its lease lives stands for one that stalled (a paused process).
    const stalled = new Leases(await store.connect(), { host: 'a', ttlMs: 300, heartbeatMs: 1_000 });
    const other = new Leases(await store.connect(), { host: 'b' });
    const first = await stalled.acquire('gateway');
    if (!('lease' in first)) throw new Error('not taken');
    expect(await other.acquire('gateway')).toMatchObject({ holder: { host: 'a' } });
    await sleep(350);
    expect('lease' in (await other.acquire('gateway'))).toBe(true);
    expect(first.lease.signal.aborted).toBe(false);
    await until(() => first.lease.signal.aborted, 2_000, 'the old holder to notice at its next renewal');
    expect(first.lease.signal.reason).toBeInstanceOf(LeaseLostError);
    expect(await other.holder('gateway')).toMatchObject({ host: 'b' });
  });

  it('is given up by a holder that cannot reach the store past its expiry', async () => {
    const store = await stores.create();
    const db = await store.connect();
    const taken = await new Leases(db, { host: 'a', ...fast }).acquire('gateway');
    if (!('lease' in taken)) throw new Error('not taken');
    await db.close();
    await until(() => taken.lease.signal.aborted, 3_000, 'the lease to be given up');
    expect(String(taken.lease.signal.reason)).toMatch(/could not be reached/);
    // Meanwhile another replica takes it, its expiry passed.
    expect('lease' in (await new Leases(await store.connect(), { host: 'b' }).acquire('gateway'))).toBe(true);
  });

  it("hands the duty to another replica's keeper within the TTL when the holder dies, and at once when it stops", async () => {
    const store = await stores.create();
    const duty: string[] = [];
    const replica = async (host: string, db?: SqlDatabase) => {
      const connection = db ?? (await store.connect());
      let held: HeldLease | undefined;
      const keeper = keepLease(new Leases(connection, { host, ...fast }), 'discord-gateway', {
        retryMs: 50,
        onHeld(lease) {
          held = lease;
          duty.push(`${host} connects`);
          lease.signal.addEventListener('abort', () => duty.push(`${host} disconnects`));
        },
      });
      return { keeper, connection, held: () => held };
    };
    const a = await replica('a');
    await until(() => a.keeper.holding(), 2_000, 'a to hold the lease');
    const b = await replica('b');
    await sleep(300);
    expect(b.keeper.holding()).toBe(false);
    expect(duty).toEqual(['a connects']);

    // a dies: its connection to the store is gone and nothing renews its lease. b takes over after the TTL.
    const died = Date.now();
    await a.connection.close();
    await until(() => b.keeper.holding(), 3_000, 'b to take over');
    expect(Date.now() - died).toBeGreaterThanOrEqual(fast.ttlMs - 150);
    await until(() => duty.includes('a disconnects'), 1_000, 'a to stop its duty');
    // a, cut off from the store, notices on its own clock: before or after b connects.
    expect(duty.filter((event) => event !== 'a disconnects')).toEqual(['a connects', 'b connects']);

    // b stops cleanly (a shutdown): it gives the lease back, and a third replica takes it at the next ask.
    const c = await replica('c');
    await sleep(200);
    expect(c.keeper.holding()).toBe(false);
    const stopped = Date.now();
    await b.keeper.stop();
    expect(duty.slice(-1)).toEqual(['b disconnects']);
    await until(() => c.keeper.holding(), 2_000, 'c to take over');
    expect(Date.now() - stopped).toBeLessThan(fast.ttlMs);
    await c.keeper.stop();
    await a.keeper.stop();
  });

  it('keeps asking when starting the duty fails, giving the lease back meanwhile', async () => {
    const store = await stores.create();
    let tries = 0;
    const errors: unknown[] = [];
    const keeper = keepLease(new Leases(await store.connect(), { ...fast }), 'gateway', {
      retryMs: 50,
      onHeld() {
        tries += 1;
        if (tries < 3) throw new Error('the gateway refused');
      },
      onError: (error) => errors.push(error),
    });
    await until(() => tries === 3, 3_000, 'the third try');
    expect(errors).toHaveLength(2);
    expect(keeper.holding()).toBe(true);
    await keeper.stop();
    expect(await new Leases(await store.connect()).holder('gateway')).toBeUndefined();
  });

  it('is refused while another process holds it, and taken at once when that process is killed on this host', async () => {
    const store = await stores.create();
    const child = await holdLeaseInChild('leases', 'gateway', store);
    const leases = new Leases(await store.connect());
    expect(await leases.acquire('gateway')).toMatchObject({ holder: { pid: child.pid } });
    await child.kill();
    expect('lease' in (await leases.acquire('gateway'))).toBe(true);
  }, 30_000);
});
