import type { Database } from 'better-sqlite3';
import { prepared } from '../../rag/store/prepared.ts';
import type { Responders } from './chat-config.ts';

// The `handoffs` table (app/migrations.ts, version 5): "Ask a person" under an answer Lore could not give. One row
// per answer, so a second click (or a second platform delivery) never mentions the responders twice; its outcome
// is set when someone marks the thread resolved. Read by the knowledge-gap report (app/report/gap-report.ts).

export type HandOffReason = 'abstained' | 'thumbs_down';

export interface NewHandOff {
  id: string;
  answerId: string;
  platform: string;
  channelId: string;
  threadId: string;
  requestedBy: string;
  reason: HandOffReason;
  responders: Responders;
}

export interface StoredHandOff extends NewHandOff {
  messageId?: string;
  createdAt: string;
  resolvedAt?: string;
  resolvedBy?: string;
}

interface HandOffRow {
  id: string;
  answer_id: string;
  platform: string;
  channel_id: string;
  thread_id: string;
  message_id: string | null;
  requested_by: string;
  reason: HandOffReason;
  responders: string;
  created_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
}

export class HandOffStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records a hand-off; false when the answer was handed off already (the earlier one stands). */
  record(handOff: NewHandOff): boolean {
    return (
      prepared(
        this.db,
        `INSERT OR IGNORE INTO handoffs (id, answer_id, platform, channel_id, thread_id, requested_by, reason, responders, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        handOff.id,
        handOff.answerId,
        handOff.platform,
        handOff.channelId,
        handOff.threadId,
        handOff.requestedBy,
        handOff.reason,
        JSON.stringify(handOff.responders),
        this.now().toISOString(),
      ).changes === 1
    );
  }

  /** The message that mentioned the responders, once posted. */
  setMessage(id: string, messageId: string): void {
    prepared(this.db, 'UPDATE handoffs SET message_id = ? WHERE id = ?').run(messageId, id);
  }

  /** Forgets a hand-off whose message could not be posted, so that asking again can work. */
  forget(id: string): void {
    prepared(this.db, 'DELETE FROM handoffs WHERE id = ? AND message_id IS NULL').run(id);
  }

  find(id: string): StoredHandOff | undefined {
    const row = prepared(this.db, 'SELECT * FROM handoffs WHERE id = ?').get(id) as HandOffRow | undefined;
    return row && toHandOff(row);
  }

  findByAnswer(answerId: string): StoredHandOff | undefined {
    const row = prepared(this.db, 'SELECT * FROM handoffs WHERE answer_id = ?').get(answerId) as HandOffRow | undefined;
    return row && toHandOff(row);
  }

  /** The mode an answer was posted with (`abstained`, `extractive`, …), from the chat's own `answers` table. */
  answerMode(answerId: string): string | undefined {
    return (prepared(this.db, 'SELECT mode FROM answers WHERE id = ?').get(answerId) as { mode: string } | undefined)?.mode;
  }

  /** Records the outcome; false when it was resolved already. */
  resolve(id: string, userId: string): boolean {
    return (
      prepared(this.db, 'UPDATE handoffs SET resolved_at = ?, resolved_by = ? WHERE id = ? AND resolved_at IS NULL').run(
        this.now().toISOString(),
        userId,
        id,
      ).changes === 1
    );
  }
}

function toHandOff(row: HandOffRow): StoredHandOff {
  return {
    id: row.id,
    answerId: row.answer_id,
    platform: row.platform,
    channelId: row.channel_id,
    threadId: row.thread_id,
    requestedBy: row.requested_by,
    reason: row.reason,
    responders: JSON.parse(row.responders) as Responders,
    createdAt: row.created_at,
    ...(row.message_id ? { messageId: row.message_id } : {}),
    ...(row.resolved_at ? { resolvedAt: row.resolved_at } : {}),
    ...(row.resolved_by ? { resolvedBy: row.resolved_by } : {}),
  };
}
