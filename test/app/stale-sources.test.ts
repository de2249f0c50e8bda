import { expect, it, vi } from 'vitest';
import { createLogger } from '../../app/logger.ts';
import { startStaleSourceNotices, StaleSources } from '../../app/stale-sources.ts';
import type { SyncService } from '../../app/sync-service.ts';
import type { PostedChatAnswer, StaleNotifier, StaleThread } from '../../bot/conversation/stale-notices.ts';
import type { SqlDatabase } from '../../rag/contracts/sql-database.ts';
import type { SourceSyncReport } from '../../rag/contracts/sync.ts';
import type { StoredDocument } from '../../rag/store/chunk-store.ts';
import type { Answer, Citation } from '../../rag/types.ts';
import { makeAnswer } from '../helpers/answer.ts';
import { forEachDialect, type TestStores } from '../helpers/sql-stores.ts';

// Stale-source notices on SQLite and PostgreSQL alike: what an answer cited is recorded, a check after a sync tells
// each thread once of what changed, and two replicas checking at once post one notice between them.

// The index as the stale-source check sees it: each document's chunk ids (document, ordinal and content hash, so
// they change exactly when a passage's text does) and when it was last modified.
class FakeIndex {
  readonly docs = new Map<string, { chunkIds: string[]; modifiedAt?: string }>();
  set(docId: string, chunkIds: string[], modifiedAt?: string): void {
    this.docs.set(docId, { chunkIds, ...(modifiedAt ? { modifiedAt } : {}) });
  }
  async chunkIdsOf(docId: string): Promise<string[]> {
    return this.docs.get(docId)?.chunkIds ?? [];
  }
  /** Awaited before a document is read (the check reads it just before it claims a thread's notice). */
  beforeRead: (() => Promise<void>) | undefined;
  async getDocument(docId: string): Promise<StoredDocument | undefined> {
    await this.beforeRead?.();
    const doc = this.docs.get(docId);
    return doc && ({ id: docId, indexedAt: '2026-05-03T10:00:00.000Z', modifiedAt: doc.modifiedAt } as StoredDocument);
  }
}

class RecordingNotifier implements StaleNotifier {
  readonly posted: StaleThread[] = [];
  optedInChannels = new Set(['COPTED']);
  connected = true;
  failWith: Error | undefined;
  /** Called as a post starts; the post then waits for `gate`. */
  onPost: (() => void) | undefined;
  gate: Promise<void> | undefined;
  optedIn(where: Pick<StaleThread, 'scopeChannelId'>): boolean {
    return this.optedInChannels.has(where.scopeChannelId);
  }
  async post(thread: StaleThread): Promise<boolean> {
    this.onPost?.();
    await this.gate;
    if (this.failWith) throw this.failWith;
    if (!this.connected) return false;
    this.posted.push(thread);
    return true;
  }
}

const cite = (n: number, docId: string, title = `Doc ${docId}`): Citation => ({
  n,
  title,
  url: `https://notion.test/${docId}`,
  source: 'notion',
  docId,
  chunkId: `${docId}-c${n}`,
});

/** An answer as posted in thread T-1 of the opted-in channel, unless `where` says otherwise. */
function postedAnswer(answer: Answer, where: Partial<PostedChatAnswer> = {}): PostedChatAnswer {
  return {
    answer,
    platform: 'slack',
    workspaceId: 'T1',
    channelId: 'COPTED',
    scopeChannelId: 'COPTED',
    threadId: 'T-1',
    messageId: `M-${answer.id}`,
    userId: 'U1',
    ...where,
  };
}

async function setup(stores: TestStores) {
  const store = await stores.create();
  const db = await store.connect();
  let now = new Date('2026-05-03T12:00:00Z');
  const index = new FakeIndex();
  const notifier = new RecordingNotifier();
  const stale = new StaleSources({ db, chunks: index, log: createLogger('silent'), now: () => now });
  const post = (fields: Partial<PostedChatAnswer> & { citations: Citation[]; id?: string }): Promise<void> => {
    const { citations, id, ...where } = fields;
    return stale.record(postedAnswer(makeAnswer({ id: id ?? `a${Math.random()}`, citations }), where));
  };
  return {
    db,
    index,
    notifier,
    stale,
    post,
    check: () => stale.check(notifier),
    /** An answer in the opted-in thread citing document `docId` as [1], then a change to its passages. */
    citedThenChanged: async (docId: string, where: Partial<PostedChatAnswer> = {}) => {
      index.set(docId, [`${docId}-0-aaa`]);
      await post({ ...where, citations: [cite(1, docId)] });
      index.set(docId, [`${docId}-0-bbb`]);
    },
    advance: (hours: number) => {
      now = new Date(now.getTime() + hours * 3_600_000);
    },
    /** The same store as another replica sees it: its own connection, the same index and clock. */
    replica: async () => new StaleSources({ db: await store.connect(), chunks: index, log: createLogger('silent'), now: () => now }),
  };
}

async function answerSources(db: SqlDatabase): Promise<string[]> {
  return (await db.query<{ answer_id: string }>('SELECT answer_id FROM answer_sources ORDER BY answer_id')).map((row) => row.answer_id);
}

forEachDialect('stale-source checks after a sync', (stores) => {
  it('tell nothing when no cited document changed', async () => {
    const t = await setup(stores);
    t.index.set('d1', ['d1-0-aaa', 'd1-1-bbb']);
    await t.post({ citations: [cite(1, 'd1')] });
    expect(await t.check()).toEqual({ notified: 0, skipped: 0, pending: 0 });
    expect(t.notifier.posted).toEqual([]);
  });

  it('tell the thread once which citation changed, when its chunks changed, and not again for the same change', async () => {
    const t = await setup(stores);
    t.index.set('d1', ['d1-0-aaa']);
    t.index.set('d2', ['d2-0-ccc', 'd2-1-ddd']);
    await t.post({ citations: [cite(1, 'd1'), cite(2, 'd2', 'Backup policy'), cite(3, 'd2', 'Backup policy')] });
    t.index.set('d2', ['d2-0-ccc', 'd2-1-eee'], '2026-05-03T11:30:00.000Z');
    expect(await t.check()).toEqual({ notified: 1, skipped: 0, pending: 0 });
    expect(t.notifier.posted).toEqual([
      {
        platform: 'slack',
        workspaceId: 'T1',
        channelId: 'COPTED',
        scopeChannelId: 'COPTED',
        threadId: 'T-1',
        citations: [{ n: 2, title: 'Backup policy', change: 'changed', at: '2026-05-03T11:30:00.000Z' }],
      },
    ]);
    expect(await t.check()).toEqual({ notified: 0, skipped: 0, pending: 0 });
    expect(t.notifier.posted).toHaveLength(1);
  });

  it('tell a thread at most once a day: a second change the same day is settled without a notice', async () => {
    const t = await setup(stores);
    await t.citedThenChanged('d1');
    await t.check();
    t.advance(5);
    t.index.set('d1', ['d1-0-ccc']);
    expect(await t.check()).toEqual({ notified: 0, skipped: 1, pending: 0 });
    t.advance(20);
    expect(await t.check()).toEqual({ notified: 0, skipped: 0, pending: 0 });
    t.index.set('d1', ['d1-0-ddd']);
    expect(await t.check()).toEqual({ notified: 1, skipped: 0, pending: 0 });
    expect(t.notifier.posted).toHaveLength(2);
  });

  it('say a document that is gone was removed', async () => {
    const t = await setup(stores);
    t.index.set('d1', ['d1-0-aaa']);
    await t.post({ citations: [cite(1, 'd1', 'Runbook')] });
    t.index.docs.delete('d1');
    await t.check();
    expect(t.notifier.posted[0]?.citations).toEqual([{ n: 1, title: 'Runbook', change: 'removed', at: '2026-05-03T12:00:00.000Z' }]);
  });

  it('never tell a channel that did not opt in, and settle its change', async () => {
    const t = await setup(stores);
    await t.citedThenChanged('d1', { channelId: 'CPLAIN', scopeChannelId: 'CPLAIN' });
    expect(await t.check()).toEqual({ notified: 0, skipped: 1, pending: 0 });
    expect(await t.check()).toEqual({ notified: 0, skipped: 0, pending: 0 });
    expect(t.notifier.posted).toEqual([]);
  });

  it('keep a notice whose platform is not connected, or whose posting failed, for the next check', async () => {
    const t = await setup(stores);
    await t.citedThenChanged('d1');
    t.notifier.connected = false;
    expect(await t.check()).toEqual({ notified: 0, skipped: 0, pending: 1 });
    t.notifier.connected = true;
    t.notifier.failWith = new Error('ratelimited');
    expect(await t.check()).toEqual({ notified: 0, skipped: 0, pending: 1 });
    t.notifier.failWith = undefined;
    expect(await t.check()).toEqual({ notified: 1, skipped: 0, pending: 0 });
    expect(t.notifier.posted).toHaveLength(1);
  });

  it('tell nothing about answers older than 30 days', async () => {
    const t = await setup(stores);
    t.index.set('d1', ['d1-0-aaa']);
    await t.post({ citations: [cite(1, 'd1')] });
    t.advance(30 * 24 + 1);
    t.index.set('d1', ['d1-0-bbb']);
    expect(await t.check()).toEqual({ notified: 0, skipped: 0, pending: 0 });
    expect(await answerSources(t.db)).toEqual([]);
  });

  it('record nothing for an abstention, whose citations are only the closest sources', async () => {
    const t = await setup(stores);
    t.index.set('d1', ['d1-0-aaa']);
    await t.stale.record(postedAnswer(makeAnswer({ id: 'abst', mode: 'abstained', abstained: true, citations: [cite(1, 'd1')] })));
    t.index.set('d1', ['d1-0-bbb']);
    expect(await t.check()).toEqual({ notified: 0, skipped: 0, pending: 0 });
  });

  it('follow the answer given again in place of an edited question, not the one it replaced', async () => {
    const t = await setup(stores);
    t.index.set('d1', ['d1-0-aaa']);
    t.index.set('d2', ['d2-0-aaa']);
    await t.post({ id: 'first', messageId: 'M-same', citations: [cite(1, 'd1')] });
    await t.post({ id: 'second', messageId: 'M-same', citations: [cite(1, 'd2')] });
    t.index.set('d1', ['d1-0-bbb']);
    expect(await t.check()).toEqual({ notified: 0, skipped: 0, pending: 0 });
    t.index.set('d2', ['d2-0-bbb']);
    expect(await t.check()).toEqual({ notified: 1, skipped: 0, pending: 0 });
  });

  it('follow an answer recorded again from another message to its new thread', async () => {
    const t = await setup(stores);
    t.index.set('d1', ['d1-0-aaa']);
    await t.post({ id: 'moved', messageId: 'M-1', citations: [cite(1, 'd1')] });
    await t.post({ id: 'moved', messageId: 'M-2', threadId: 'T-2', citations: [cite(2, 'd1', 'Renamed')] });
    t.index.set('d1', ['d1-0-bbb']);
    expect(await t.check()).toEqual({ notified: 1, skipped: 0, pending: 0 });
    expect(t.notifier.posted.map((thread) => [thread.threadId, thread.citations.map((c) => [c.n, c.title])])).toEqual([['T-2', [[2, 'Renamed']]]]);
  });

  it('post one notice between two replicas checking the same thread at once: the one that claims it', async () => {
    const t = await setup(stores);
    await t.citedThenChanged('d1');
    const other = await t.replica();
    // The posting replica waits until the other has finished (two connections of one process must not both hold
    // SQLite's write lock: one would wait for the other on the thread that has to let it finish).
    let posting!: () => void;
    const claimed = new Promise<void>((resolve) => {
      posting = resolve;
    });
    let release!: () => void;
    t.notifier.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    t.notifier.onPost = posting;
    // Both read the thread's last notice (none) before either claims it.
    let arrived = 0;
    let bothThere!: () => void;
    const together = new Promise<void>((resolve) => {
      bothThere = resolve;
    });
    t.index.beforeRead = () => {
      if (++arrived === 2) bothThere();
      return together;
    };
    const checks = [t.check(), other.check(t.notifier)];
    await claimed;
    const loser = await Promise.race(checks);
    expect(loser).toEqual({ notified: 0, skipped: 1, pending: 0 });
    release();
    const results = await Promise.all(checks);
    expect(results).toContainEqual({ notified: 1, skipped: 0, pending: 0 });
    expect(t.notifier.posted).toHaveLength(1);
    expect(await other.check(t.notifier)).toEqual({ notified: 0, skipped: 0, pending: 0 });
  });

  it('name the latest answer of a thread whose sources changed, in one notice for the thread', async () => {
    const t = await setup(stores);
    t.index.set('d1', ['d1-0-aaa']);
    t.index.set('d2', ['d2-0-aaa']);
    await t.post({ id: 'older', citations: [cite(1, 'd1')] });
    t.advance(1);
    await t.post({ id: 'newer', citations: [cite(1, 'd1'), cite(2, 'd2')] });
    t.index.set('d1', ['d1-0-bbb']);
    t.index.set('d2', ['d2-0-bbb']);
    expect(await t.check()).toEqual({ notified: 1, skipped: 0, pending: 0 });
    expect(t.notifier.posted[0]?.citations.map((c) => c.n)).toEqual([1, 2]);
  });
});

forEachDialect('stale-source notices wired to a sync service', (stores) => {
  const notionSynced = (): SourceSyncReport => ({
    source: 'notion',
    added: 0,
    updated: 1,
    unchanged: 0,
    deleted: 0,
    failed: [],
    retryableFailures: 0,
    durationMs: 1,
  });

  it('record answers where notices may be posted, check after every finished sync, and no longer once stopped', async () => {
    const db = await (await stores.create()).connect();
    const index = new FakeIndex();
    const notifier = new RecordingNotifier();
    let listener: ((report: SourceSyncReport) => void) | undefined;
    const sync: Pick<SyncService, 'onSourceSynced'> = {
      onSourceSynced: (l) => {
        listener = l;
        return () => {
          listener = undefined;
        };
      },
    };
    const notices = startStaleSourceNotices({ db, chunks: index, log: createLogger('silent'), sync, notifier });
    index.set('d1', ['d1-0-aaa']);
    notices.answerPosted(postedAnswer(makeAnswer({ id: 'a1', citations: [cite(1, 'd1')] })));
    notices.answerPosted(postedAnswer(makeAnswer({ id: 'a2', citations: [cite(1, 'd1')] }), { channelId: 'CPLAIN', scopeChannelId: 'CPLAIN' }));
    await notices.idle();
    expect(await answerSources(db)).toEqual(['a1']);
    index.set('d1', ['d1-0-bbb']);
    listener!(notionSynced());
    await notices.idle();
    expect(notifier.posted).toHaveLength(1);
    await notices.stop();
    expect(listener).toBeUndefined();
  });

  it('post a notice that waited for its platform to connect without waiting for the next sync', async () => {
    const db = await (await stores.create()).connect();
    const index = new FakeIndex();
    const notifier = new RecordingNotifier();
    notifier.connected = false;
    let listener: ((report: SourceSyncReport) => void) | undefined;
    const sync: Pick<SyncService, 'onSourceSynced'> = {
      onSourceSynced: (l) => {
        listener = l;
        return () => {};
      },
    };
    const notices = startStaleSourceNotices({ db, chunks: index, log: createLogger('silent'), sync, notifier, retryDelaysMs: [20] });
    index.set('d1', ['d1-0-aaa']);
    notices.answerPosted(postedAnswer(makeAnswer({ id: 'a1', citations: [cite(1, 'd1')] })));
    index.set('d1', ['d1-0-bbb']);
    listener!(notionSynced());
    await notices.idle();
    expect(notifier.posted).toEqual([]);
    notifier.connected = true;
    await vi.waitFor(() => expect(notifier.posted).toHaveLength(1), { timeout: 2_000, interval: 10 });
    await notices.stop();
  });
});
