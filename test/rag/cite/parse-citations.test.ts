import { describe, expect, it } from 'vitest';
import { findCitationMarkers, parseCitations, stripCitationMarkers } from '../../../rag/cite/parse-citations.ts';
import type { Passage } from '../../../rag/types.ts';

function passage(n: number): Passage {
  return {
    n,
    docId: `notion:page-${n}`,
    chunkIds: [`chunk-${n}-a`, `chunk-${n}-b`],
    title: `Page ${n}`,
    url: `https://notion.so/page-${n}`,
    source: 'notion',
    text: `text ${n}`,
    score: 1,
  };
}

const passages = [1, 2, 3, 4, 5].map(passage);

describe('findCitationMarkers', () => {
  it('reads single, listed, ranged and adjacent markers', () => {
    const text = 'A [1]. B [1, 2]. C [3][5]. D [2-4]. E [4;1]. F [ 2 ].';
    expect(findCitationMarkers(text).map((m) => m.numbers)).toEqual([[1], [1, 2], [3], [5], [2, 3, 4], [4, 1], [2]]);
  });

  it('accepts a marker glued to the word before it', () => {
    expect(findCitationMarkers('Deploys happen on Tuesdays[2].').map((m) => m.numbers)).toEqual([[2]]);
  });

  it('ignores code, links, link definitions and implausible ranges', () => {
    const text =
      'Use `items[1]` here.\n```\nconst x = list[2];\n```\nSee [3](https://x.y) and\n[4]: https://ref.example\nPages [1-500] and [a] and [].';
    expect(findCitationMarkers(text)).toEqual([]);
  });
});

describe('parseCitations', () => {
  it('numbers citations in order of first use and rewrites the markers to match', () => {
    const parsed = parseCitations('Deploys are on Tuesdays [3]. Hotfixes need approval [5][3]. Both are logged [3, 5].', passages);
    expect(parsed.text).toBe('Deploys are on Tuesdays [1]. Hotfixes need approval [2][1]. Both are logged [1][2].');
    expect(parsed.citations).toEqual([
      { n: 1, title: 'Page 3', url: 'https://notion.so/page-3', source: 'notion', docId: 'notion:page-3', chunkId: 'chunk-3-a' },
      { n: 2, title: 'Page 5', url: 'https://notion.so/page-5', source: 'notion', docId: 'notion:page-5', chunkId: 'chunk-5-a' },
    ]);
    expect(parsed.dropped).toEqual([]);
  });

  it('drops markers that point to no passage without leaving a gap', () => {
    const parsed = parseCitations('Deploys are on Tuesdays [9]. Hotfixes need approval [2, 7]. Logged [0][1].', passages);
    expect(parsed.text).toBe('Deploys are on Tuesdays. Hotfixes need approval [1]. Logged [2].');
    expect(parsed.citations.map((c) => c.docId)).toEqual(['notion:page-2', 'notion:page-1']);
    expect(parsed.dropped).toEqual([9, 7, 0]);
  });

  it('leaves an answer without markers unchanged', () => {
    expect(parseCitations('No markers here, only [brackets].', passages)).toEqual({
      text: 'No markers here, only [brackets].',
      citations: [],
      dropped: [],
    });
  });

  it('repeats one number once within a marker', () => {
    expect(parseCitations('X [2, 2, 2].', passages).text).toBe('X [1].');
  });
});

describe('stripCitationMarkers', () => {
  it('removes markers and the space before them', () => {
    expect(stripCitationMarkers('Deploys are on Tuesdays [1][2]. Next [3, 4].')).toBe('Deploys are on Tuesdays. Next.');
  });
});
