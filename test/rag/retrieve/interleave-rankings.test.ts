import { describe, expect, it } from 'vitest';
import { interleaveRankings } from '../../../rag/retrieve/interleave-rankings.ts';
import type { RetrievedChunk } from '../../../rag/types.ts';

function chunk(id: string, score: number): RetrievedChunk {
  return { id, docId: `files:${id}.md`, text: id, metadata: {} as RetrievedChunk['metadata'], signals: {}, score };
}

describe('interleaveRankings', () => {
  it('takes the rankings in turn, each chunk once at its best place', () => {
    const whole = [chunk('bun-1', 0.9), chunk('bun-2', 0.8), chunk('bun-3', 0.7), chunk('deno-1', 0.2)];
    const bun = [chunk('bun-1', 0.95), chunk('bun-2', 0.9)];
    const deno = [chunk('deno-1', 0.9), chunk('deno-2', 0.7)];
    const merged = interleaveRankings([whole, bun, deno], whole);
    expect(merged.map((c) => c.id)).toEqual(['bun-1', 'deno-1', 'bun-2', 'deno-2', 'bun-3']);
  });

  it('scores by position on the scale of the whole ranking, so ordering by score keeps the turns', () => {
    const whole = [chunk('a', 0.9), chunk('b', 0.5)];
    const other = [chunk('c', 0.99), chunk('d', 0.98)];
    const merged = interleaveRankings([whole, other], whole);
    expect(merged.map((c) => [c.id, c.score])).toEqual([
      ['a', 0.9],
      ['c', 0.5],
      ['b', 0.5],
      ['d', 0.5],
    ]);
    const resorted = [...merged].sort((x, y) => y.score - x.score);
    expect(resorted.map((c) => c.id)).toEqual(['a', 'c', 'b', 'd']);
  });

  it('gives nothing for no rankings', () => {
    expect(interleaveRankings([], [])).toEqual([]);
  });
});
