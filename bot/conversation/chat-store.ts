import type { SqlDatabase, SqlValue } from '../../rag/contracts/sql-database.ts';
import type { Answer, Citation } from '../../rag/types.ts';
import type { IncomingMessage } from './chat-platform.ts';
import type { ChatEmoji } from './offer-help-emoji.ts';

// The chat tables (app/migrations.ts, version 2), shared by every platform: the answers Lore posted (so a
// reaction on a message leads back to the question and its citations), feedback on them, and the platform
// event ids already handled (so a re-delivered event never produces a second answer, even after a restart); also the
// offers of help (version 9) and the questions answered within the edit window (version 10). On the storage seam
// (issue 19): SQLite for one process, or the PostgreSQL replicas share.

export type Rating = 'up' | 'down';

export interface PostedAnswer {
  answer: Answer;
  platform: string;
  workspaceId?: string;
  channelId: string;
  threadId: string;
  messageId: string;
  userId: string;
}

export interface StoredAnswer {
  id: string;
  platform: string;
  channelId: string;
  threadId: string;
  messageId: string;
  userId: string;
  question: string;
  citations: Citation[];
}

export interface FeedbackEvent {
  answerId: string;
  platform: string;
  userId: string;
  rating: Rating;
  emoji: string;
  channelId: string;
}

/** A feedback reason is one line of at most this many characters. */
export const MAX_FEEDBACK_REASON_CHARS = 500;

/** A reason as stored: one line, spaces folded, bounded; '' when nothing was said. */
export function cleanFeedbackReason(reason: string): string {
  return reason.replace(/\s+/g, ' ').trim().slice(0, MAX_FEEDBACK_REASON_CHARS);
}

/** A support-channel question Lore offered help on, with the emoji it reacted with. */
export interface HelpOffer {
  message: IncomingMessage;
  emoji: ChatEmoji;
}

/** How long an offer of help (a reaction on an unanswered support-channel question) can be taken up. */
export const HELP_OFFER_MS = 24 * 60 * 60_000;

/** A question Lore answered, kept for the edit window: an edit of it by its asker is answered in place of the answer. */
export interface AnsweredQuestion {
  userId: string;
  /** Its plain text as first asked (mentions not yet named), to tell a real change from a touch-up by the platform. */
  text: string;
  answerMessageId: string;
}

/** The message a question was asked in. */
export interface QuestionRef {
  platform: string;
  channelId: string;
  messageId: string;
}

/** Handled event ids are kept this long: Slack stops retrying after about an hour. */
const EVENT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const PRUNE_EVERY = 500;
/** What a suggested question's answer must have scored. */
const WELL_ANSWERED = { confidence: 0.5, faithfulness: 0.5 } as const;
/** How many of the latest logged questions suggestions are chosen from. */
const POPULAR_WINDOW = 2_000;

export class ChatStore {
  private claimsSincePrune = 0;

  constructor(
    private readonly db: SqlDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * True the first time an event id is seen on a platform; false for every re-delivery of it. Decided by the
   * primary key in the store, so that an event and its retry reaching two replicas sharing it are handled once.
   */
  async claimEvent(platform: string, eventId: string): Promise<boolean> {
    const now = this.now();
    const inserted = await this.db.run(
      'INSERT INTO chat_events (platform, event_id, received_at) VALUES (?, ?, ?) ON CONFLICT (platform, event_id) DO NOTHING',
      [platform, eventId, now.toISOString()],
    );
    if (++this.claimsSincePrune >= PRUNE_EVERY) {
      this.claimsSincePrune = 0;
      const cutoff = new Date(now.getTime() - EVENT_RETENTION_MS).toISOString();
      await this.db.run('DELETE FROM chat_events WHERE received_at < ?', [cutoff]);
    }
    return inserted.changes === 1;
  }

  /**
   * Remembers that Lore offered help on a support-channel question, for HELP_OFFER_MS: in the store, so that the
   * asker's reaction taking it up is recognised whichever replica it reaches. Offers run out rather than pile up.
   */
  async offerHelp(platform: string, offer: HelpOffer): Promise<void> {
    const now = this.now();
    const { message } = offer;
    await this.db.run(
      `INSERT INTO help_offers (platform, channel_id, message_id, user_id, emoji, message, offered_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (platform, channel_id, message_id) DO UPDATE SET user_id = excluded.user_id, emoji = excluded.emoji,
         message = excluded.message, offered_at = excluded.offered_at`,
      [platform, message.channelId, message.messageId, message.userId, JSON.stringify(offer.emoji), JSON.stringify(message), now.toISOString()],
    );
    await this.db.run('DELETE FROM help_offers WHERE offered_at < ?', [new Date(now.getTime() - HELP_OFFER_MS).toISOString()]);
  }

  /**
   * The offer of help on a message, taken up by `userId` if the offer was made to them and `accepts` its emoji:
   * removed as it is returned, by one delete whose row count decides, so that the same reaction delivered to two
   * replicas (or twice) answers the question once. Undefined when there is no such offer (or it ran out).
   */
  async takeHelpOffer(
    platform: string,
    channelId: string,
    messageId: string,
    userId: string,
    accepts: (emoji: ChatEmoji) => boolean,
  ): Promise<HelpOffer | undefined> {
    const since = new Date(this.now().getTime() - HELP_OFFER_MS).toISOString();
    const key = [platform, channelId, messageId];
    const [row] = await this.db.query<{ user_id: string; emoji: string; message: string }>(
      'SELECT user_id, emoji, message FROM help_offers WHERE platform = ? AND channel_id = ? AND message_id = ? AND offered_at >= ?',
      [...key, since],
    );
    if (!row || row.user_id !== userId) return undefined;
    const emoji = JSON.parse(row.emoji) as ChatEmoji;
    if (!accepts(emoji)) return undefined;
    const taken = await this.db.run('DELETE FROM help_offers WHERE platform = ? AND channel_id = ? AND message_id = ?', key);
    return taken.changes === 1 ? { message: JSON.parse(row.message) as IncomingMessage, emoji } : undefined;
  }

  /**
   * Remembers a question Lore answered (again, after an edit), for `windowMs`: in the store, so that its edit is
   * answered in place of the answer whichever replica Slack delivers it to. Rows older than the window go as it
   * remembers, by the index on answered_at.
   */
  async rememberAnswered(question: QuestionRef, answered: AnsweredQuestion, windowMs: number): Promise<void> {
    const now = this.now();
    await this.db.run(
      `INSERT INTO answered_questions (platform, channel_id, message_id, user_id, question, answer_message_id, answered_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (platform, channel_id, message_id) DO UPDATE SET user_id = excluded.user_id, question = excluded.question,
         answer_message_id = excluded.answer_message_id, answered_at = excluded.answered_at`,
      [question.platform, question.channelId, question.messageId, answered.userId, answered.text, answered.answerMessageId, now.toISOString()],
    );
    await this.db.run('DELETE FROM answered_questions WHERE answered_at < ?', [new Date(now.getTime() - windowMs).toISOString()]);
  }

  /** The question asked in a message, if Lore answered it within the last `windowMs`. */
  async answeredQuestion(question: QuestionRef, windowMs: number): Promise<AnsweredQuestion | undefined> {
    const since = new Date(this.now().getTime() - windowMs).toISOString();
    const [row] = await this.db.query<{ user_id: string; question: string; answer_message_id: string }>(
      `SELECT user_id, question, answer_message_id FROM answered_questions
       WHERE platform = ? AND channel_id = ? AND message_id = ? AND answered_at >= ?`,
      [question.platform, question.channelId, question.messageId, since],
    );
    return row && { userId: row.user_id, text: row.question, answerMessageId: row.answer_message_id };
  }

  async saveAnswer(posted: PostedAnswer): Promise<void> {
    const { answer } = posted;
    await this.db.run(
      `INSERT INTO answers (id, platform, workspace_id, channel_id, thread_id, message_id, user_id, question, answer, mode,
                            citations, confidence, latency_ms, cost_usd, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        answer.id,
        posted.platform,
        posted.workspaceId ?? null,
        posted.channelId,
        posted.threadId,
        posted.messageId,
        posted.userId,
        ...answerColumns(answer),
        this.now().toISOString(),
      ],
    );
  }

  /**
   * Puts a new answer in the place of the one posted in the same message (the asker edited the question and Lore
   * answered it again in place). The answer keeps its id; ratings given to the earlier answer are withdrawn: they
   * were about words no longer shown. Returns the kept id, or undefined when no answer was posted in that message.
   */
  async replaceAnswer(posted: PostedAnswer): Promise<string | undefined> {
    const { answer } = posted;
    const now = this.now().toISOString();
    return this.db.transaction(async (tx) => {
      const [existing] = await tx.query<{ id: string }>('SELECT id FROM answers WHERE platform = ? AND channel_id = ? AND message_id = ?', [
        posted.platform,
        posted.channelId,
        posted.messageId,
      ]);
      if (!existing) return undefined;
      await tx.run(
        `UPDATE answers SET question = ?, answer = ?, mode = ?, citations = ?, confidence = ?, latency_ms = ?, cost_usd = ?, created_at = ?
         WHERE id = ?`,
        [...answerColumns(answer), now, existing.id],
      );
      await tx.run('UPDATE feedback SET retracted_at = ? WHERE answer_id = ? AND retracted_at IS NULL', [now, existing.id]);
      return existing.id;
    });
  }

  async findAnswerByMessage(platform: string, channelId: string, messageId: string): Promise<StoredAnswer | undefined> {
    const [row] = await this.db.query<AnswerRow>(`${SELECT_ANSWER} WHERE platform = ? AND channel_id = ? AND message_id = ?`, [
      platform,
      channelId,
      messageId,
    ]);
    return row && toStoredAnswer(row);
  }

  async findAnswer(answerId: string): Promise<StoredAnswer | undefined> {
    const [row] = await this.db.query<AnswerRow>(`${SELECT_ANSWER} WHERE id = ?`, [answerId]);
    return row && toStoredAnswer(row);
  }

  async hasAnsweredInThread(platform: string, channelId: string, threadId: string): Promise<boolean> {
    return this.exists('SELECT 1 FROM answers WHERE platform = ? AND channel_id = ? AND thread_id = ? LIMIT 1', [platform, channelId, threadId]);
  }

  /** Records (or re-activates) one user's rating of an answer. */
  async recordFeedback(event: FeedbackEvent): Promise<void> {
    await this.db.run(
      `INSERT INTO feedback (answer_id, platform, user_id, rating, emoji, channel_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (answer_id, user_id, rating) DO UPDATE SET emoji = excluded.emoji, created_at = excluded.created_at, retracted_at = NULL`,
      [event.answerId, event.platform, event.userId, event.rating, event.emoji, event.channelId, this.now().toISOString()],
    );
  }

  /** Marks a rating as withdrawn (the row is kept); false when there was no active rating to withdraw. */
  async retractFeedback(answerId: string, userId: string, rating: Rating): Promise<boolean> {
    const retracted = await this.db.run(
      'UPDATE feedback SET retracted_at = ? WHERE answer_id = ? AND user_id = ? AND rating = ? AND retracted_at IS NULL',
      [this.now().toISOString(), answerId, userId, rating],
    );
    return retracted.changes === 1;
  }

  /** Whether the user's rating of the answer stands (given and not withdrawn). */
  async hasActiveFeedback(answerId: string, userId: string, rating: Rating): Promise<boolean> {
    return this.exists('SELECT 1 FROM feedback WHERE answer_id = ? AND user_id = ? AND rating = ? AND retracted_at IS NULL', [
      answerId,
      userId,
      rating,
    ]);
  }

  /**
   * The most asked, well-answered questions of the query log (table `query_log`, written by app/query-log.ts; read
   * here as the answers it logs are the chat's own) that a scope with `sources` may see, for suggested prompts.
   * Well answered: not an abstention or small talk, confident, not judged unfaithful, no standing 👎. Seen by the
   * scope: every source cited is among `sources`, and none is an upload (kept for the one channel it was shared
   * in). Asked by at least `minAskers` people, so that one person's question is never shown to others.
   */
  async popularQuestions(options: { sources: readonly string[]; limit: number; minAskers?: number }): Promise<string[]> {
    const rows = await this.db.query<{ question: string; citations: string; asker: string }>(
      `SELECT question, citations, COALESCE(user_id, answer_id) AS asker FROM query_log q
       WHERE abstained = 0 AND mode IN ('generative', 'extractive') AND confidence >= ? AND (faithfulness IS NULL OR faithfulness >= ?)
         AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.answer_id = q.answer_id AND f.rating = 'down' AND f.retracted_at IS NULL)
       ORDER BY created_at DESC LIMIT ?`,
      [WELL_ANSWERED.confidence, WELL_ANSWERED.faithfulness, POPULAR_WINDOW],
    );
    const allowed = new Set(options.sources);
    const asked = new Map<string, { question: string; askers: Set<string> }>();
    for (const row of rows) {
      const cited = (JSON.parse(row.citations) as Pick<Citation, 'source'>[]).map((citation) => citation.source);
      if (cited.length === 0 || cited.some((source) => source === 'upload' || !allowed.has(source))) continue;
      const key = row.question.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
      const entry = asked.get(key) ?? { question: row.question.trim(), askers: new Set<string>() };
      entry.askers.add(row.asker);
      asked.set(key, entry);
    }
    // Most askers first; among equals the most recently asked (rows come newest first, and the sort is stable).
    return [...asked.values()]
      .filter((entry) => entry.askers.size >= (options.minAskers ?? 2))
      .sort((a, b) => b.askers.size - a.askers.size)
      .slice(0, options.limit)
      .map((entry) => entry.question);
  }

  /** Attaches the one-line reason a user gave for their 👎; false when they have no active 👎 on the answer. */
  async setFeedbackReason(answerId: string, userId: string, reason: string): Promise<boolean> {
    const saved = await this.db.run(
      "UPDATE feedback SET reason = ? WHERE answer_id = ? AND user_id = ? AND rating = 'down' AND retracted_at IS NULL",
      [reason, answerId, userId],
    );
    return saved.changes === 1;
  }

  private async exists(sql: string, params: readonly SqlValue[]): Promise<boolean> {
    return (await this.db.query(sql, params)).length > 0;
  }

  /** Active (not retracted) ratings by platform and rating: the feedback metric. */
  async feedbackCounts(): Promise<{ platform: string; rating: Rating; count: number }[]> {
    return this.db.query<{ platform: string; rating: Rating; count: number }>(
      'SELECT platform, rating, count(*) AS count FROM feedback WHERE retracted_at IS NULL GROUP BY platform, rating ORDER BY platform, rating',
    );
  }
}

const SELECT_ANSWER = 'SELECT id, platform, channel_id, thread_id, message_id, user_id, question, citations FROM answers';

interface AnswerRow {
  id: string;
  platform: string;
  channel_id: string;
  thread_id: string;
  message_id: string;
  user_id: string;
  question: string;
  citations: string;
}

function toStoredAnswer(row: AnswerRow): StoredAnswer {
  return {
    id: row.id,
    platform: row.platform,
    channelId: row.channel_id,
    threadId: row.thread_id,
    messageId: row.message_id,
    userId: row.user_id,
    question: row.question,
    citations: JSON.parse(row.citations) as Citation[],
  };
}

/** The columns an answer fills, in the order of `question, answer, mode, citations, confidence, latency_ms, cost_usd`. */
function answerColumns(answer: PostedAnswer['answer']): [string, string, string, string, number, number, number] {
  // latency_ms is an INTEGER column, which PostgreSQL (unlike SQLite) refuses a fraction for.
  return [
    answer.question,
    answer.answer,
    answer.mode,
    JSON.stringify(answer.citations),
    answer.confidence,
    Math.round(answer.latencyMs),
    answer.costUsd,
  ];
}
