import type { SqlDatabase } from '../../rag/contracts/sql-database.ts';
import type { Responders } from './chat-config.ts';

// The `handoffs` table (app/migrations.ts, version 5): "Ask a person" under an answer Lore could not give. One row
// per answer, so a second click (or a second platform delivery) never mentions the responders twice; its outcome
// is set when someone marks the thread resolved. Read by the knowledge-gap report (app/report/gap-report.ts). On the
// storage seam (issue 19): the one row per answer is decided by the store, whichever replica the click reached; so is
// the one offer of it after a 👎 (`handoff_offers`, version 10).

export type HandOffReason = 'abstained' | 'thumbs_down';

/** An answer gets one "Ask a person" offer after a 👎 within this time (more 👎s on it offer nothing new). */
export const HANDOFF_OFFER_MS = 24 * 60 * 60_000;

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
    private readonly db: SqlDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records a hand-off; false when the answer was handed off already (the earlier one stands). */
  async record(handOff: NewHandOff): Promise<boolean> {
    const inserted = await this.db.run(
      `INSERT INTO handoffs (id, answer_id, platform, channel_id, thread_id, requested_by, reason, responders, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      [
        handOff.id,
        handOff.answerId,
        handOff.platform,
        handOff.channelId,
        handOff.threadId,
        handOff.requestedBy,
        handOff.reason,
        JSON.stringify(handOff.responders),
        this.now().toISOString(),
      ],
    );
    return inserted.changes === 1;
  }

  /**
   * Claims the offer of "Ask a person" after a 👎 on an answer: true for the one caller that may post it, false when
   * the answer was offered it in the last HANDOFF_OFFER_MS. Decided by one insert (an expired claim is renewed in its
   * place) whose row count says who won, so that 👎s reaching two replicas at once post one offer.
   */
  async claimOffer(answerId: string): Promise<boolean> {
    const now = this.now();
    const expired = new Date(now.getTime() - HANDOFF_OFFER_MS).toISOString();
    const claimed = await this.db.run(
      `INSERT INTO handoff_offers (answer_id, offered_at) VALUES (?, ?)
       ON CONFLICT (answer_id) DO UPDATE SET offered_at = excluded.offered_at WHERE handoff_offers.offered_at < ?`,
      [answerId, now.toISOString(), expired],
    );
    if (claimed.changes !== 1) return false;
    await this.db.run('DELETE FROM handoff_offers WHERE offered_at < ?', [expired]);
    return true;
  }

  /** The message that mentioned the responders, once posted. */
  async setMessage(id: string, messageId: string): Promise<void> {
    await this.db.run('UPDATE handoffs SET message_id = ? WHERE id = ?', [messageId, id]);
  }

  /** Forgets a hand-off whose message could not be posted, so that asking again can work. */
  async forget(id: string): Promise<void> {
    await this.db.run('DELETE FROM handoffs WHERE id = ? AND message_id IS NULL', [id]);
  }

  async find(id: string): Promise<StoredHandOff | undefined> {
    const [row] = await this.db.query<HandOffRow>('SELECT * FROM handoffs WHERE id = ?', [id]);
    return row && toHandOff(row);
  }

  async findByAnswer(answerId: string): Promise<StoredHandOff | undefined> {
    const [row] = await this.db.query<HandOffRow>('SELECT * FROM handoffs WHERE answer_id = ?', [answerId]);
    return row && toHandOff(row);
  }

  /** The mode an answer was posted with (`abstained`, `extractive`, …), from the chat's own `answers` table. */
  async answerMode(answerId: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ mode: string }>('SELECT mode FROM answers WHERE id = ?', [answerId]);
    return row?.mode;
  }

  /** Records the outcome; false when it was resolved already. */
  async resolve(id: string, userId: string): Promise<boolean> {
    const resolved = await this.db.run('UPDATE handoffs SET resolved_at = ?, resolved_by = ? WHERE id = ? AND resolved_at IS NULL', [
      this.now().toISOString(),
      userId,
      id,
    ]);
    return resolved.changes === 1;
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
