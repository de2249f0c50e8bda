import { contentTerms } from '../../rag/cite/content-terms.ts';

// The knowledge-gap report groups the questions Lore could not answer well, so that "how do I rotate the VPN
// certificate" asked five ways shows as one gap of five, not five gaps of one. Similarity is lexical: the content
// words of two questions (stopwords dropped, light stemming, the same terms the claim check uses) compared with the
// Dice coefficient. The local embedder would also catch paraphrases sharing no word, but it embeds about 11 texts a
// second on one core and loads a model first: a report over a month of questions would take minutes, where this
// takes milliseconds and gives the same groups on every run.

/** Two questions sharing at least half their content words (Dice) are the same gap. */
export const SAME_GAP_SIMILARITY = 0.5;

function termSet(text: string): ReadonlySet<string> {
  return new Set(contentTerms(text));
}

/** 2·|shared| / (|a| + |b|): 1 for the same words, 0 for none in common (or no content words at all). */
export function diceSimilarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const term of small) if (large.has(term)) shared++;
  return (2 * shared) / (a.size + b.size);
}

function normalized(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Groups items whose texts are similar (single link: a question joins a group when it is close to any member),
 * largest groups first, ties broken by the order of their first item; items keep their order inside a group.
 * The result does not depend on the order items are compared in.
 */
export function groupSimilar<T>(items: readonly T[], textOf: (item: T) => string, threshold = SAME_GAP_SIMILARITY): T[][] {
  const texts = items.map((item) => textOf(item));
  const terms = texts.map(termSet);
  const same = texts.map(normalized);
  const parent = items.map((_, index) => index);
  const root = (index: number): number => {
    let at = index;
    while (parent[at] !== at) {
      parent[at] = parent[parent[at]!]!;
      at = parent[at]!;
    }
    return at;
  };
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      if (root(i) === root(j)) continue;
      // The same words typed again are one gap even when they carry no content word ("??", "help").
      if (same[i] === same[j] || diceSimilarity(terms[i]!, terms[j]!) >= threshold) parent[Math.max(root(i), root(j))] = Math.min(root(i), root(j));
    }
  }
  const groups = new Map<number, T[]>();
  for (const [index, item] of items.entries()) {
    const key = root(index);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  // Map keys are each group's first index, inserted in that order: a stable sort keeps it among equal sizes.
  return [...groups.values()].sort((a, b) => b.length - a.length);
}
