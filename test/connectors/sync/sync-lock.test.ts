import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../app/database.ts';
import { SyncLocks, syncLockLeases } from '../../../connectors/sync/sync-lock.ts';
import { type HeldLease, LeaseLostError } from '../../../rag/store/leases.ts';
import { holdLeaseInChild } from '../../helpers/lease-contention.ts';
import { forEachDialect } from '../../helpers/sql-stores.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

// The per-source sync lock: one holder at a time, released on finish, taken over from holders that died.

const tmp = tempDir('lore-sync-lock-');
afterAll(() => tmp.cleanup());

function database(name: string) {
  return openDatabase(path.join(tmp.dir, name));
}

describe('the sync lock', () => {
  it('lets one sync of a source run at a time, and others of other sources alongside', () => {
    const db = database('one-at-a-time');
    const locks = new SyncLocks(db);
    const first = locks.acquire('notion');
    expect('lock' in first).toBe(true);
    const second = locks.acquire('notion');
    expect(second).toMatchObject({ holder: { pid: process.pid } });
    expect('lock' in locks.acquire('github')).toBe(true);
    expect(locks.holder('notion')).toMatchObject({ pid: process.pid });
    if ('lock' in first) first.lock.release();
    expect(locks.holder('notion')).toBeUndefined();
    expect('lock' in locks.acquire('notion')).toBe(true);
    db.close();
  });

  it('only lets the holder release the lock, and releasing twice is harmless', () => {
    const db = database('release');
    const locks = new SyncLocks(db);
    const first = locks.acquire('files');
    if (!('lock' in first)) throw new Error('not taken');
    first.lock.release();
    const second = locks.acquire('files');
    first.lock.release();
    expect(locks.holder('files')).toBeDefined();
    if ('lock' in second) second.lock.release();
    db.close();
  });

  it('takes over a lock whose holder stopped renewing it (expired) or whose process is gone', () => {
    const db = database('stale');
    let now = 1_000_000;
    const elsewhere = new SyncLocks(db, { host: 'other-host', pid: 1, ttlMs: 60_000, now: () => now });
    expect('lock' in elsewhere.acquire('notion')).toBe(true);
    const here = new SyncLocks(db, { now: () => now });
    expect('holder' in here.acquire('notion')).toBe(true);
    now += 60_001;
    expect('lock' in here.acquire('notion')).toBe(true);

    // On this host a dead pid frees the lock at once, before it expires.
    const dead = new SyncLocks(db, { pid: 2 ** 22 + 12345, ttlMs: 600_000 });
    expect('lock' in dead.acquire('github')).toBe(true);
    expect('lock' in new SyncLocks(db).acquire('github')).toBe(true);
    db.close();
  });

  it('renews the lock while the sync runs', async () => {
    const db = database('heartbeat');
    const locks = new SyncLocks(db, { ttlMs: 300, heartbeatMs: 50, host: 'far-away', pid: 1 });
    const taken = locks.acquire('web');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect('holder' in new SyncLocks(db).acquire('web')).toBe(true);
    if ('lock' in taken) taken.lock.release();
    db.close();
  });

  it('holds across processes: refused while another process holds it, taken once that process is killed', async () => {
    const dir = path.join(tmp.dir, 'cross-process');
    const db = openDatabase(dir);
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/connectors/sync/hold-sync-lock.mts'), dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    expect(line.toString().trim()).toBe('locked');
    const locks = new SyncLocks(db);
    expect(locks.acquire('notion')).toMatchObject({ holder: { pid: child.pid } });
    child.kill('SIGKILL');
    await once(child, 'exit');
    const taken = locks.acquire('notion');
    expect('lock' in taken).toBe(true);
    if ('lock' in taken) taken.lock.release();
    db.close();
  }, 30_000);
});

// The same lock on the storage seam, for SQLite and PostgreSQL alike: each store is what processes or replicas share,
// and each connection to it stands for one of them.
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
