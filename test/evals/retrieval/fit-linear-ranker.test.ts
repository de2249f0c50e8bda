import { describe, expect, it } from 'vitest';
import { fitLinearRanker, objective, rankDocuments, type TrainingQuery } from '../../../evals/retrieval/fit-linear-ranker.ts';
import { crossValidate, foldOf } from '../../../evals/retrieval/k-fold.ts';

// Feature 0 is a noisy signal that often puts a wrong document first; feature 1 is the one that tells.
function query(seed: number): TrainingQuery & { id: string } {
  const misleading = seed % 3 !== 0;
  return {
    id: `q${seed}`,
    features: [
      [misleading ? 1 : 0.6, 0.1],
      [misleading ? 0.7 : 1, 0.9],
      [0.2, 0.2],
    ],
    documents: ['wrong', 'right', 'other'],
    relevant: new Map([['right', 1]]),
    weight: 1,
  };
}

describe('fitLinearRanker', () => {
  const queries = Array.from({ length: 30 }, (_, i) => query(i));

  it('moves weight onto the feature that ranks the relevant document first', () => {
    const start = [1, 0];
    expect(objective(queries, start)).toBeLessThan(0.8);
    const fitted = fitLinearRanker(queries, { initial: start });
    expect(objective(queries, fitted)).toBe(1);
    expect(fitted[1]).toBeGreaterThan(0);
    expect(fitted.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(fitted.every((w) => w >= 0)).toBe(true);
  });

  it('leaves frozen weights where they were', () => {
    const fitted = fitLinearRanker(queries, { initial: [1, 0], frozen: [false, true] });
    expect(fitted[1]).toBe(0);
  });

  it('ranks a document by its best passage', () => {
    const q: TrainingQuery = { features: [[0.2], [0.9], [0.5]], documents: ['x', 'y', 'x'], relevant: new Map(), weight: 1 };
    expect(rankDocuments(q, [1])).toEqual(['y', 'x']);
  });
});

describe('k-fold cross-validation', () => {
  it('assigns folds by query id, the same on every run', () => {
    expect(foldOf('q1', 5)).toBe(foldOf('q1', 5));
    const folds = new Set(Array.from({ length: 50 }, (_, i) => foldOf(`q${i}`, 5)));
    expect(folds.size).toBe(5);
  });

  it('scores every query with a model fitted without it', () => {
    const ids = Array.from({ length: 20 }, (_, i) => ({ id: `q${i}` }));
    const results = crossValidate(
      ids,
      4,
      (training) => new Set(training.map((q) => q.id)),
      (seen, q) => seen.has(q.id),
    );
    expect(results.size).toBe(20);
    expect([...results.values()].every((leaked) => leaked === false)).toBe(true);
  });
});
