import type { SqlDatabase } from '../../rag/contracts/sql-database.ts';

// The `verified_answers` table (app/migrations.ts, version 7): people's replies saved as the answer to a question Lore
// was asked in their thread. One row per reply; revoking keeps the row (who saved, edited and revoked what stays
// known) while the answer leaves the index. Read by the knowledge-gap report and `lore feedback export`. On the
// storage seam (issue 19): a reply is saved once, whichever replica the shortcut or the ✅ reached.

export interface NewVerifiedAnswer {
  id: string;
  platform: string;
  workspaceId?: string;
  channelId: string;
  /** `<platform>:<channel>`: the channel whose questions may find it. */
  scope: string;
  channelName: string;
  threadId: string;
  messageId: string;
  answerId?: string;
  question: string;
  answer: string;
  answeredBy: string;
  answeredByName: string;
  answeredAt: string;
  savedBy: string;
}

export interface VerifiedAnswer extends NewVerifiedAnswer {
  savedAt: string;
  editedBy?: string;
  editedAt?: string;
  revokedAt?: string;
}

interface Row {
  id: string;
  platform: string;
  workspace_id: string | null;
  channel_id: string;
  scope: string;
  channel_name: string;
  thread_id: string;
  message_id: string;
  answer_id: string | null;
  question: string;
  answer: string;
  answered_by: string;
  answered_by_name: string;
  answered_at: string;
  saved_by: string;
  saved_at: string;
  edited_by: string | null;
  edited_at: string | null;
  revoked_at: string | null;
}

export class VerifiedStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Saves a reply; false when that reply was saved already (and not revoked). A revoked one is saved again. The
   * message's unique index decides between two savers at once, on any replica.
   */
  async save(entry: NewVerifiedAnswer): Promise<boolean> {
    const now = this.now().toISOString();
    // No transaction needed: the revoked row would go with the new one anyway, and the insert alone decides.
    await this.db.run('DELETE FROM verified_answers WHERE platform = ? AND channel_id = ? AND message_id = ? AND revoked_at IS NOT NULL', [
      entry.platform,
      entry.channelId,
      entry.messageId,
    ]);
    const inserted = await this.db.run(
      `INSERT INTO verified_answers (id, platform, workspace_id, channel_id, scope, channel_name, thread_id, message_id, answer_id,
                                     question, answer, answered_by, answered_by_name, answered_at, saved_by, saved_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (platform, channel_id, message_id) DO NOTHING`,
      [
        entry.id,
        entry.platform,
        entry.workspaceId ?? null,
        entry.channelId,
        entry.scope,
        entry.channelName,
        entry.threadId,
        entry.messageId,
        entry.answerId ?? null,
        entry.question,
        entry.answer,
        entry.answeredBy,
        entry.answeredByName,
        entry.answeredAt,
        entry.savedBy,
        now,
      ],
    );
    return inserted.changes === 1;
  }

  async find(id: string): Promise<VerifiedAnswer | undefined> {
    const [row] = await this.db.query<Row>('SELECT * FROM verified_answers WHERE id = ?', [id]);
    return row && toVerified(row);
  }

  async findByMessage(platform: string, channelId: string, messageId: string): Promise<VerifiedAnswer | undefined> {
    const [row] = await this.db.query<Row>('SELECT * FROM verified_answers WHERE platform = ? AND channel_id = ? AND message_id = ?', [
      platform,
      channelId,
      messageId,
    ]);
    return row && toVerified(row);
  }

  /**
   * Lore's latest answer in a thread (from the chat's own `answers` table): the question a reply there answers. A
   * Discord reply names the message it replies to, which may be Lore's answer itself.
   */
  async answerInThread(
    platform: string,
    channelId: string,
    threadId: string,
    repliesTo?: string,
    replyId?: string,
  ): Promise<{ id: string; question: string; userId: string; threadId: string } | undefined> {
    // Never Lore's answer to the reply itself (a Discord reply to Lore is also a follow-up question to it).
    const [row] = await this.db.query<{ id: string; question: string; userId: string; threadId: string }>(
      `SELECT id, question, user_id AS "userId", thread_id AS "threadId" FROM answers
       WHERE platform = ? AND channel_id = ? AND (thread_id = ? OR message_id = ? OR thread_id = ?) AND thread_id IS DISTINCT FROM ?
       ORDER BY created_at DESC LIMIT 1`,
      [platform, channelId, threadId, repliesTo ?? null, repliesTo ?? null, replyId ?? null],
    );
    return row;
  }

  /** The answers in force (not revoked), newest first; on one platform when given. */
  async list(platform?: string, limit = 50): Promise<VerifiedAnswer[]> {
    const rows = await this.db.query<Row>(
      'SELECT * FROM verified_answers WHERE revoked_at IS NULL AND (CAST(? AS TEXT) IS NULL OR platform = ?) ORDER BY saved_at DESC, id LIMIT ?',
      [platform ?? null, platform ?? null, limit],
    );
    return rows.map(toVerified);
  }

  /** Replaces the answer's text; false when there is no such answer in force. */
  async edit(id: string, answer: string, userId: string): Promise<boolean> {
    const edited = await this.db.run('UPDATE verified_answers SET answer = ?, edited_by = ?, edited_at = ? WHERE id = ? AND revoked_at IS NULL', [
      answer,
      userId,
      this.now().toISOString(),
      id,
    ]);
    return edited.changes === 1;
  }

  /** Withdraws the answer; false when there is no such answer in force. */
  async revoke(id: string, userId: string): Promise<boolean> {
    const revoked = await this.db.run('UPDATE verified_answers SET revoked_by = ?, revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [
      userId,
      this.now().toISOString(),
      id,
    ]);
    return revoked.changes === 1;
  }
}

function toVerified(row: Row): VerifiedAnswer {
  return {
    id: row.id,
    platform: row.platform,
    ...(row.workspace_id ? { workspaceId: row.workspace_id } : {}),
    channelId: row.channel_id,
    scope: row.scope,
    channelName: row.channel_name,
    threadId: row.thread_id,
    messageId: row.message_id,
    ...(row.answer_id ? { answerId: row.answer_id } : {}),
    question: row.question,
    answer: row.answer,
    answeredBy: row.answered_by,
    answeredByName: row.answered_by_name,
    answeredAt: row.answered_at,
    savedBy: row.saved_by,
    savedAt: row.saved_at,
    ...(row.edited_by ? { editedBy: row.edited_by } : {}),
    ...(row.edited_at ? { editedAt: row.edited_at } : {}),
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
  };
}
