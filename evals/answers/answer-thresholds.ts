// The answer benchmark's gate (`lore bench answers --thresholds FILE`; evals/answer-thresholds*.json): floors for the
// SUMMARY line's figures (answered and the hit and fact rates over the answerable questions, abstention over the
// `none` ones), the share of the oracle's answers Lore posted, and a ceiling for the p95 latency. Same file format,
// validation and check shape as the release gate's thresholds (evals/thresholds.ts).
import { z } from 'zod';
import { definedOnly, parseWith, positive, readThresholdsJson, share, ThresholdsError, type ThresholdCheck } from '../thresholds.ts';
import type { AnswerMetrics } from './score-answers.ts';

export const ANSWER_QUALITY_NAMES = ['answered', 'abstention', 'hit1', 'hit5', 'facts', 'oraclePosted', 'nearMissAbstention'] as const;
export const ANSWER_LIMIT_NAMES = ['p95-latency-ms'] as const;
export type AnswerQualityName = (typeof ANSWER_QUALITY_NAMES)[number];
export type AnswerLimitName = (typeof ANSWER_LIMIT_NAMES)[number];
export type AnswerCheck = ThresholdCheck<AnswerQualityName | AnswerLimitName>;

export interface AnswerThresholds {
  atLeast: Partial<Record<AnswerQualityName, number>>;
  below: Partial<Record<AnswerLimitName, number>>;
}

const schema = z
  .object({
    $comment: z.string().optional(),
    atLeast: z.strictObject(Object.fromEntries(ANSWER_QUALITY_NAMES.map((name) => [name, share.optional()]))).default({}),
    below: z.strictObject(Object.fromEntries(ANSWER_LIMIT_NAMES.map((name) => [name, positive.optional()]))).default({}),
  })
  .strict();

export function parseAnswerThresholds(raw: unknown, origin: string): AnswerThresholds {
  const { atLeast, below } = parseWith(schema, raw, origin);
  const thresholds: AnswerThresholds = {
    atLeast: definedOnly(atLeast) as AnswerThresholds['atLeast'],
    below: definedOnly(below) as AnswerThresholds['below'],
  };
  if (Object.keys(thresholds.atLeast).length + Object.keys(thresholds.below).length === 0) {
    throw new ThresholdsError(`${origin}: sets no threshold at all`);
  }
  return thresholds;
}

export function loadAnswerThresholds(file: string): AnswerThresholds {
  return parseAnswerThresholds(readThresholdsJson(file), file);
}

/**
 * Thresholds a run cannot measure, each with what it needs: the oracle's posted share needs `--generator oracle`,
 * abstention on near misses `--near-misses`.
 */
export function unmeasurable(
  thresholds: AnswerThresholds,
  run: { generator: 'extractive' | 'oracle'; nearMisses: boolean },
): Array<{ name: AnswerQualityName; needs: string }> {
  const cannot: Array<{ name: AnswerQualityName; needs: string }> = [];
  if (run.generator !== 'oracle' && thresholds.atLeast.oraclePosted !== undefined) cannot.push({ name: 'oraclePosted', needs: '--generator oracle' });
  if (!run.nearMisses && thresholds.atLeast.nearMissAbstention !== undefined) cannot.push({ name: 'nearMissAbstention', needs: '--near-misses' });
  return cannot;
}

/** What a run measured, as the thresholds name it; null when no question measured it. */
export interface AnswerFigures {
  metrics: AnswerMetrics;
  /** The share of the oracle's answers Lore posted; undefined for an extractive run. */
  oraclePosted?: number | null;
  /** Abstention on near misses; undefined without `--near-misses`. */
  nearMissAbstention?: number | null;
}

function figure(figures: AnswerFigures, name: AnswerQualityName | AnswerLimitName): number | null {
  const { answerable, none, overall } = figures.metrics;
  switch (name) {
    case 'answered':
      return answerable.answered;
    case 'abstention':
      return none.abstention;
    case 'hit1':
      return answerable['hit@1'];
    case 'hit5':
      return answerable['hit@5'];
    case 'facts':
      return answerable.facts;
    case 'oraclePosted':
      return figures.oraclePosted ?? null;
    case 'nearMissAbstention':
      return figures.nearMissAbstention ?? null;
    case 'p95-latency-ms':
      return overall.p95Ms;
  }
}

/** One check per threshold; a figure no question measured fails (the question set lost what exercises it). */
export function checkAnswerThresholds(figures: AnswerFigures, thresholds: AnswerThresholds): AnswerCheck[] {
  const checks: AnswerCheck[] = [];
  for (const [name, threshold] of Object.entries(thresholds.atLeast) as [AnswerQualityName, number][]) {
    const actual = figure(figures, name);
    checks.push({ name, direction: 'at least', threshold, actual, passed: actual !== null && actual >= threshold });
  }
  for (const [name, threshold] of Object.entries(thresholds.below) as [AnswerLimitName, number][]) {
    const actual = figure(figures, name);
    checks.push({ name, direction: 'below', threshold, actual, passed: actual !== null && actual < threshold });
  }
  return checks;
}

function value(check: AnswerCheck, v: number | null): string {
  if (v === null) return 'not measured';
  return check.name === 'p95-latency-ms' ? `${Math.round(v)} ms` : v.toFixed(3);
}

/** `✓ answered 0.800 (needs ≥ 0.750)`. */
export function describeAnswerCheck(check: AnswerCheck): string {
  return `${check.name} ${value(check, check.actual)} (needs ${check.direction === 'at least' ? '≥' : '<'} ${value(check, check.threshold)})`;
}

export function formatAnswerChecks(checks: readonly AnswerCheck[]): string[] {
  return checks.map((check) => `${check.passed ? '✓' : '✗'} ${describeAnswerCheck(check)}`);
}

/** The verdict line: every threshold met, or every missed figure named. */
export function answerGateVerdict(checks: readonly AnswerCheck[], file: string): string {
  const failing = checks.filter((c) => !c.passed);
  return failing.length === 0
    ? `GATE PASSED: every threshold of ${file} met.`
    : `GATE FAILED: ${failing.map(describeAnswerCheck).join('; ')} (${file}).`;
}
