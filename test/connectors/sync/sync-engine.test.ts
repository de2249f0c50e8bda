import { expect, it } from 'vitest';
import type { Connector, SourceListing } from '../../../connectors/connector.ts';
import { runSync, type SyncEngineDeps } from '../../../connectors/sync/sync-engine.ts';
import { syncLockLeases, type SyncLockOptions } from '../../../connectors/sync/sync-lock.ts';
import { SyncStateStore } from '../../../connectors/sync/sync-state-store.ts';
import { SyncBusyError } from '../../../rag/contracts/sync.ts';
import type { SqlDatabase } from '../../../rag/contracts/sql-database.ts';
import type { IndexSummary } from '../../../rag/index/indexer.ts';
import { LeaseLostError } from '../../../rag/store/leases.ts';
import { forEachDialect } from '../../helpers/sql-stores.ts';

// The engine's lock and state on SQLite and PostgreSQL alike, each connection standing for a replica: one sync of a
// source at a time across replicas, the lock given back however the sync ends, and a sync that lost its lock to
// another replica stopping without committing anything. The index itself is the other tests' concern (notion-sync,
// sync-crash): here it only counts what it was given.

const listing = (cursor: string): SourceListing => ({
  inputs: [
    { id: 'notion:page', location: 'notion:page', fingerprint: cursor, load: () => Promise.reject(new Error('the stub index loads nothing')) },
  ],
  completeUnder: [],
  deleted: [],
  cursor: { watermark: cursor },
});

function engine(db: SqlDatabase, locks: SyncLockOptions = {}): SyncEngineDeps & { indexed: number } {
  const deps = {
    indexed: 0,
    state: new SyncStateStore(db),
    locks: syncLockLeases(db, locks),
    indexer: {
      index: async (inputs: unknown[]): Promise<IndexSummary> => {
        deps.indexed += inputs.length;
        return { added: inputs.length, updated: 0, unchanged: 0, deleted: 0, failed: [], retryableFailures: 0 };
      },
      deleteDocuments: async () => 0,
    },
  };
  return deps;
}

/** A connector whose listing waits until `release` is called, or until the sync is stopped. */
function waitingConnector(cursor: string): Connector & { listing: Promise<void>; release(): void } {
  let release = () => {};
  let listed = () => {};
  const started = new Promise<void>((resolve) => {
    listed = resolve;
  });
  return {
    source: 'notion',
    listing: started,
    release: () => release(),
    list: ({ signal }) =>
      new Promise((resolve, reject) => {
        listed();
        release = () => resolve(listing(cursor));
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
  };
}

forEachDialect('the sync engine', (stores) => {
  it('commits the cursor of a finished sync and gives the lock back', async () => {
    const store = await stores.create();
    const deps = engine(await store.connect());
    const report = await runSync({ source: 'notion', list: async () => listing('t1') }, deps);
    expect(report).toMatchObject({ source: 'notion', added: 1, failed: [] });
    expect(await deps.state.get('notion')).toMatchObject({ cursor: { watermark: 't1' } });
    expect(await deps.locks.holder('notion')).toBeUndefined();
  });

  it('refuses a sync of a source another replica is syncing, naming the holder, and runs it once that one finished', async () => {
    const store = await stores.create();
    const here = engine(await store.connect());
    const there = engine(await store.connect(), { host: 'replica-b' });
    const connector = waitingConnector('t1');
    const running = runSync(connector, there);
    await connector.listing;
    const busy = await runSync({ source: 'notion', list: async () => listing('t2') }, here).catch((error: unknown) => error);
    expect(busy).toBeInstanceOf(SyncBusyError);
    expect((busy as SyncBusyError).holder).toMatchObject({ host: 'replica-b', pid: process.pid });
    // Other sources are not held up by it.
    await expect(runSync({ source: 'github', list: async () => listing('g1') }, here)).resolves.toMatchObject({ source: 'github' });
    connector.release();
    await running;
    await expect(runSync({ source: 'notion', list: async () => listing('t2') }, here)).resolves.toMatchObject({ added: 1 });
    expect(await there.state.get('notion')).toMatchObject({ cursor: { watermark: 't2' } });
  });

  it('gives the lock back and records why when a sync fails or is cancelled', async () => {
    const store = await stores.create();
    const deps = engine(await store.connect());
    const failing: Connector = { source: 'web', list: () => Promise.reject(new Error('the site answered 503')) };
    await expect(runSync(failing, deps)).rejects.toThrow(/503/);
    expect(await deps.state.get('web')).toEqual({ cursor: {}, lastError: 'the site answered 503' });
    expect(await deps.locks.holder('web')).toBeUndefined();

    const connector = waitingConnector('t1');
    const controller = new AbortController();
    const cancelled = runSync(connector, deps, { signal: controller.signal });
    await connector.listing;
    controller.abort(new Error('shutting down'));
    await expect(cancelled).rejects.toThrow(/shutting down/);
    expect(await deps.state.get('notion')).toEqual({ cursor: {}, lastError: 'interrupted' });
    expect(await deps.locks.holder('notion')).toBeUndefined();
  });

  it('takes over the lock of a sync whose process died', async () => {
    const store = await stores.create();
    const dead = await syncLockLeases(await store.connect(), { pid: 2 ** 22 + 12345 }).acquire('notion');
    expect('lease' in dead).toBe(true);
    const deps = engine(await store.connect());
    await expect(runSync({ source: 'notion', list: async () => listing('t1') }, deps)).resolves.toMatchObject({ added: 1 });
  });

  it('stops a sync whose lock another replica took over, leaving the cursor and the state to that replica', async () => {
    const store = await stores.create();
    // Another replica finds this one's lock expired (as it would after a stall longer than the TTL) and takes it over.
    const stalled = engine(await store.connect(), { ttlMs: 300, heartbeatMs: 50 });
    const connector = waitingConnector('stale');
    const syncing = runSync(connector, stalled).catch((error: unknown) => error);
    await connector.listing;
    const other = engine(await store.connect(), { host: 'replica-b' });
    const takeover = await syncLockLeases(await store.connect(), { host: 'replica-b', now: () => Date.now() + 10_000 }).acquire('notion');
    expect('lease' in takeover).toBe(true);
    const error = await syncing;
    expect(error).toBeInstanceOf(LeaseLostError);
    expect(stalled.indexed).toBe(0);
    expect(await other.state.get('notion')).toEqual({ cursor: {} });
    // The lost holder's release does not free the lock it no longer has.
    expect(await other.locks.holder('notion')).toMatchObject({ host: 'replica-b' });
  });
});
