import { describe, expect, it } from 'vitest';
import { crossValidateCoverage, objective } from '../../../evals/answers/cross-validate-coverage.ts';
import type { QuestionResult } from '../../../evals/answers/score-answers.ts';
import { summarise } from '../../../evals/answers/score-answers.ts';

function answerable(id: string, answered: boolean): QuestionResult {
  return {
    id,
    kind: 'single',
    abstained: !answered,
    answered,
    latencyMs: 1,
    topDocuments: [],
    hit1: true,
    hit5: true,
    cover5: 1,
    factsFound: answered ? ['fact'] : [],
    factsMissed: answered ? [] : ['fact'],
  };
}

function unanswerable(id: string, abstained: boolean): QuestionResult {
  return { id, kind: 'none', abstained, answered: !abstained, latencyMs: 1, topDocuments: [] };
}

const ids = Array.from({ length: 40 }, (_, i) => `q${i}`);

describe('crossValidateCoverage', () => {
  it('chooses on the training folds the threshold that answers the answerable and abstains on the rest', () => {
    // At 0.4 every question is handled right; at 0.2 the unanswerable ones are answered; at 0.6 nothing is.
    const at = (threshold: number, id: string, i: number) => (i % 2 === 0 ? answerable(id, threshold <= 0.4) : unanswerable(id, threshold >= 0.4));
    const runs = [0.2, 0.4, 0.6].map((threshold) => ({ threshold, results: ids.map((id, i) => at(threshold, id, i)) }));
    const cv = crossValidateCoverage(runs);
    expect(cv.chosen).toEqual([0.4, 0.4, 0.4, 0.4, 0.4]);
    expect(cv.heldOut.answerable.answered).toBe(1);
    expect(cv.heldOut.none.abstention).toBe(1);
    expect(cv.sweep.map((s) => s.threshold)).toEqual([0.2, 0.4, 0.6]);
    expect(cv.sweep[1]?.objective).toBe(1);
  });

  it('scores each held-out question at the threshold its training folds chose, never at one fitted on it', () => {
    // Only q0 is answered at 0.2; everything else is the same at both thresholds. Training folds without q0 see a
    // tie and take the lower threshold; the fold holding q0 is scored at whatever the other folds chose.
    const runs = [0.2, 0.4].map((threshold) => ({
      threshold,
      results: ids.map((id) => (id === 'q0' ? answerable(id, threshold === 0.2) : answerable(id, false))),
    }));
    const cv = crossValidateCoverage(runs);
    expect(cv.chosen.every((t) => t === 0.2)).toBe(true);
    expect(cv.heldOut.answerable.answered).toBeCloseTo(1 / 40);
  });

  it('weighs answered, abstention and facts alike', () => {
    const metrics = summarise([answerable('a', true), unanswerable('b', false)]);
    expect(objective(metrics)).toBeCloseTo((1 + 0 + 1) / 3);
  });
});
