import { expect, it } from 'vitest';
import { syncLockLeases } from '../../../connectors/sync/sync-lock.ts';
import { type HeldLease, LeaseLostError } from '../../../rag/store/leases.ts';
import { holdLeaseInChild } from '../../helpers/lease-contention.ts';
import { forEachDialect } from '../../helpers/sql-stores.ts';

// The per-source sync lock, on SQLite and PostgreSQL alike: one holder at a time, released on finish, taken over from
// holders that died. Each store is what processes or replicas share, and each connection to it stands for one of them.
forEachDialect('the sync lock on the storage seam', (stores) => {
  const taken = (result: { lease: HeldLease } | { holder: unknown }): HeldLease => {
    if (!('lease' in result)) throw new Error('not taken');
    return result.lease;
  };

  it('lets one sync of a source run at a time, and others of other sources alongside', async () => {
    const store = await stores.create();
    const [one, two] = [syncLockLeases(await store.connect()), syncLockLeases(await store.connect(), { host: 'other-replica' })];
    const first = taken(await one.acquire('notion'));
    expect(await two.acquire('notion')).toMatchObject({ holder: { pid: process.pid, owner: first.owner } });
    taken(await two.acquire('github'));
    expect(await two.holder('notion')).toMatchObject({ owner: first.owner });
    await first.release();
    expect(await two.holder('notion')).toBeUndefined();
    taken(await two.acquire('notion'));
  });

  it('gives the lock to exactly one of many replicas asking at once', async () => {
    const store = await stores.create();
    const replicas = await Promise.all([1, 2, 3, 4, 5].map(async (n) => syncLockLeases(await store.connect(), { host: `replica-${n}` })));
    const results = await Promise.all(replicas.map((locks) => locks.acquire('github')));
    const winners = results.filter((result) => 'lease' in result);
    expect(winners).toHaveLength(1);
    const owner = (winners[0] as { lease: HeldLease }).lease.owner;
    expect(results.filter((result) => 'holder' in result && result.holder.owner === owner)).toHaveLength(4);
  });

  it('only lets the holder release the lock, and releasing twice is harmless', async () => {
    const locks = syncLockLeases(await (await stores.create()).connect());
    const first = taken(await locks.acquire('files'));
    await first.release();
    const second = taken(await locks.acquire('files'));
    await first.release();
    expect(await locks.holder('files')).toMatchObject({ owner: second.owner });
    expect(first.signal.aborted).toBe(true);
    expect(second.signal.aborted).toBe(false);
    await second.release();
  });

  it('takes over a lock whose holder stopped renewing it (expired) or whose process is gone on this host', async () => {
    const store = await stores.create();
    let now = 1_000_000;
    const elsewhere = syncLockLeases(await store.connect(), { host: 'other-host', pid: 1, ttlMs: 60_000, now: () => now });
    taken(await elsewhere.acquire('notion'));
    const here = syncLockLeases(await store.connect(), { now: () => now });
    expect('holder' in (await here.acquire('notion'))).toBe(true);
    now += 60_001;
    taken(await here.acquire('notion'));

    const dead = syncLockLeases(await store.connect(), { pid: 2 ** 22 + 12345, ttlMs: 600_000 });
    taken(await dead.acquire('github'));
    taken(await syncLockLeases(await store.connect()).acquire('github'));
  });

  it('renews the lock while the sync runs, and tells a holder that lost it', async () => {
    const store = await stores.create();
    const holder = taken(await syncLockLeases(await store.connect(), { ttlMs: 300, heartbeatMs: 50, host: 'far-away', pid: 1 }).acquire('web'));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect('holder' in (await syncLockLeases(await store.connect()).acquire('web'))).toBe(true);
    expect(holder.signal.aborted).toBe(false);
    // Another replica whose clock says the lock expired takes it: the old holder's next renewal finds it gone.
    const later = syncLockLeases(await store.connect(), { now: () => Date.now() + 10_000 });
    taken(await later.acquire('web'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(holder.signal.aborted).toBe(true);
    expect(holder.signal.reason).toBeInstanceOf(LeaseLostError);
  });

  it('holds across processes: refused while another process holds it, taken once that process is killed', async () => {
    const store = await stores.create();
    const child = await holdLeaseInChild('sync_locks', 'notion', store);
    const locks = syncLockLeases(await store.connect());
    expect(await locks.acquire('notion')).toMatchObject({ holder: { pid: child.pid } });
    await child.kill();
    await taken(await locks.acquire('notion')).release();
  }, 30_000);
});
