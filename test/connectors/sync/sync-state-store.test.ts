import { expect, it } from 'vitest';
import { SyncStateStore } from '../../../connectors/sync/sync-state-store.ts';
import type { IndexSummary } from '../../../rag/index/indexer.ts';
import { forEachDialect } from '../../helpers/sql-stores.ts';

// Each source's sync state on SQLite and PostgreSQL alike: the cursor moves only with a sync that nothing retryable
// failed in, and what one replica (connection) records, another reads.

const summary = (failed = 0): IndexSummary => ({
  added: 2,
  updated: 1,
  unchanged: 5,
  deleted: 0,
  failed: Array.from({ length: failed }, (_, i) => ({ path: `notion:pages/${i}`, error: 'Notion answered 500' })),
  retryableFailures: failed,
});

forEachDialect('SyncStateStore', (stores) => {
  async function store(): Promise<{ state: SyncStateStore; other: SyncStateStore }> {
    const created = await stores.create();
    return { state: new SyncStateStore(await created.connect()), other: new SyncStateStore(await created.connect()) };
  }

  it('has an empty cursor and nothing else before the first sync', async () => {
    const { state } = await store();
    expect(await state.get('notion')).toEqual({ cursor: {} });
  });

  it('commits the cursor of a sync that finished without failures, for every replica to read', async () => {
    const { state, other } = await store();
    await state.recordFinished('notion', summary(), '2025-01-01T00:00:00.000Z', { watermark: '2025-01-01T00:00:00.000Z' });
    expect(await other.get('notion')).toEqual({
      cursor: { watermark: '2025-01-01T00:00:00.000Z' },
      lastSyncAt: '2025-01-01T00:00:00.000Z',
      lastRunAt: '2025-01-01T00:00:00.000Z',
      lastSummary: summary(),
    });
    expect(await other.get('github')).toEqual({ cursor: {} });
  });

  it('keeps the previous cursor and last success when a sync finished with failures a retry may fix', async () => {
    const { state } = await store();
    await state.recordFinished('github', summary(), '2025-01-01T00:00:00.000Z', { etag: 'one' });
    await state.recordFinished('github', summary(1), '2025-01-02T00:00:00.000Z');
    expect(await state.get('github')).toEqual({
      cursor: { etag: 'one' },
      lastSyncAt: '2025-01-01T00:00:00.000Z',
      lastRunAt: '2025-01-02T00:00:00.000Z',
      lastSummary: summary(1),
    });
  });

  it('records a first sync that finished with failures without committing any cursor', async () => {
    const { state } = await store();
    await state.recordFinished('web', summary(2), '2025-01-01T00:00:00.000Z');
    expect(await state.get('web')).toEqual({ cursor: {}, lastRunAt: '2025-01-01T00:00:00.000Z', lastSummary: summary(2) });
  });

  it('records why a sync stopped, keeping the cursor and the summary, until the next finished sync clears it', async () => {
    const { state, other } = await store();
    await state.recordError('files', 'interrupted');
    expect(await other.get('files')).toEqual({ cursor: {}, lastError: 'interrupted' });
    await state.recordFinished('files', summary(), '2025-01-01T00:00:00.000Z', { files: 'a' });
    await other.recordError('files', 'the connection was reset');
    expect(await state.get('files')).toMatchObject({ cursor: { files: 'a' }, lastSummary: summary(), lastError: 'the connection was reset' });
    await state.recordFinished('files', summary(), '2025-01-02T00:00:00.000Z', { files: 'b' });
    expect(await other.get('files')).toEqual({
      cursor: { files: 'b' },
      lastSyncAt: '2025-01-02T00:00:00.000Z',
      lastRunAt: '2025-01-02T00:00:00.000Z',
      lastSummary: summary(),
    });
  });

  it('drops a cursor that is not flat strings (a hand edit, an older format) instead of failing the sync', async () => {
    const created = await stores.create();
    const db = await created.connect();
    const state = new SyncStateStore(db);
    await db.run("INSERT INTO sync_state (source, cursor) VALUES ('notion', 'not json'), ('github', '[1]')");
    await db.run(`INSERT INTO sync_state (source, cursor) VALUES ('web', '{"page":"2","depth":3}')`);
    expect((await state.get('notion')).cursor).toEqual({});
    expect((await state.get('github')).cursor).toEqual({});
    expect((await state.get('web')).cursor).toEqual({ page: '2' });
  });
});
