// The same paragraph often lives in several documents (a policy pasted into two Notion pages, a README copied
// into docs/). Showing it twice wastes the context budget and makes the model cite two sources for one fact.
import { TextMemo } from '../text-memo.ts';

const SHINGLE_WORDS = 3;

/** Overlapping runs of three words (fewer for very short texts), case and punctuation ignored. */
export function shingles(text: string): ReadonlySet<string> {
  return shingleSets.get(text);
}

// The same chunks are compared for every question that retrieves them.
const shingleSets = new TextMemo((text: string): ReadonlySet<string> => {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const size = Math.min(SHINGLE_WORDS, words.length);
  const result = new Set<string>();
  for (let i = 0; size > 0 && i + size <= words.length; i++) result.add(words.slice(i, i + size).join(' '));
  return result;
});

/** Shared shingles over all shingles: 1 for the same words in the same order, 0 for nothing in common. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const shingle of small) if (large.has(shingle)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * Keeps the first of every group of near-duplicates (similarity at or above `threshold`), so with items in rank
 * order the higher-ranked copy survives. Order is otherwise preserved.
 */
export function dropNearDuplicates<T extends { text: string }>(items: readonly T[], threshold = 0.8): T[] {
  const kept: { item: T; shingles: ReadonlySet<string> }[] = [];
  for (const item of items) {
    const own = shingles(item.text);
    if (!kept.some((other) => jaccard(own, other.shingles) >= threshold)) kept.push({ item, shingles: own });
  }
  return kept.map(({ item }) => item);
}
