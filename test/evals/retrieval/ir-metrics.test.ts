import { describe, expect, it } from 'vitest';
import { evaluateRankings, ndcgAt, recallAt, reciprocalRankAt } from '../../../evals/retrieval/ir-metrics.ts';

const relevant = (...ids: string[]) => new Map(ids.map((id) => [id, 1]));

describe('retrieval metrics', () => {
  it('nDCG@10 discounts by log2 of the rank and normalises by the ideal ranking', () => {
    // Relevant at ranks 1 and 3 of two relevant: DCG = 1 + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3).
    expect(ndcgAt(['a', 'x', 'b'], relevant('a', 'b'), 10)).toBeCloseTo(1.5 / (1 + 1 / Math.log2(3)), 10);
    expect(ndcgAt(['a', 'b'], relevant('a', 'b'), 10)).toBe(1);
    expect(ndcgAt(['x', 'y'], relevant('a'), 10)).toBe(0);
  });

  it('nDCG uses graded gains and ignores documents past the cut-off', () => {
    const graded = new Map([
      ['a', 2],
      ['b', 1],
    ]);
    // b then a: DCG = 1 + 2/log2(3); ideal a then b: 2 + 1/log2(3).
    expect(ndcgAt(['b', 'a'], graded, 10)).toBeCloseTo((1 + 2 / Math.log2(3)) / (2 + 1 / Math.log2(3)), 10);
    expect(ndcgAt(['x', 'a'], relevant('a'), 1)).toBe(0);
  });

  it('recall counts the share of relevant documents retrieved within k', () => {
    expect(recallAt(['a', 'x', 'b', 'c'], relevant('a', 'b', 'c', 'd'), 3)).toBe(0.5);
    expect(recallAt(['a'], relevant('a'), 10)).toBe(1);
  });

  it('reciprocal rank is one over the rank of the first relevant document within k', () => {
    expect(reciprocalRankAt(['x', 'y', 'a', 'b'], relevant('a', 'b'), 10)).toBeCloseTo(1 / 3, 10);
    expect(reciprocalRankAt(['x', 'y', 'a'], relevant('a'), 2)).toBe(0);
  });

  it('averages over every judged query, counting a query with no ranking as zero', () => {
    const qrels = new Map([
      ['q1', relevant('a')],
      ['q2', relevant('b')],
    ]);
    const metrics = evaluateRankings(new Map([['q1', ['a']]]), qrels);
    expect(metrics).toEqual({ 'ndcg@10': 0.5, 'recall@10': 0.5, 'recall@100': 0.5, 'mrr@10': 0.5, queries: 2 });
  });
});
