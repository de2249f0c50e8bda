import { QueryLog } from '../../app/query-log.ts';
import { ChatStore, type Rating } from '../../bot/conversation/chat-store.ts';
import { HandOffStore } from '../../bot/conversation/hand-off-store.ts';
import { VerifiedStore } from '../../bot/conversation/verified-store.ts';
import type { SqlDatabase } from '../../rag/contracts/sql-database.ts';
import type { AnswerMode, Citation, SourceKind } from '../../rag/types.ts';
import { makeAnswer } from './answer.ts';

// A query log and its feedback for the knowledge-gap report, written through the stores that write them in
// production (QueryLog, ChatStore, HandOffStore, VerifiedStore), each on a clock the test moves: the report's figures
// are then checked against what was seeded, not against SQL the test wrote itself. A document is the one exception:
// the report reads only its row, written here as ChunkStore.saveDocument writes it for a document without chunks.
// The stores are on the storage seam, SQLite or PostgreSQL, and asynchronous: the seeder runs each step after the one
// before, the clock set to the step's time, and `await seeder.written()` waits for them all before what was seeded is
// read.

export interface SeededQuestion {
  id: string;
  at: string;
  question: string;
  platform?: string;
  channelId?: string;
  mode?: AnswerMode;
  costUsd?: number;
  /** Cited documents (or, for an abstention, the closest sources). */
  cites?: string[];
  ratings?: Array<{ user: string; rating: Rating; reason?: string; retracted?: boolean }>;
  /** Handed off to a person ("Ask a person"), and whether someone then marked it resolved. */
  handOff?: { resolved?: boolean };
}

export interface SeededDocument {
  id: string;
  title: string;
  source?: SourceKind;
  url?: string;
  modifiedAt?: string;
  indexedAt: string;
}

export class QueryLogSeeder {
  private clock = new Date(0);
  private readonly queryLog: QueryLog;
  private readonly chat: ChatStore;
  private readonly handOffs: HandOffStore;
  private readonly verifiedStore: VerifiedStore;
  private readonly sql: SqlDatabase;
  private readonly titles = new Map<string, string>();
  private steps: Promise<void> = Promise.resolve();

  /** `sql`: the store, through the runtime's seam when there is one (one per connection). */
  constructor(sql: SqlDatabase) {
    const now = () => this.clock;
    this.sql = sql;
    this.queryLog = new QueryLog(sql, 3_650, now);
    this.chat = new ChatStore(sql, now);
    this.handOffs = new HandOffStore(sql, now);
    this.verifiedStore = new VerifiedStore(sql, now);
  }

  /** Resolves once every step seeded so far is written; rejects with the first that failed (those after it are not run). */
  written(): Promise<void> {
    return this.steps;
  }

  /** Runs `work` after the steps before it, at `at` (when given) by the stores' clock. */
  private step(at: string | undefined, work: () => unknown): void {
    this.steps = this.steps.then(async () => {
      if (at !== undefined) this.clock = new Date(at);
      await work();
    });
  }

  /** A reply saved at `at` as the verified answer to an answer seeded before (and revoked at `revokedAt`). */
  verified(seed: { id: string; at: string; answerId: string; revokedAt?: string }): this {
    this.step(seed.at, () =>
      this.verifiedStore.save({
        id: seed.id,
        platform: 'slack',
        channelId: 'C-general',
        scope: 'slack:C-general',
        channelName: 'general',
        threadId: seed.answerId,
        messageId: `reply-${seed.id}`,
        answerId: seed.answerId,
        question: 'a question',
        answer: 'a person answered it',
        answeredBy: 'U-helper',
        answeredByName: 'helper',
        answeredAt: seed.at,
        savedBy: 'U-asker',
      }),
    );
    if (seed.revokedAt) this.step(seed.revokedAt, () => this.verifiedStore.revoke(seed.id, 'U-admin'));
    return this;
  }

  document(document: SeededDocument): this {
    this.titles.set(document.id, document.title);
    this.step(undefined, () =>
      this.sql.run(
        `INSERT INTO documents (id, source, location, title, url, content_hash, fingerprint, chunk_count, size_bytes, modified_at, indexed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?)`,
        [
          document.id,
          document.source ?? 'files',
          `/kb/${document.id}`,
          document.title,
          document.url ?? `https://docs.example/${document.id}`,
          `hash-${document.id}`,
          `fp-${document.id}`,
          document.modifiedAt ?? null,
          document.indexedAt,
        ],
      ),
    );
    return this;
  }

  /** One question answered (and logged) at `at`, posted in its channel, then rated. */
  ask(seed: SeededQuestion): this {
    const mode = seed.mode ?? 'extractive';
    const citations: Citation[] = (seed.cites ?? []).map((docId, index) => ({
      n: index + 1,
      title: this.titles.get(docId) ?? docId,
      url: `https://docs.example/${docId}`,
      source: 'files',
      docId,
      chunkId: `${docId}#0`,
    }));
    const answer = makeAnswer({
      id: seed.id,
      question: seed.question,
      answer: mode === 'abstained' ? "I couldn't find this in the knowledge base." : 'An answer [1].',
      mode,
      abstained: mode === 'abstained',
      citations,
      costUsd: seed.costUsd ?? 0,
    });
    const platform = seed.platform ?? 'slack';
    const channelId = seed.channelId ?? (platform === 'http' ? undefined : 'C-general');
    this.step(seed.at, async () => {
      await this.queryLog.record({ answer, platform, userId: 'U-asker', ...(channelId ? { channelId } : {}) });
      // As the answer service does for every surface: the answer is stored so that it can be rated.
      await this.chat.saveAnswer({
        answer,
        platform,
        channelId: channelId ?? platform,
        threadId: seed.id,
        messageId: `m-${seed.id}`,
        userId: 'U-asker',
      });
      for (const rating of seed.ratings ?? []) {
        await this.chat.recordFeedback({
          answerId: seed.id,
          platform,
          userId: rating.user,
          rating: rating.rating,
          emoji: rating.rating === 'up' ? '👍' : '👎',
          channelId: channelId ?? platform,
        });
        if (rating.reason) await this.chat.setFeedbackReason(seed.id, rating.user, rating.reason);
        if (rating.retracted) await this.chat.retractFeedback(seed.id, rating.user, rating.rating);
      }
      if (seed.handOff) {
        const id = `handoff-${seed.id}`;
        await this.handOffs.record({
          id,
          answerId: seed.id,
          platform,
          channelId: channelId ?? platform,
          threadId: seed.id,
          requestedBy: 'U-asker',
          reason: mode === 'abstained' ? 'abstained' : 'thumbs_down',
          responders: { group: 'SHELP', users: [] },
        });
        if (seed.handOff.resolved) await this.handOffs.resolve(id, 'U-helper');
      }
    });
    return this;
  }
}
