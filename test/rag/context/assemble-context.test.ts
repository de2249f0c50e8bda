import { describe, expect, it } from 'vitest';
import { countTokens } from '../../../rag/chunk/count-tokens.ts';
import { assembleContext, contextTokens } from '../../../rag/context/assemble-context.ts';
import { joinAdjacent } from '../../../rag/context/join-adjacent.ts';
import { dropNearDuplicates, jaccard, shingles } from '../../../rag/context/near-duplicates.ts';
import { trimToTokens } from '../../../rag/context/trim-to-tokens.ts';
import type { ChunkMetadata, RetrievedChunk, SourceKind } from '../../../rag/types.ts';

function chunk(id: string, docId: string, ordinal: number, score: number, text: string, source: SourceKind = 'files'): RetrievedChunk {
  const metadata: ChunkMetadata = {
    source,
    docId,
    title: `Title of ${docId}`,
    url: `file:///kb/${docId}.md`,
    path: `${docId}.md`,
    extension: 'md',
    headingPath: '',
    ordinal,
    sizeBytes: 1000,
    modifiedAt: '2024-01-01T00:00:00.000Z',
    modifiedAtMs: Date.parse('2024-01-01T00:00:00.000Z'),
    indexedAt: '2024-02-01T00:00:00.000Z',
    wordCount: text.split(/\s+/).length,
    charCount: text.length,
    hasCode: false,
    language: 'en',
    readability: 60,
    dates: '',
    urls: '',
    emails: '',
    people: '',
    organizations: '',
    topics: '',
    summary: '',
  };
  return { id, docId, text, metadata, signals: { fused: score }, score };
}

const sentences = (topic: string, count: number): string =>
  Array.from({ length: count }, (_, i) => `Sentence ${i + 1} explains how the ${topic} works in practice for step ${i + 1}.`).join(' ');

describe('assembleContext', () => {
  it('numbers passages 1..n in score order and carries their source details', () => {
    const passages = assembleContext(
      [chunk('b-0', 'b', 0, 0.4, 'Billing runs on the first of the month.'), chunk('a-3', 'a', 3, 0.9, 'Deploys go out at 10am.', 'notion')],
      { maxTokens: 1000 },
    );
    expect(passages).toEqual([
      {
        n: 1,
        docId: 'a',
        chunkIds: ['a-3'],
        title: 'Title of a',
        url: 'file:///kb/a.md',
        source: 'notion',
        text: 'Deploys go out at 10am.',
        score: 0.9,
        headings: [],
      },
      {
        n: 2,
        docId: 'b',
        chunkIds: ['b-0'],
        title: 'Title of b',
        url: 'file:///kb/b.md',
        source: 'files',
        text: 'Billing runs on the first of the month.',
        score: 0.4,
        headings: [],
      },
    ]);
  });

  it('drops a near-duplicate and keeps the higher-scored copy', () => {
    const text = sentences('release train', 6);
    const passages = assembleContext(
      [
        chunk('copy-0', 'copy', 0, 0.5, `${text} Posted in #eng.`),
        chunk('orig-0', 'orig', 0, 0.8, text),
        chunk('other-0', 'other', 0, 0.3, 'Unrelated: lunch is at noon.'),
      ],
      { maxTokens: 2000 },
    );
    expect(passages.map((p) => p.chunkIds)).toEqual([['orig-0'], ['other-0']]);
  });

  it('keeps chunks that merely share a topic', () => {
    const passages = assembleContext(
      [chunk('x-0', 'x', 0, 0.9, sentences('deploy pipeline', 3)), chunk('y-0', 'y', 0, 0.8, sentences('billing export', 3))],
      { maxTokens: 2000 },
    );
    expect(passages).toHaveLength(2);
  });

  it('counts a chunk returned twice once, at its best score', () => {
    const passages = assembleContext([chunk('a-0', 'a', 0, 0.2, 'Alpha.'), chunk('b-0', 'b', 0, 0.5, 'Beta.'), chunk('a-0', 'a', 0, 0.9, 'Alpha.')], {
      maxTokens: 1000,
    });
    expect(passages.map((p) => [p.chunkIds, p.score])).toEqual([
      [['a-0'], 0.9],
      [['b-0'], 0.5],
    ]);
  });

  it('joins consecutive chunks of one document in document order, ranked by the best of them', () => {
    const passages = assembleContext(
      [
        chunk('d-5', 'd', 5, 0.9, 'Step five: tag the release.'),
        chunk('e-0', 'e', 0, 0.7, 'Something else entirely.'),
        chunk('d-4', 'd', 4, 0.6, 'Step four: run the tests.'),
        chunk('d-7', 'd', 7, 0.5, 'Step seven: announce it.'),
      ],
      { maxTokens: 1000 },
    );
    expect(passages.map((p) => ({ n: p.n, chunkIds: p.chunkIds, text: p.text, score: p.score }))).toEqual([
      { n: 1, chunkIds: ['d-4', 'd-5'], text: 'Step four: run the tests.\n\nStep five: tag the release.', score: 0.9 },
      { n: 2, chunkIds: ['e-0'], text: 'Something else entirely.', score: 0.7 },
      // Ordinal 6 is missing, so 7 is not adjacent to 5.
      { n: 3, chunkIds: ['d-7'], text: 'Step seven: announce it.', score: 0.5 },
    ]);
  });

  it('does not join chunks with the same ordinal from different documents', () => {
    const passages = assembleContext([chunk('a-1', 'a', 1, 0.9, 'One in a.'), chunk('b-2', 'b', 2, 0.8, 'Two in b.')], { maxTokens: 1000 });
    expect(passages).toHaveLength(2);
  });

  it('writes the overlap between neighbouring chunks once', () => {
    const passages = assembleContext(
      [
        chunk('d-0', 'd', 0, 0.9, 'Install the CLI. Log in with SSO. Then run lore sync.'),
        chunk('d-1', 'd', 1, 0.8, 'Log in with SSO. Then run lore sync. Finally check the status page.'),
      ],
      { maxTokens: 1000 },
    );
    expect(passages[0]?.text).toBe('Install the CLI. Log in with SSO. Then run lore sync. Finally check the status page.');
  });

  it('stays within the token budget, taking smaller lower-ranked chunks that still fit', () => {
    const big = sentences('incident process', 20);
    const chunks = [
      chunk('a-0', 'a', 0, 0.9, sentences('on-call rotation', 4)),
      chunk('b-0', 'b', 0, 0.8, big),
      chunk('c-0', 'c', 0, 0.7, 'Short fact about VPN access.'),
    ];
    const budget = countTokens(chunks[0]?.text ?? '') + countTokens(chunks[2]?.text ?? '') + 40;
    expect(countTokens(big)).toBeGreaterThan(budget);
    const passages = assembleContext(chunks, { maxTokens: budget });
    expect(passages.map((p) => p.chunkIds[0])).toEqual(['a-0', 'c-0']);
    expect(contextTokens(passages)).toBeLessThanOrEqual(budget);
  });

  it('never exceeds the budget, whatever the budget', () => {
    const chunks = Array.from({ length: 12 }, (_, i) =>
      chunk(`d-${i}`, i % 3 === 0 ? 'shared' : `doc${i}`, i, 1 - i / 20, sentences(`topic ${i} area`, 3 + (i % 4))),
    );
    for (const maxTokens of [30, 60, 120, 250, 500, 1000, 5000]) {
      const passages = assembleContext(chunks, { maxTokens });
      expect(passages.length).toBeGreaterThan(0);
      expect(contextTokens(passages)).toBeLessThanOrEqual(maxTokens);
      expect(passages.map((p) => p.n)).toEqual(passages.map((_, i) => i + 1));
    }
  });

  it('cuts the best chunk at a sentence boundary when it alone exceeds the budget', () => {
    const text = sentences('deploy freeze', 12);
    const passages = assembleContext([chunk('a-0', 'a', 0, 0.9, text), chunk('b-0', 'b', 0, 0.1, text.replace(/deploy freeze/g, 'lunch menu'))], {
      maxTokens: 80,
    });
    expect(passages).toHaveLength(1);
    const [only] = passages;
    expect(only?.chunkIds).toEqual(['a-0']);
    expect(text.startsWith(only?.text ?? 'x')).toBe(true);
    expect(only?.text).toMatch(/\.$/);
    expect(only?.text.length).toBeLessThan(text.length);
    expect(contextTokens(passages)).toBeLessThanOrEqual(80);
  });

  it('limits the number of passages, counting joined chunks as one', () => {
    const passages = assembleContext(
      [
        chunk('a-0', 'a', 0, 0.9, 'A zero.'),
        chunk('b-0', 'b', 0, 0.8, 'B zero.'),
        chunk('a-1', 'a', 1, 0.7, 'A one.'),
        chunk('c-0', 'c', 0, 0.6, 'C zero.'),
      ],
      { maxTokens: 1000, maxPassages: 2 },
    );
    expect(passages.map((p) => p.chunkIds)).toEqual([['a-0', 'a-1'], ['b-0']]);
  });

  it('returns nothing for no chunks and rejects a budget below one token', () => {
    expect(assembleContext([], { maxTokens: 100 })).toEqual([]);
    expect(() => assembleContext([], { maxTokens: 0 })).toThrow(/maxTokens/);
    expect(() => assembleContext([], { maxTokens: 100, maxPassages: 0 })).toThrow(/maxPassages/);
  });
});

describe('near-duplicates', () => {
  it('scores identical text 1 and unrelated text 0', () => {
    expect(jaccard(shingles('the quick brown fox jumps'), shingles('The quick, brown fox jumps!'))).toBe(1);
    expect(jaccard(shingles('alpha beta gamma'), shingles('delta epsilon zeta'))).toBe(0);
  });

  it('keeps the first of each group in the given order', () => {
    const items = [{ text: 'one two three four five six' }, { text: 'one two three four five six seven' }, { text: 'entirely different words here' }];
    expect(dropNearDuplicates(items, 0.8)).toEqual([items[0], items[2]]);
    expect(dropNearDuplicates(items, 0.9)).toEqual(items);
  });
});

describe('joinAdjacent', () => {
  it('removes a repeated overlap and separates text that does not overlap', () => {
    expect(joinAdjacent('Alpha comes first. Beta is repeated.', 'Beta is repeated. Gamma is new.')).toBe(
      'Alpha comes first. Beta is repeated. Gamma is new.',
    );
    expect(joinAdjacent('First part.', 'Second part.')).toBe('First part.\n\nSecond part.');
    // A few shared characters are a coincidence, not an overlap.
    expect(joinAdjacent('We moved in 2024.', '2024. Then we grew.')).toBe('We moved in 2024.\n\n2024. Then we grew.');
    // Text that merely starts the same way mid-word is not an overlap either.
    expect(joinAdjacent('The deployment of prod-api is weekly.', 'api is weekly. Fridays are frozen.')).toBe(
      'The deployment of prod-api is weekly.\n\napi is weekly. Fridays are frozen.',
    );
  });
});

describe('trimToTokens', () => {
  it('keeps whole sentences within the limit, or cuts hard when none fits', () => {
    const text = 'Short one. Another short one. A third sentence that is a little longer than the others.';
    expect(trimToTokens(text, 1000)).toBe(text);
    expect(trimToTokens(text, 8)).toBe('Short one. Another short one.');
    const unbroken = 'x'.repeat(400);
    const cut = trimToTokens(unbroken, 10);
    expect(cut.length).toBeGreaterThan(0);
    expect(countTokens(cut)).toBeLessThanOrEqual(10);
    expect(trimToTokens(text, 0)).toBe('');
  });
});
