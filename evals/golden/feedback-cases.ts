// 👎-rated answers as golden cases for review: the question, what Lore answered and cited, and why people disliked
// it. They start as `needs-review` with no reference answer: a person writes the reference and the expected sources
// (or marks the case unanswerable), sets `status: ready`, and the complaint is a regression test from then on.
import { stringify } from 'yaml';
import type { GoldenCase, ReportedAnswer } from './golden-case.ts';

/** One 👎 answer with every vote it got (the feedback table has one row per user). */
export interface DislikedAnswer {
  answerId: string;
  platform: string;
  question: string;
  answer: string;
  mode: string;
  /** The answers table's JSON text. */
  citationsJson: string;
  askedAt: string;
  votes: { reason: string | null; at: string }[];
}

/** The golden format's limits: a longer question would not load back. */
export const MAX_QUESTION_CHARS = 2_000;
const MAX_ANSWER_CHARS = 20_000;

export interface FeedbackExport {
  cases: GoldenCase[];
  /** Answers that could not become a case, and why. */
  skipped: { answerId: string; reason: string }[];
}

export function feedbackCases(answers: readonly DislikedAnswer[]): FeedbackExport {
  const cases: GoldenCase[] = [];
  const skipped: FeedbackExport['skipped'] = [];
  const ids = new Set<string>();
  for (const a of answers) {
    const question = a.question.trim();
    if (question === '') {
      skipped.push({ answerId: a.answerId, reason: 'the question is empty' });
      continue;
    }
    if (question.length > MAX_QUESTION_CHARS) {
      skipped.push({ answerId: a.answerId, reason: `the question is longer than ${MAX_QUESTION_CHARS} characters` });
      continue;
    }
    let id = `feedback-${slug(a.answerId)}`;
    for (let n = 2; ids.has(id); n++) id = `feedback-${slug(a.answerId)}-${n}`;
    ids.add(id);
    const reported: ReportedAnswer = {
      answerId: a.answerId,
      platform: a.platform,
      answer: a.answer.length > MAX_ANSWER_CHARS ? `${a.answer.slice(0, MAX_ANSWER_CHARS)}…` : a.answer,
      mode: a.mode,
      cited: parseCitations(a.citationsJson),
      reasons: [...new Set(a.votes.map((v) => v.reason?.trim()).filter((r): r is string => Boolean(r)))],
      votes: a.votes.length,
      askedAt: a.askedAt,
      reportedAt: a.votes.map((v) => v.at).sort()[0] ?? a.askedAt,
    };
    cases.push({
      ...caseToReview(id, question),
      notes: 'From 👎 feedback. Write `reference` and `sources` (or set kind: unanswerable), then set status: ready.',
      reported,
    });
  }
  return { cases, skipped };
}

/** The cases as a golden YAML file (same format as datasets/golden). */
/** A person's reply saved as the verified answer to a question asked of Lore in chat (issue 17, item 3). */
export interface VerifiedCaseSource {
  id: string;
  question: string;
  answer: string;
  /** "answered by maria in #support on 2026-12-06". */
  answeredBy: string;
}

/**
 * Verified answers as golden cases: the question, with the person's reply as the reference. They too start as
 * `needs-review` (a reviewer adds the expected sources, or leaves the case to the reference alone).
 */
export function verifiedCases(answers: readonly VerifiedCaseSource[]): GoldenCase[] {
  return answers
    .filter((a) => a.question.trim() !== '' && a.question.trim().length <= MAX_QUESTION_CHARS)
    .map((a) => ({
      ...caseToReview(`verified-${slug(a.id)}`, a.question.trim()),
      reference: a.answer.length > MAX_ANSWER_CHARS ? `${a.answer.slice(0, MAX_ANSWER_CHARS)}…` : a.answer,
      notes: `From a verified answer (${a.answeredBy}). Check the reference, add the expected sources, then set status: ready.`,
    }));
}

/** A live-knowledge-base case awaiting a reviewer: nothing expected yet but what the exporter fills in. */
function caseToReview(id: string, question: string): GoldenCase {
  return {
    id,
    set: 'feedback',
    knowledgeBase: 'live',
    kind: 'answerable',
    question,
    sources: [],
    abstain: false,
    facts: [],
    forbidden: [],
    forbiddenSources: [],
    status: 'needs-review',
  };
}

export function feedbackYaml(cases: readonly GoldenCase[], exportedAt: Date): string {
  const header = [
    `# Golden cases exported from 👎 feedback by \`lore feedback export\` on ${exportedAt.toISOString()}.`,
    '# Each is `needs-review`: add a reference answer and the expected sources (or make it unanswerable), set',
    '# `status: ready`, and move the file into datasets/golden (or keep it there) so `lore eval` runs it.',
    '# `reported` keeps what Lore answered and cited, for the reviewer; the eval does not read it.',
  ].join('\n');
  const file = {
    knowledgeBase: 'live',
    cases: cases.map(
      ({
        set: _set,
        knowledgeBase: _kb,
        sources: _sources,
        facts: _facts,
        forbidden: _forbidden,
        forbiddenSources: _fs,
        abstain: _abstain,
        ...rest
      }) => rest,
    ),
  };
  return `${header}\n${stringify(file, { lineWidth: 0 })}`;
}

function parseCitations(json: string): ReportedAnswer['cited'] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((c: unknown) => {
    if (typeof c !== 'object' || c === null) return [];
    const r = c as Record<string, unknown>;
    const text = (key: string) => (typeof r[key] === 'string' ? (r[key] as string) : '');
    return [
      {
        n: typeof r.n === 'number' ? r.n : 0,
        title: text('title'),
        url: text('url'),
        source: text('source'),
        docId: text('docId'),
        chunkId: text('chunkId'),
      },
    ];
  });
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+|-+$/g, '')
      .slice(0, 60) || 'answer'
  );
}
