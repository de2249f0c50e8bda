import type { SqlDatabase } from '../../rag/contracts/sql-database.ts';

// The `assistant_threads` table (app/migrations.ts, version 10): for each thread of Slack's assistant panel, the
// context Slack last sent (the channel the person is viewing beside the panel, which scopes their questions) and
// whether Lore titled it. In the store rather than a process's memory (issue 19): the panel's events reach any
// replica, so the context saved when the thread started on one must scope a question delivered to another, and only
// one of them titles the thread.

/** What Slack sends as an assistant thread's context: the channel being viewed (none in some places). */
export interface AssistantThreadContext {
  channel_id?: string;
  team_id?: string;
  enterprise_id?: string | null;
}

/** A panel thread: its direct-message channel and the ts of its first message. */
export interface AssistantThreadRef {
  channelId: string;
  threadTs: string;
}

/** Contexts are kept for a day without activity: a panel left open overnight starts again from the DM's scope. */
export const ASSISTANT_CONTEXT_MS = 24 * 60 * 60_000;

export class AssistantThreadStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Saves the thread's latest context (a title already given stays given); contexts a day old go as it saves. */
  async save(thread: AssistantThreadRef, context: AssistantThreadContext): Promise<void> {
    const now = this.now();
    await this.db.run(
      `INSERT INTO assistant_threads (channel_id, thread_ts, context, saved_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (channel_id, thread_ts) DO UPDATE SET context = excluded.context, saved_at = excluded.saved_at`,
      [thread.channelId, thread.threadTs, JSON.stringify(context), now.toISOString()],
    );
    await this.db.run('DELETE FROM assistant_threads WHERE saved_at < ?', [this.expiredBefore(now)]);
  }

  /** The thread's context, unless none was saved in the last day (not a panel thread, or left since). */
  async find(thread: AssistantThreadRef): Promise<AssistantThreadContext | undefined> {
    const [row] = await this.db.query<{ context: string }>(
      'SELECT context FROM assistant_threads WHERE channel_id = ? AND thread_ts = ? AND saved_at >= ?',
      [thread.channelId, thread.threadTs, this.expiredBefore(this.now())],
    );
    return row && (JSON.parse(row.context) as AssistantThreadContext);
  }

  /**
   * True for the one caller that may title a known thread: one update whose row count decides, so that questions
   * reaching two replicas title it once. False when it was titled already, or its context is unknown.
   */
  async claimTitle(thread: AssistantThreadRef): Promise<boolean> {
    const now = this.now();
    const claimed = await this.db.run(
      'UPDATE assistant_threads SET titled_at = ? WHERE channel_id = ? AND thread_ts = ? AND titled_at IS NULL AND saved_at >= ?',
      [now.toISOString(), thread.channelId, thread.threadTs, this.expiredBefore(now)],
    );
    return claimed.changes === 1;
  }

  private expiredBefore(now: Date): string {
    return new Date(now.getTime() - ASSISTANT_CONTEXT_MS).toISOString();
  }
}
