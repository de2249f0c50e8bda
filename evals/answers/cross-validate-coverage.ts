// The offline answerer's one tuned number, MIN_FOCUS_COVERAGE, reported the way the project reports anything
// tuned: by k-fold cross-validation over the development questions. Every question is answered once per
// candidate threshold; for each fold the threshold that scores best on the other folds is chosen and the fold's
// own answers at that threshold are what count. No held-out figure comes from a threshold fitted on its question.
import { crossValidate } from '../retrieval/k-fold.ts';
import { summarise, type AnswerMetrics, type QuestionResult } from './score-answers.ts';

/** The thresholds tried: around the shipped 0.4, from "answers almost anything" to "answers only close matches". */
export const COVERAGE_GRID: readonly number[] = [0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55];
export const FOLDS = 5;

/** Every question's result at one threshold. */
export interface CoverageRun {
  threshold: number;
  results: readonly QuestionResult[];
}

export interface CoverageCrossValidation {
  /** Figures of the whole set at each threshold (fitted and scored on the same questions: for reading only). */
  sweep: Array<{ threshold: number; metrics: AnswerMetrics; objective: number }>;
  /** Held-out figures: each fold answered at the threshold chosen on the other folds. */
  heldOut: AnswerMetrics;
  /** The threshold each fold's training questions chose, fold by fold. */
  chosen: number[];
}

/**
 * What a threshold is chosen for: the mean of the three rates issue 13 sets targets on (answerable questions
 * answered, unanswerable ones abstained on, expected facts stated). A rate a set cannot measure counts as 0.
 */
export function objective(metrics: AnswerMetrics): number {
  return ((metrics.answerable.answered ?? 0) + (metrics.none.abstention ?? 0) + (metrics.answerable.facts ?? 0)) / 3;
}

export function crossValidateCoverage(runs: readonly CoverageRun[], folds = FOLDS): CoverageCrossValidation {
  if (runs.length === 0) throw new Error('crossValidateCoverage: no threshold was run');
  const byThreshold = runs.map((run) => ({ threshold: run.threshold, byId: new Map(run.results.map((r) => [r.id, r])) }));
  const questions = (runs[0] as CoverageRun).results.map((r) => ({ id: r.id }));
  const chosen: number[] = [];
  const heldOut = crossValidate(
    questions,
    folds,
    (training) => {
      // Ties go to the lower threshold: of two equally good, the one that answers more.
      let best = byThreshold[0] as (typeof byThreshold)[number];
      let bestScore = Number.NEGATIVE_INFINITY;
      for (const candidate of byThreshold) {
        const score = objective(summarise(training.map((q) => candidate.byId.get(q.id) as QuestionResult)));
        if (score > bestScore) [best, bestScore] = [candidate, score];
      }
      chosen.push(best.threshold);
      return best;
    },
    (model, question) => model.byId.get(question.id) as QuestionResult,
  );
  return {
    sweep: runs.map((run) => {
      const metrics = summarise(run.results);
      return { threshold: run.threshold, metrics, objective: objective(metrics) };
    }),
    heldOut: summarise([...heldOut.values()]),
    chosen,
  };
}
