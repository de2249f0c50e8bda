// The answer benchmark's metrics (datasets/real-docs-dev/README.md, "Scoring"), per question and per kind.
import { containsRun, factTokens } from './fact-match.ts';
import { goldRank, referencedDocuments, type AnswerReferences } from './gold-match.ts';
import type { BenchQuestion, QuestionKind } from './question-set.ts';

/** The parts of an answer that are scored: what `lore ask --json` prints. */
export interface ScoredAnswer extends AnswerReferences {
  answer?: unknown;
  abstained?: boolean;
}

export interface QuestionResult {
  id: string;
  kind: QuestionKind;
  abstained: boolean;
  /** Not abstained, with a non-empty answer. */
  answered: boolean;
  latencyMs: number;
  /** The distinct documents referenced, first five (corpus-relative paths). */
  topDocuments: string[];
  /** Answerable questions only from here on. */
  goldRanks?: Record<string, number | null>;
  hit1?: boolean;
  hit5?: boolean;
  /** Share of the gold files among the first five documents. */
  cover5?: number;
  factsFound?: string[];
  factsMissed?: string[];
}

export const GROUPS = ['single', 'multi', 'none', 'answerable', 'overall'] as const;
export type Group = (typeof GROUPS)[number];

/** One row of the table. A rate is null when the group has no question it applies to. */
export interface GroupMetrics {
  n: number;
  /** Answerable questions answered. */
  answered: number | null;
  /** `none` questions abstained on. */
  abstention: number | null;
  'hit@1': number | null;
  'hit@5': number | null;
  'cover@5': number | null;
  /** Facts found over all facts of the answerable questions. */
  facts: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
}

export type AnswerMetrics = Record<Group, GroupMetrics>;

function answerText(answer: ScoredAnswer): string {
  if (typeof answer.answer === 'string') return answer.answer;
  return answer.answer === undefined || answer.answer === null ? '' : JSON.stringify(answer.answer);
}

/** Scores one answer against its question. */
export function scoreAnswer(question: BenchQuestion, answer: ScoredAnswer, corpusDir: string, latencyMs = 0): QuestionResult {
  const text = answerText(answer);
  const abstained = typeof answer.abstained === 'boolean' ? answer.abstained : text.trim() === '';
  const documents = referencedDocuments(answer, corpusDir);
  const result: QuestionResult = {
    id: question.id,
    kind: question.kind,
    abstained,
    answered: !abstained && text.trim() !== '',
    latencyMs,
    topDocuments: documents.slice(0, 5),
  };
  if (question.kind === 'none') return result;

  const ranks = question.gold.map((gold) => goldRank(documents, gold));
  const inTopFive = ranks.filter((rank) => rank !== undefined && rank <= 5).length;
  const tokens = factTokens(text);
  const found = question.facts.filter((fact) => containsRun(tokens, factTokens(fact)));
  return {
    ...result,
    goldRanks: Object.fromEntries(question.gold.map((gold, i) => [gold, ranks[i] ?? null])),
    hit1: ranks.includes(1),
    hit5: inTopFive > 0,
    cover5: question.gold.length > 0 ? inTopFive / question.gold.length : 0,
    factsFound: found,
    factsMissed: question.facts.filter((fact) => !found.includes(fact)),
  };
}

const inGroup: Record<Group, (r: QuestionResult) => boolean> = {
  single: (r) => r.kind === 'single',
  multi: (r) => r.kind === 'multi',
  none: (r) => r.kind === 'none',
  answerable: (r) => r.kind !== 'none',
  overall: () => true,
};

function share(values: readonly boolean[]): number | null {
  return values.length === 0 ? null : values.filter(Boolean).length / values.length;
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Nearest-rank percentile (p in 0–1); null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** The table: every group's rates over the questions of that group they apply to. */
export function summarise(results: readonly QuestionResult[]): AnswerMetrics {
  const metrics = {} as AnswerMetrics;
  for (const group of GROUPS) {
    const rows = results.filter(inGroup[group]);
    const answerable = rows.filter((r) => r.kind !== 'none');
    const facts = answerable.reduce((n, r) => n + (r.factsFound?.length ?? 0) + (r.factsMissed?.length ?? 0), 0);
    const latencies = rows.map((r) => r.latencyMs);
    metrics[group] = {
      n: rows.length,
      answered: share(answerable.map((r) => r.answered)),
      abstention: share(rows.filter((r) => r.kind === 'none').map((r) => r.abstained)),
      'hit@1': share(answerable.map((r) => r.hit1 === true)),
      'hit@5': share(answerable.map((r) => r.hit5 === true)),
      'cover@5': mean(answerable.map((r) => r.cover5 ?? 0)),
      facts: facts === 0 ? null : answerable.reduce((n, r) => n + (r.factsFound?.length ?? 0), 0) / facts,
      p50Ms: percentile(latencies, 0.5),
      p95Ms: percentile(latencies, 0.95),
    };
  }
  return metrics;
}

const RATE_COLUMNS = ['answered', 'abstention', 'hit@1', 'hit@5', 'cover@5', 'facts'] as const;

function rate(value: number | null): string {
  return value === null ? '-' : value.toFixed(3);
}

function ms(value: number | null): string {
  return value === null ? '-' : String(Math.round(value));
}

/** The table, one line per group, and the SUMMARY line (the same fields as the dataset's score.py prints). */
export function formatMetrics(metrics: AnswerMetrics): string[] {
  const header = ['kind'.padEnd(11), 'n'.padStart(5), ...RATE_COLUMNS.map((c) => c.padStart(11)), 'p50 ms'.padStart(9), 'p95 ms'.padStart(9)];
  const lines = [header.join('')];
  for (const group of GROUPS) {
    const m = metrics[group];
    lines.push(
      [
        group.padEnd(11),
        String(m.n).padStart(5),
        ...RATE_COLUMNS.map((c) => rate(m[c]).padStart(11)),
        ms(m.p50Ms).padStart(9),
        ms(m.p95Ms).padStart(9),
      ].join(''),
    );
  }
  lines.push('', summaryLine(metrics));
  return lines;
}

export function summaryLine(metrics: AnswerMetrics): string {
  const a = metrics.answerable;
  return (
    `SUMMARY answered=${rate(a.answered)} abstention=${rate(metrics.none.abstention)} hit@1=${rate(a['hit@1'])} ` +
    `hit@5=${rate(a['hit@5'])} facts=${rate(a.facts)} missing=0/${metrics.overall.n} ` +
    `p50=${ms(metrics.overall.p50Ms)}ms p95=${ms(metrics.overall.p95Ms)}ms`
  );
}
