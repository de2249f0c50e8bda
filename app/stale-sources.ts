// Stale-source notices, the data side (the chat side is bot/conversation/stale-notices.ts). Every answer posted in
// a chat thread is recorded with the documents it cited and the version of each document's passages it saw: a
// hash of the document's chunk ids, which the indexer keeps exactly while a passage's text stays the same (ids are
// document, ordinal and content hash). After every sync the recorded versions of the last 30 days are compared with
// the index: a document whose chunks changed, or that is gone, makes its thread due a notice. A sync that changed
// nothing, or only what never reaches a passage (a page touched upstream, a new title), changes no chunk id and
// costs no notice. Owner of the tables `answer_sources` and `stale_notices` (app/migrations.ts, version 5).
import type { PostedChatAnswer, StaleCitation, StaleNotifier, StaleThread } from '../bot/conversation/stale-notices.ts';
import { decideStaleNotice, STALE_NOTICE_INTERVAL_MS } from '../bot/conversation/stale-notices.ts';
import { sha256 } from '../rag/hash.ts';
import { errorMessage } from '../rag/errors.ts';
import type { ChunkStore } from '../rag/store/chunk-store.ts';
import { prepared } from '../rag/store/prepared.ts';
import type { Db } from './database.ts';
import type { Logger } from './logger.ts';
import type { SyncService } from './sync-service.ts';

/** Answers older than this get no notices. */
export const STALE_WINDOW_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface StaleSourcesOptions {
  db: Db;
  chunks: Pick<ChunkStore, 'chunkIdsOf' | 'getDocument'>;
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

  constructor(private readonly options: StaleSourcesOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Records the documents a chat answer cited and the version of each it saw (an answer given again in the same
   * message, to an edited question, replaces what was recorded for it). Abstentions and small talk cite nothing an
   * answer rests on: not recorded.
   */
  record(posted: PostedChatAnswer): void {
    const { db } = this.options;
    const { answer } = posted;
    const firstCitation = new Map<string, { n: number; title: string }>();
    if (!answer.abstained && answer.mode !== 'chitchat') {
      for (const citation of [...answer.citations].sort((a, b) => a.n - b.n)) {
        if (!firstCitation.has(citation.docId)) firstCitation.set(citation.docId, { n: citation.n, title: citation.title });
      }
    }
    const citedAt = this.now().toISOString();
    db.transaction(() => {
      prepared(db, 'DELETE FROM answer_sources WHERE platform = ? AND channel_id = ? AND message_id = ?').run(
        posted.platform,
        posted.channelId,
        posted.messageId,
      );
      const insert = prepared(
        db,
        `INSERT OR REPLACE INTO answer_sources (answer_id, doc_id, citation, title, platform, workspace_id, channel_id, scope_channel_id,
                                               thread_id, message_id, chunks_version, cited_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const [docId, { n, title }] of firstCitation) {
        insert.run(
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
          this.versionOf(docId),
          citedAt,
        );
      }
    })();
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
    while (this.running) await this.running.catch(() => undefined);
  }

  private async checkOnce(notifier: StaleNotifier): Promise<StaleCheckResult> {
    const { db, log } = this.options;
    const now = this.now();
    prepared(db, 'DELETE FROM answer_sources WHERE cited_at < ?').run(new Date(now.getTime() - STALE_WINDOW_DAYS * DAY_MS).toISOString());
    prepared(db, 'DELETE FROM stale_notices WHERE notified_at < ?').run(new Date(now.getTime() - 2 * STALE_NOTICE_INTERVAL_MS).toISOString());

    const versions = new Map<string, string>();
    const rows = prepared(db, 'SELECT * FROM answer_sources ORDER BY cited_at').all() as SourceRow[];
    const byThread = new Map<string, StaleRow[]>();
    for (const row of rows) {
      let current = versions.get(row.doc_id);
      if (current === undefined) {
        current = this.versionOf(row.doc_id);
        versions.set(row.doc_id, current);
      }
      if (current === row.chunks_version) continue;
      const key = JSON.stringify([row.platform, row.channel_id, row.thread_id]);
      byThread.set(key, [...(byThread.get(key) ?? []), { ...row, current }]);
    }

    const result: StaleCheckResult = { notified: 0, skipped: 0, pending: 0 };
    for (const stale of byThread.values()) {
      const thread = this.staleThread(stale, now);
      const outcome = await this.tell(notifier, thread, now);
      if (outcome === 'pending') {
        result.pending += 1;
        continue;
      }
      // Told or not, this change is settled: the next notice in this thread is for a change after this one.
      const settle = prepared(db, 'UPDATE answer_sources SET chunks_version = ? WHERE answer_id = ? AND doc_id = ?');
      db.transaction(() => {
        for (const row of stale) settle.run(row.current, row.answer_id, row.doc_id);
      })();
      result[outcome === 'notified' ? 'notified' : 'skipped'] += 1;
    }
    if (byThread.size > 0) log.info({ ...result }, 'stale-source check');
    return result;
  }

  /** One notice a thread, about the latest answer in it whose sources changed. */
  private staleThread(stale: StaleRow[], now: Date): StaleThread {
    const latest = stale.at(-1)!;
    const citations: StaleCitation[] = stale
      .filter((row) => row.answer_id === latest.answer_id)
      .map((row) => ({
        n: row.citation,
        title: row.title,
        change: row.current === '' ? 'removed' : 'changed',
        at: row.current === '' ? now.toISOString() : this.changedAt(row.doc_id, now),
      }));
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
    const last = prepared(db, 'SELECT notified_at FROM stale_notices WHERE platform = ? AND channel_id = ? AND thread_id = ?')
      .pluck()
      .get(...key) as string | undefined;
    const decision = decideStaleNotice({ optedIn: notifier.optedIn(thread), now, ...(last === undefined ? {} : { lastNoticeAt: last }) });
    if (decision !== 'notify') return 'skipped';
    // Claimed before posting, so that two processes checking at once post one notice between them.
    const claimed = prepared(
      db,
      `INSERT INTO stale_notices (platform, channel_id, thread_id, notified_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (platform, channel_id, thread_id) DO UPDATE SET notified_at = excluded.notified_at WHERE notified_at = ?`,
    ).run(...key, now.toISOString(), last ?? null);
    if (claimed.changes !== 1) return 'skipped';
    const release = () => {
      if (last === undefined) prepared(db, 'DELETE FROM stale_notices WHERE platform = ? AND channel_id = ? AND thread_id = ?').run(...key);
      else prepared(db, 'UPDATE stale_notices SET notified_at = ? WHERE platform = ? AND channel_id = ? AND thread_id = ?').run(last, ...key);
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
    release();
    return 'pending';
  }

  private versionOf(docId: string): string {
    return chunksVersion(this.options.chunks.chunkIdsOf(docId));
  }

  /** When the document changed: upstream's edit time when known, else when it was indexed. */
  private changedAt(docId: string, now: Date): string {
    const doc = this.options.chunks.getDocument(docId);
    return doc?.modifiedAt ?? doc?.indexedAt ?? now.toISOString();
  }
}

export interface StaleSourceNoticesOptions {
  db: Db;
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
      try {
        stale.record(posted);
      } catch (error) {
        log.error({ err: errorMessage(error), answerId: posted.answer.id }, 'could not record the sources of an answer for stale-source notices');
      }
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
