import { syllable } from 'syllable';
import { splitSentences } from '../chunk/split-sentences.ts';

const SYLLABLE_CACHE_LIMIT = 20_000;
const syllableCache = new Map<string, number>();

/**
 * Flesch reading ease of prose, clamped to 0 (very hard) … 100 (very easy). Code blocks, inline
 * code, URLs and Markdown markup are left out so they do not count as long words. 0 when there is
 * no prose at all.
 */
export function fleschReadingEase(text: string): number {
  const prose = proseOnly(text);
  const words = prose.match(/\p{L}[\p{L}\p{M}'’]*/gu) ?? [];
  if (words.length === 0) return 0;
  const sentences = Math.max(1, splitSentences(prose).filter((sentence) => /\p{L}/u.test(sentence)).length);
  const syllables = words.reduce((total, word) => total + syllablesOf(word), 0);
  const score = 206.835 - 1.015 * (words.length / sentences) - 84.6 * (syllables / words.length);
  return Math.round(Math.min(100, Math.max(0, score)) * 10) / 10;
}

function proseOnly(text: string): string {
  return text
    .replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^\1[ \t]*$|(?![\s\S]))/gm, ' ')
    .replace(/`[^`\n]*`/g, ' ')
    .replace(/\b(?:https?:\/\/|www\.)\S+/gi, ' ')
    .replace(/\S+@\S+\.\w+/g, ' ')
    .replace(/^[ \t]*(?:#{1,6}|[-*+>|]|\d+\.)[ \t]+/gm, '');
}

// The same words recur across thousands of chunks; counting each once keeps enrichment cheap.
function syllablesOf(word: string): number {
  const key = word.toLowerCase();
  let count = syllableCache.get(key);
  if (count === undefined) {
    count = Math.max(1, syllable(key));
    if (syllableCache.size >= SYLLABLE_CACHE_LIMIT) syllableCache.clear();
    syllableCache.set(key, count);
  }
  return count;
}
