import { describe, expect, it } from 'vitest';
import { preferVerified } from '../../../rag/rerank/prefer-verified.ts';
import type { RetrievedChunk, SourceKind } from '../../../rag/types.ts';

// A verified answer the ranking kept among the passages an answer may use goes first; one ranked below them stays
// where it is, and a ranking without one is left alone.

function chunk(id: string, source: SourceKind, score: number): RetrievedChunk {
  return { id, docId: id, text: id, metadata: { source } as RetrievedChunk['metadata'], signals: {}, score };
}

describe('preferring verified answers', () => {
  it('moves a verified answer within the top k first, with the best score', () => {
    const ranked = [chunk('a', 'files', 0.9), chunk('b', 'notion', 0.8), chunk('v', 'verified', 0.7), chunk('c', 'web', 0.6)];
    const preferred = preferVerified(ranked, 3);
    expect(preferred.map((c) => c.id)).toEqual(['v', 'a', 'b', 'c']);
    expect(preferred[0]!.score).toBe(0.9);
  });

  it('leaves a verified answer the ranking put below the best three where it is, however large k', () => {
    const ranked = [chunk('a', 'files', 0.9), chunk('b', 'notion', 0.8), chunk('c', 'web', 0.7), chunk('v', 'verified', 0.6)];
    expect(preferVerified(ranked, 8).map((c) => c.id)).toEqual(['a', 'b', 'c', 'v']);
  });

  it('leaves a verified answer ranked below the top k, and a ranking without one, as they are', () => {
    const ranked = [chunk('a', 'files', 0.9), chunk('b', 'notion', 0.8), chunk('v', 'verified', 0.1)];
    expect(preferVerified(ranked, 2).map((c) => c.id)).toEqual(['a', 'b', 'v']);
    expect(preferVerified(ranked.slice(0, 2), 2).map((c) => c.id)).toEqual(['a', 'b']);
  });
});
