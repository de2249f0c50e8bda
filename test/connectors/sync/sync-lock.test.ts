import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../app/database.ts';
import { SyncLocks } from '../../../connectors/sync/sync-lock.ts';
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
