// Stale-source notices, the data side (the chat side is bot/conversation/stale-notices.ts). Every answer posted in
// a chat thread is recorded with the documents it cited and the version of each document's passages it saw: a
// hash of the document's chunk ids, which the indexer keeps exactly while a passage's text stays the same (ids are
// document, ordinal and content hash). After every sync the recorded versions of the last 30 days are compared with
// the index: a document whose chunks changed, or that is gone, makes its thread due a notice. A sync that changed
// nothing, or only what never reaches a passage (a page touched upstream, a new title), changes no chunk id and
// costs no notice. Owner of the tables `answer_sources` and `stale_notices` (app/migrations.ts, version 5), on the
// storage seam (issue 19): SQLite for one process, or the PostgreSQL replicas share, where claiming a thread's notice
// in the store keeps two replicas checking at once to one notice between them.
import type { PostedChatAnswer, StaleCitation, StaleNotifier, StaleThread } from '../bot/conversation/stale-notices.ts';
import { decideStaleNotice, STALE_NOTICE_INTERVAL_MS } from '../bot/conversation/stale-notices.ts';
import { sha256 } from '../rag/hash.ts';
import type { SqlDatabase } from '../rag/contracts/sql-database.ts';
import { errorMessage } from '../rag/errors.ts';
import type { StoredDocument } from '../rag/store/chunk-store.ts';
import type { Logger } from './logger.ts';
import type { SyncService } from './sync-service.ts';

/** Answers older than this get no notices. */
export const STALE_WINDOW_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What the check asks of the index (the chunk store), awaited whether it answers at once or not: ChunkStore's reads
 * are moving onto the storage seam too, and become asynchronous with it.
 */
export interface IndexedDocuments {
  chunkIdsOf(docId: string): readonly string[] | Promise<readonly string[]>;
  getDocument(docId: string): StoredDocument | undefined | Promise<StoredDocument | undefined>;
}

export interface StaleSourcesOptions {
  db: SqlDatabase;
  chunks: IndexedDocuments;
  log: Logger;
  now?: () => Date;
}

/** What one check did, thread by thread. */
export interface StaleCheckResult {
  /** Threads told. */
  notified: number;
  /** Threads due a notice but not told: not opted in, or told within the day (their change is settled all the same). */
  skipped: number;
  /** Threads whose platform was not connected, or whose notice failed: tried again after the next sync. */
  pending: number;
}

interface SourceRow {
  answer_id: string;
  doc_id: string;
  citation: number;
  title: string;
  platform: string;
  workspace_id: string | null;
  channel_id: string;
  scope_channel_id: string;
  thread_id: string;
  chunks_version: string;
  cited_at: string;
}

/** A stale row with what the index holds now. */
interface StaleRow extends SourceRow {
  current: string;
}

/** The version of a document's passages: '' when it is not indexed. */
export function chunksVersion(chunkIds: readonly string[]): string {
  return chunkIds.length === 0 ? '' : sha256(chunkIds.join('\n')).slice(0, 32);
}

export class StaleSources {
  private readonly now: () => Date;
  private running: Promise<StaleCheckResult> | undefined;
  private again = false;
  /** Records in progress: a check waits for them, so that an answer posted before it is compared too. */
  private readonly recording = new Set<Promise<void>>();

  constructor(private readonly options: StaleSourcesOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Records the documents a chat answer cited and the version of each it saw (an answer given again in the same
   * message, to an edited question, replaces what was recorded for it). Abstentions and small talk cite nothing an
   * answer rests on: not recorded.
   */
  record(posted: PostedChatAnswer): Promise<void> {
    const recorded = this.recordNow(posted);
    const tracked = recorded.catch(() => undefined).finally(() => this.recording.delete(tracked));
    this.recording.add(tracked);
    return recorded;
  }

  private async recordNow(posted: PostedChatAnswer): Promise<void> {
    const { db } = this.options;
    const { answer } = posted;
    const firstCitation = new Map<string, { n: number; title: string }>();
    if (!answer.abstained && answer.mode !== 'chitchat') {
      for (const citation of [...answer.citations].sort((a, b) => a.n - b.n)) {
        if (!firstCitation.has(citation.docId)) firstCitation.set(citation.docId, { n: citation.n, title: citation.title });
      }
    }
    const citedAt = this.now().toISOString();
    // Read before the transaction: the chunk store is another store, and the transaction holds this one's connection.
    const versions = new Map<string, string>();
    for (const docId of firstCitation.keys()) versions.set(docId, await this.versionOf(docId));
    await db.transaction(async (tx) => {
      await tx.run('DELETE FROM answer_sources WHERE platform = ? AND channel_id = ? AND message_id = ?', [
        posted.platform,
        posted.channelId,
        posted.messageId,
      ]);
      for (const [docId, { n, title }] of firstCitation) {
        // The same answer recorded again (from another message) replaces its rows, as INSERT OR REPLACE did.
        await tx.run(
          `INSERT INTO answer_sources (answer_id, doc_id, citation, title, platform, workspace_id, channel_id, scope_channel_id,
                                       thread_id, message_id, chunks_version, cited_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (answer_id, doc_id) DO UPDATE SET citation = excluded.citation, title = excluded.title, platform = excluded.platform,
             workspace_id = excluded.workspace_id, channel_id = excluded.channel_id, scope_channel_id = excluded.scope_channel_id,
             thread_id = excluded.thread_id, message_id = excluded.message_id, chunks_version = excluded.chunks_version,
             cited_at = excluded.cited_at`,
          [
            answer.id,
            docId,
            n,
            title,
            posted.platform,
            posted.workspaceId ?? null,
            posted.channelId,
            posted.scopeChannelId,
            posted.threadId,
            posted.messageId,
            versions.get(docId)!,
            citedAt,
          ],
        );
      }
    });
  }

  /**
   * Compares what answers of the last 30 days cited with the index and tells their threads, through `notifier`, of
   * sources that changed or went. Checks never overlap: one asked for while another runs follows it once.
   */
  check(notifier: StaleNotifier): Promise<StaleCheckResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async (): Promise<StaleCheckResult> => {
      try {
        let result = await this.checkOnce(notifier);
        while (this.again) {
          this.again = false;
          result = await this.checkOnce(notifier);
        }
        return result;
      } finally {
        this.running = undefined;
      }
    };
    this.running = run();
    return this.running;
  }

  /** Resolves once no check is running. */
  async idle(): Promise<void> {
    while (this.running || this.recording.size > 0) {
      await Promise.all([this.running?.catch(() => undefined), ...this.recording]);
    }
  }

  private async checkOnce(notifier: StaleNotifier): Promise<StaleCheckResult> {
    const { db, log } = this.options;
    await Promise.all(this.recording);
    const now = this.now();
    await db.run('DELETE FROM answer_sources WHERE cited_at < ?', [new Date(now.getTime() - STALE_WINDOW_DAYS * DAY_MS).toISOString()]);
    await db.run('DELETE FROM stale_notices WHERE notified_at < ?', [new Date(now.getTime() - 2 * STALE_NOTICE_INTERVAL_MS).toISOString()]);

    const versions = new Map<string, string>();
    // Oldest first, an answer's documents in the order of its citations: the last row of a thread is its latest answer.
    const rows = await db.query<SourceRow>('SELECT * FROM answer_sources ORDER BY cited_at, answer_id, citation');
    const byThread = new Map<string, StaleRow[]>();
    for (const row of rows) {
      let current = versions.get(row.doc_id);
      if (current === undefined) {
        current = await this.versionOf(row.doc_id);
        versions.set(row.doc_id, current);
      }
      if (current === row.chunks_version) continue;
      const key = JSON.stringify([row.platform, row.channel_id, row.thread_id]);
      byThread.set(key, [...(byThread.get(key) ?? []), { ...row, current }]);
    }

    const result: StaleCheckResult = { notified: 0, skipped: 0, pending: 0 };
    for (const stale of byThread.values()) {
      const thread = await this.staleThread(stale, now);
      const outcome = await this.tell(notifier, thread, now);
      if (outcome === 'pending') {
        result.pending += 1;
        continue;
      }
      // Told or not, this change is settled: the next notice in this thread is for a change after this one.
      await db.transaction(async (tx) => {
        for (const row of stale) {
          await tx.run('UPDATE answer_sources SET chunks_version = ? WHERE answer_id = ? AND doc_id = ?', [row.current, row.answer_id, row.doc_id]);
        }
      });
      result[outcome === 'notified' ? 'notified' : 'skipped'] += 1;
    }
    if (byThread.size > 0) log.info({ ...result }, 'stale-source check');
    return result;
  }

  /** One notice a thread, about the latest answer in it whose sources changed. */
  private async staleThread(stale: StaleRow[], now: Date): Promise<StaleThread> {
    const latest = stale.at(-1)!;
    const citations: StaleCitation[] = await Promise.all(
      stale
        .filter((row) => row.answer_id === latest.answer_id)
        .map(
          async (row): Promise<StaleCitation> => ({
            n: row.citation,
            title: row.title,
            change: row.current === '' ? 'removed' : 'changed',
            at: row.current === '' ? now.toISOString() : await this.changedAt(row.doc_id, now),
          }),
        ),
    );
    return {
      platform: latest.platform,
      ...(latest.workspace_id === null ? {} : { workspaceId: latest.workspace_id }),
      channelId: latest.channel_id,
      scopeChannelId: latest.scope_channel_id,
      threadId: latest.thread_id,
      citations,
    };
  }

  private async tell(notifier: StaleNotifier, thread: StaleThread, now: Date): Promise<'notified' | 'skipped' | 'pending'> {
    const { db, log } = this.options;
    const key = [thread.platform, thread.channelId, thread.threadId] as const;
    const [row] = await db.query<{ notified_at: string }>(
      'SELECT notified_at FROM stale_notices WHERE platform = ? AND channel_id = ? AND thread_id = ?',
      key,
    );
    const last = row?.notified_at;
    const decision = decideStaleNotice({ optedIn: notifier.optedIn(thread), now, ...(last === undefined ? {} : { lastNoticeAt: last }) });
    if (decision !== 'notify') return 'skipped';
    // Claimed before posting, so that two processes checking at once post one notice between them: only the one that
    // still finds the notice it read (or none) takes it. The table's name tells PostgreSQL which notified_at is meant.
    const claimed = await db.run(
      `INSERT INTO stale_notices (platform, channel_id, thread_id, notified_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (platform, channel_id, thread_id) DO UPDATE SET notified_at = excluded.notified_at WHERE stale_notices.notified_at = ?`,
      [...key, now.toISOString(), last ?? null],
    );
    if (claimed.changes !== 1) return 'skipped';
    const release = async () => {
      if (last === undefined) await db.run('DELETE FROM stale_notices WHERE platform = ? AND channel_id = ? AND thread_id = ?', key);
      else await db.run('UPDATE stale_notices SET notified_at = ? WHERE platform = ? AND channel_id = ? AND thread_id = ?', [last, ...key]);
    };
    try {
      if (await notifier.post(thread)) return 'notified';
      log.debug({ platform: thread.platform }, 'stale-source notice waits: the platform is not connected');
    } catch (error) {
      log.warn(
        { platform: thread.platform, channel: thread.channelId, err: errorMessage(error) },
        'stale-source notice failed; tried again after the next sync',
      );
    }
    await release();
    return 'pending';
  }

  private async versionOf(docId: string): Promise<string> {
    return chunksVersion(await this.options.chunks.chunkIdsOf(docId));
  }

  /** When the document changed: upstream's edit time when known, else when it was indexed. */
  private async changedAt(docId: string, now: Date): Promise<string> {
    const doc = await this.options.chunks.getDocument(docId);
    return doc?.modifiedAt ?? doc?.indexedAt ?? now.toISOString();
  }
}

export interface StaleSourceNoticesOptions {
  db: SqlDatabase;
  chunks: StaleSourcesOptions['chunks'];
  log: Logger;
  /** Every sync of it, whoever starts it, is followed by a check. */
  sync: Pick<SyncService, 'onSourceSynced'>;
  notifier: StaleNotifier;
  now?: () => Date;
  /**
   * A notice that could not be posted (its platform still connecting at start, a failed post) is tried again after
   * these waits, the last repeated, until it is posted or the next sync checks anyway.
   */
  retryDelaysMs?: readonly number[];
}

const RETRY_DELAYS_MS = [10_000, 60_000, 300_000, 900_000];

/** Stale-source notices as `lore start` runs them for its chat platforms. */
export interface StaleSourceNotices {
  /** For `BotServices.answerPosted`: never throws. */
  answerPosted(posted: PostedChatAnswer): void;
  /** Checks now (also done after every sync). */
  check(): Promise<StaleCheckResult>;
  /** Resolves once no check is running. */
  idle(): Promise<void>;
  /** No more checks after syncs; waits for one running. */
  stop(): Promise<void>;
}

export function startStaleSourceNotices(options: StaleSourceNoticesOptions): StaleSourceNotices {
  const { log, notifier } = options;
  const stale = new StaleSources(options);
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  let retry: NodeJS.Timeout | undefined;
  let retries = 0;
  let stopped = false;
  const check = async (): Promise<StaleCheckResult> => {
    clearTimeout(retry);
    const result = await stale.check(notifier);
    if (result.pending === 0 || stopped) retries = 0;
    else {
      // The first syncs of `lore start` often finish before Slack or Discord has connected.
      clearTimeout(retry);
      retry = setTimeout(checkInBackground, delays[Math.min(retries++, delays.length - 1)]);
      retry.unref();
    }
    return result;
  };
  const checkInBackground = () => {
    check().catch((error: unknown) => log.error({ err: errorMessage(error) }, 'the stale-source check failed; the next sync runs it again'));
  };
  const unsubscribe = options.sync.onSourceSynced(checkInBackground);
  return {
    answerPosted(posted) {
      // Only where notices may be posted: a channel that opts in later is told of answers given from then on.
      if (!notifier.optedIn(posted)) return;
      stale.record(posted).catch((error: unknown) => {
        log.error({ err: errorMessage(error), answerId: posted.answer.id }, 'could not record the sources of an answer for stale-source notices');
      });
    },
    check,
    idle: () => stale.idle(),
    async stop() {
      stopped = true;
      unsubscribe();
      clearTimeout(retry);
      await stale.idle();
      clearTimeout(retry);
    },
  };
}
