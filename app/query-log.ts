import type { SqlDatabase } from '../rag/contracts/sql-database.ts';
import type { Answer, Citation } from '../rag/types.ts';

// The query log (table query_log): every question answered, on every surface, with what it cost and how good it
// looked; feedback is joined in from the feedback table. Rows older than LORE_QUERY_LOG_DAYS are pruned. On the
// storage seam (issue 19), so that every replica logs to the one store the knowledge-gap report reads.

export interface QueryLogEntry {
  answer: Answer;
  platform: string;
  userId?: string;
  channelId?: string;
  scores?: { faithfulness?: number; citationPrecision?: number };
}

export interface LoggedQuery {
  answerId: string;
  createdAt: string;
  platform: string;
  question: string;
  answer: string;
  mode: string;
  cached: boolean;
  abstained: boolean;
  confidence: number;
  latencyMs: number;
  costUsd: number;
  model?: string;
  citations: Citation[];
  faithfulness?: number;
  citationPrecision?: number;
  /** Active ratings on the answer. */
  feedback: { up: number; down: number };
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Every column but the key: what a second record of one answer overwrites. */
const REPLACED_COLUMNS = [
  'created_at',
  'platform',
  'user_id',
  'channel_id',
  'question',
  'answer',
  'mode',
  'cached',
  'abstained',
  'confidence',
  'latency_ms',
  'cost_usd',
  'input_tokens',
  'output_tokens',
  'model',
  'citations',
  'timings',
  'faithfulness',
  'citation_precision',
] as const;
const PRUNE_EVERY = 1_000;

export class QueryLog {
  private sincePrune = 0;

  constructor(
    private readonly db: SqlDatabase,
    private readonly retentionDays: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(entry: QueryLogEntry): Promise<void> {
    const { answer } = entry;
    // An answer logged again replaces its row, every column of it, as INSERT OR REPLACE did.
    await this.db.run(
      `INSERT INTO query_log (answer_id, created_at, platform, user_id, channel_id, question, answer, mode, cached, abstained,
         confidence, latency_ms, cost_usd, input_tokens, output_tokens, model, citations, timings, faithfulness, citation_precision)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (answer_id) DO UPDATE SET ${REPLACED_COLUMNS.map((column) => `${column} = excluded.${column}`).join(', ')}`,
      [
        answer.id,
        this.now().toISOString(),
        entry.platform,
        entry.userId ?? null,
        entry.channelId ?? null,
        answer.question,
        answer.answer,
        answer.mode,
        answer.cached ? 1 : 0,
        answer.abstained ? 1 : 0,
        answer.confidence,
        // INTEGER in PostgreSQL too, which refuses a fraction where SQLite stored one.
        Math.round(answer.latencyMs),
        answer.costUsd,
        answer.usage.inputTokens,
        answer.usage.outputTokens,
        answer.model ?? null,
        JSON.stringify(answer.citations),
        JSON.stringify(answer.timings),
        entry.scores?.faithfulness ?? null,
        entry.scores?.citationPrecision ?? null,
      ],
    );
    if (++this.sincePrune >= PRUNE_EVERY) {
      this.sincePrune = 0;
      await this.prune();
    }
  }

  /** Online grader scores arrive after the answer was logged (they never delay it). */
  async setScores(answerId: string, scores: { faithfulness?: number; citationPrecision?: number }): Promise<void> {
    await this.db.run('UPDATE query_log SET faithfulness = ?, citation_precision = ? WHERE answer_id = ?', [
      scores.faithfulness ?? null,
      scores.citationPrecision ?? null,
      answerId,
    ]);
  }

  /** Deletes rows past the retention; returns how many. */
  async prune(): Promise<number> {
    const cutoff = new Date(this.now().getTime() - this.retentionDays * DAY_MS).toISOString();
    return (await this.db.run('DELETE FROM query_log WHERE created_at < ?', [cutoff])).changes;
  }

  /** Newest first. */
  async recent(limit = 50): Promise<LoggedQuery[]> {
    // rowid breaks ties of one millisecond: SQLite's own, an identity column in PostgreSQL's schema.
    const rows = await this.db.query<QueryRow>(
      `SELECT q.*,
         (SELECT count(*) FROM feedback f WHERE f.answer_id = q.answer_id AND f.rating = 'up' AND f.retracted_at IS NULL) AS up,
         (SELECT count(*) FROM feedback f WHERE f.answer_id = q.answer_id AND f.rating = 'down' AND f.retracted_at IS NULL) AS down
       FROM query_log q ORDER BY q.created_at DESC, q.rowid DESC LIMIT ?`,
      [limit],
    );
    return rows.map(toLoggedQuery);
  }
}

interface QueryRow {
  answer_id: string;
  created_at: string;
  platform: string;
  question: string;
  answer: string;
  mode: string;
  cached: number;
  abstained: number;
  confidence: number;
  latency_ms: number;
  cost_usd: number;
  model: string | null;
  citations: string;
  faithfulness: number | null;
  citation_precision: number | null;
  up: number;
  down: number;
}

function toLoggedQuery(row: QueryRow): LoggedQuery {
  return {
    answerId: row.answer_id,
    createdAt: row.created_at,
    platform: row.platform,
    question: row.question,
    answer: row.answer,
    mode: row.mode,
    cached: row.cached === 1,
    abstained: row.abstained === 1,
    confidence: row.confidence,
    latencyMs: row.latency_ms,
    costUsd: row.cost_usd,
    ...(row.model ? { model: row.model } : {}),
    citations: JSON.parse(row.citations) as Citation[],
    ...(row.faithfulness !== null ? { faithfulness: row.faithfulness } : {}),
    ...(row.citation_precision !== null ? { citationPrecision: row.citation_precision } : {}),
    feedback: { up: row.up, down: row.down },
  };
}
