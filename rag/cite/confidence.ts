// One 0–1 number for "how much should the reader trust this answer", shown with it. It does not decide whether
// Lore answers: evidence does (a span that answers, a sentence its passage backs). Two kinds of evidence: did
// retrieval find something that matches the question well, and do the answer's sentences stand on their passages.
import type { Verification } from './verify-claims.ts';

/** How much each kind of evidence counts; they sum to 1. */
export const CONFIDENCE_WEIGHTS = Object.freeze({ retrieval: 0.4, claims: 0.6 });

export interface ConfidenceInput {
  /**
   * Scores of the passages behind the answer, best first, each in [0, 1] (e.g. the reranker's calibrated
   * score). Values outside are clamped.
   */
  retrievalScores: readonly number[];
  /** The claim check of the answer; omitted or without claims means no sentence could be checked. */
  verification?: Pick<Verification, 'support' | 'supportedShare' | 'claims'>;
}

function clamp(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

/** Mostly the best passage, partly the next two: one lucky match counts less than a few good ones. */
export function retrievalStrength(scores: readonly number[]): number {
  const top = [...scores]
    .map(clamp)
    .sort((a, b) => b - a)
    .slice(0, 3);
  if (top.length === 0) return 0;
  const mean = top.reduce((sum, s) => sum + s, 0) / top.length;
  return 0.7 * (top[0] as number) + 0.3 * mean;
}

export function confidence(input: ConfidenceInput): number {
  const retrieval = retrievalStrength(input.retrievalScores);
  const verification = input.verification;
  const checked = verification?.claims.some((c) => c.verdict !== 'not-a-claim') ?? false;
  // The mean support says how well the sentences match; the share says how many of them are backed at all.
  const claims = verification && checked ? 0.5 * clamp(verification.support) + 0.5 * clamp(verification.supportedShare) : 0;
  return clamp(CONFIDENCE_WEIGHTS.retrieval * retrieval + CONFIDENCE_WEIGHTS.claims * claims);
}
