import { describe, expect, it } from 'vitest';
import { confidence, retrievalStrength } from '../../../rag/cite/confidence.ts';
import { verifyClaims } from '../../../rag/cite/verify-claims.ts';
import type { Passage } from '../../../rag/types.ts';

const passages: Passage[] = [
  {
    n: 1,
    docId: 'd1',
    chunkIds: ['c1'],
    title: 'Deploys',
    url: 'u1',
    source: 'files',
    text: 'Production deploys happen every Tuesday after the stand-up.',
    score: 0.8,
  },
];

describe('confidence', () => {
  it('is high for strong retrieval and a supported answer, and low for an invented one', () => {
    const faithful = verifyClaims('Production deploys happen every Tuesday [1].', passages);
    const invented = verifyClaims('The CEO signs off every release in person [1].', passages);
    const high = confidence({ retrievalScores: [0.8, 0.6], verification: faithful });
    const low = confidence({ retrievalScores: [0.8, 0.6], verification: invented });
    expect(high).toBeGreaterThan(0.75);
    expect(low).toBeLessThan(0.4);
  });

  it('falls with weaker retrieval for the same answer', () => {
    const verification = verifyClaims('Production deploys happen every Tuesday [1].', passages);
    const scores = [0.9, 0.6, 0.3, 0.1].map((top) => confidence({ retrievalScores: [top], verification }));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(scores).size).toBe(4);
  });

  it('gives no credit for claims when nothing could be checked', () => {
    expect(confidence({ retrievalScores: [1] })).toBeCloseTo(0.4, 10);
    expect(confidence({ retrievalScores: [1], verification: verifyClaims("I couldn't find this in the knowledge base.", passages) })).toBeCloseTo(
      0.4,
      10,
    );
    expect(confidence({ retrievalScores: [] })).toBe(0);
  });

  it('clamps scores outside [0, 1] and stays within it', () => {
    expect(retrievalStrength([7, -3, Number.NaN])).toBeCloseTo(0.7 + 0.3 / 3, 10);
    const value = confidence({
      retrievalScores: [5],
      verification: { support: 3, supportedShare: 2, claims: [{ sentence: 's', cited: [1], support: 3, missing: [], verdict: 'supported' }] },
    });
    expect(value).toBe(1);
  });
});
