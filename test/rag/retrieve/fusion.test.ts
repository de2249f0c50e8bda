import { describe, expect, it } from 'vitest';
import { fuse, scaleByMax, scaleMinMax } from '../../../rag/retrieve/fusion.ts';

const lexical = [
  { id: 'a', score: 12 },
  { id: 'b', score: 6 },
  { id: 'c', score: 3 },
];
const dense = [
  { id: 'c', score: 0.61 },
  { id: 'd', score: 0.55 },
  { id: 'a', score: 0.4 },
];

describe('fusion', () => {
  it('scales lexical scores by the best and dense scores between the worst and best returned', () => {
    expect([...scaleByMax(lexical)]).toEqual([
      ['a', 1],
      ['b', 0.5],
      ['c', 0.25],
    ]);
    const scaled = scaleMinMax(dense);
    expect(scaled.get('c')).toBe(1);
    expect(scaled.get('a')).toBe(0);
    expect(scaled.get('d')).toBeCloseTo(0.15 / 0.21, 10);
  });

  it('orders by the weighted sum, so the weights decide which side leads', () => {
    expect(fuse(lexical, dense, { lexical: 0.8, dense: 0.2 }).map((c) => c.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(fuse(lexical, dense, { lexical: 0.2, dense: 0.8 }).map((c) => c.id)).toEqual(['c', 'd', 'a', 'b']);
  });

  it('keeps each side’s raw score and counts a missing side as zero', () => {
    const fused = fuse(lexical, dense, { lexical: 0.5, dense: 0.5 });
    expect(fused.find((c) => c.id === 'd')).toEqual({ id: 'd', fused: expect.closeTo(0.5 * (0.15 / 0.21), 10), lexical: undefined, dense: 0.55 });
    expect(fused.find((c) => c.id === 'b')).toEqual({ id: 'b', fused: 0.25, lexical: 6, dense: undefined });
  });

  it('is deterministic on ties and copes with an empty side', () => {
    const tied = fuse(
      [
        { id: 'y', score: 1 },
        { id: 'x', score: 1 },
      ],
      [],
      { lexical: 1, dense: 1 },
    );
    expect(tied.map((c) => c.id)).toEqual(['x', 'y']);
    expect(fuse([], dense, { lexical: 1, dense: 1 }).map((c) => c.id)).toEqual(['c', 'd', 'a']);
  });
});
