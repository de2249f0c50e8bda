import fs from 'node:fs';
import path from 'node:path';
import { feedbackCases, feedbackYaml, verifiedCases, type DislikedAnswer, type VerifiedCaseSource } from '../../evals/golden/feedback-cases.ts';
import type { SqlDatabase } from '../../rag/contracts/sql-database.ts';
import type { Config } from '../config.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { openExistingStore } from '../storage/open-store.ts';

export interface FeedbackExportOptions {
  /** ISO date: only feedback given on or after it. */
  since?: string;
  out?: string;
  json: boolean;
}

/**
 * `lore feedback export`: every answer with a 👎 that was not taken back, as golden cases awaiting review. YAML goes
 * to `--out` (never overwriting a file a reviewer may have edited) or to stdout; `--json` prints the cases as JSON.
 */
export async function feedbackExport(config: Config, options: FeedbackExportOptions): Promise<number> {
  const since = options.since === undefined ? undefined : isoDate(options.since);
  const out = options.out === undefined ? undefined : path.resolve(options.out);
  if (out && fs.existsSync(out)) throw new Error(`--out ${options.out} already exists: choose another file (a reviewer may have edited it)`);

  const store = await openExistingStore(config, 'export');
  let answers: DislikedAnswer[];
  let verified: VerifiedCaseSource[];
  try {
    answers = await dislikedAnswers(store.sql, since);
    verified = await verifiedAnswers(store.sql, since);
  } finally {
    await store.close();
  }
  const disliked = feedbackCases(answers);
  const { skipped } = disliked;
  // People's replies saved as verified answers go with them, as cases with a reference answer.
  const cases = [...disliked.cases, ...verifiedCases(verified)];
  for (const skip of skipped) process.stderr.write(`skipped answer ${skip.answerId}: ${skip.reason}\n`);
  const yaml = feedbackYaml(cases, new Date());
  if (out) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, yaml, { flag: 'wx' });
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ exported: cases.length, skipped, out: out ?? null, cases })}\n`);
  } else if (!out) {
    process.stdout.write(yaml);
  }
  if (!options.json || out) {
    process.stderr.write(
      `exported ${disliked.cases.length} 👎 answer(s) and ${cases.length - disliked.cases.length} verified answer(s)${out ? ` to ${path.relative(process.cwd(), out)}` : ''}${since ? ` since ${since}` : ''}; ${skipped.length} skipped\n`,
    );
  }
  return EXIT_OK;
}

interface Row {
  answer_id: string;
  platform: string;
  question: string;
  answer: string;
  mode: string;
  citations: string;
  asked_at: string;
  reason: string | null;
  reported_at: string;
}

/**
 * 👎 votes not retracted, grouped by answer, oldest complaint first. On the storage seam (issue 19): SQLite, or the
 * store the replicas share.
 */
export async function dislikedAnswers(db: SqlDatabase, since?: string): Promise<DislikedAnswer[]> {
  // CAST: PostgreSQL cannot tell the type of a parameter only tested for NULL. user_id orders two votes of one moment.
  const rows = await db.query<Row>(
    `SELECT a.id AS answer_id, a.platform, a.question, a.answer, a.mode, a.citations, a.created_at AS asked_at,
            f.reason, f.created_at AS reported_at
       FROM feedback f JOIN answers a ON a.id = f.answer_id
      WHERE f.rating = 'down' AND f.retracted_at IS NULL AND (CAST(? AS TEXT) IS NULL OR f.created_at >= ?)
      ORDER BY f.created_at, a.id, f.user_id`,
    [since ?? null, since ?? null],
  );
  const byAnswer = new Map<string, DislikedAnswer>();
  for (const row of rows) {
    let answer = byAnswer.get(row.answer_id);
    if (!answer) {
      answer = {
        answerId: row.answer_id,
        platform: row.platform,
        question: row.question,
        answer: row.answer,
        mode: row.mode,
        citationsJson: row.citations,
        askedAt: row.asked_at,
        votes: [],
      };
      byAnswer.set(row.answer_id, answer);
    }
    answer.votes.push({ reason: row.reason, at: row.reported_at });
  }
  return [...byAnswer.values()];
}

/** Verified answers in force (not revoked), saved on or after `since`, oldest first. */
export async function verifiedAnswers(db: SqlDatabase, since?: string): Promise<VerifiedCaseSource[]> {
  const rows = await db.query<{
    id: string;
    question: string;
    answer: string;
    answered_by_name: string;
    channel_name: string;
    answered_at: string;
  }>(
    `SELECT id, question, answer, answered_by_name, channel_name, answered_at FROM verified_answers
      WHERE revoked_at IS NULL AND (CAST(? AS TEXT) IS NULL OR saved_at >= ?) ORDER BY saved_at, id`,
    [since ?? null, since ?? null],
  );
  return rows.map((row) => ({
    id: row.id,
    question: row.question,
    answer: row.answer,
    answeredBy: `answered by ${row.answered_by_name} in #${row.channel_name} on ${row.answered_at.slice(0, 10)}`,
  }));
}

function isoDate(value: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new Error(`--since must be an ISO date such as 2025-01-31, got "${value}"`);
  return new Date(ms).toISOString();
}
