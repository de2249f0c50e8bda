import { describe, expect, it } from 'vitest';
import { ABSTENTION_SENTENCE, closestSources, formatAbstention, isAbstention } from '../../../rag/cite/abstention.ts';
import type { Passage } from '../../../rag/types.ts';

function passage(n: number, docId: string, score: number): Passage {
  return { n, docId, chunkIds: [`${docId}#${n}`], title: `Title ${docId}`, url: `https://kb.example/${docId}`, source: 'github', text: 't', score };
}

describe('abstention', () => {
  it('is the fixed sentence', () => {
    expect(ABSTENTION_SENTENCE).toBe("I couldn't find this in the knowledge base.");
  });

  it('recognises the sentence with the variations models add', () => {
    for (const text of [
      ABSTENTION_SENTENCE,
      'I couldn’t find this in the knowledge base.',
      "  I couldn't find this in the knowledge base  ",
      "**I couldn't find this in the knowledge base.**",
      "I couldn't find this in the knowledge base [1].",
      "I couldn't find this in the knowledge base. The closest page is about deploys.",
    ]) {
      expect(isAbstention(text), text).toBe(true);
    }
  });

  it('does not mistake an answer for an abstention', () => {
    expect(isAbstention('Deploys happen on Tuesdays [1].')).toBe(false);
    expect(isAbstention("Deploys are weekly [1]. I couldn't find this in the knowledge base for hotfixes.")).toBe(false);
    expect(isAbstention("I couldn't find this in the knowledge base's archive, but deploys are weekly [1].")).toBe(false);
  });

  it('offers the best passage of each document as the closest sources', () => {
    const passages = [passage(1, 'a', 0.4), passage(2, 'b', 0.9), passage(3, 'a', 0.7), passage(4, 'c', 0.2), passage(5, 'd', 0.3)];
    expect(closestSources(passages).map((c) => [c.n, c.docId, c.chunkId])).toEqual([
      [1, 'b', 'b#2'],
      [2, 'a', 'a#3'],
      [3, 'd', 'd#5'],
    ]);
    expect(formatAbstention(passages, 2)).toBe(
      `${ABSTENTION_SENTENCE} The closest sources I found:\n- Title b: https://kb.example/b\n- Title a: https://kb.example/a`,
    );
    expect(formatAbstention([])).toBe(ABSTENTION_SENTENCE);
  });
});
