import { stemmer } from 'stemmer';
import { ENGLISH_STOPWORDS } from './english-stopwords.ts';

// The one analysis chain for the lexical side, used alike for indexing and for queries: if they ever
// differ, terms silently stop matching. Lower-case, accents folded, split into letter/digit runs,
// stopwords dropped, Porter-stemmed.

const WORD = /[\p{L}\p{N}]+/gu;
const COMBINING_MARKS = /\p{M}+/gu;
/** Longer runs are hashes, base64 or minified code: never a word someone types. */
const MAX_TERM_LENGTH = 40;

const stems = new Map<string, string>();
const MAX_CACHED_STEMS = 500_000;

/** The index terms of a text, in order (positions are in this stopword-free sequence). */
export function analyzeText(text: string): string[] {
  const folded = text.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase();
  const terms: string[] = [];
  for (const [word] of folded.matchAll(WORD)) {
    if (word.length > MAX_TERM_LENGTH || ENGLISH_STOPWORDS.has(word)) continue;
    terms.push(stem(word));
  }
  return terms;
}

/** Porter stem of one lower-case word; numbers and mixed tokens pass through unchanged. */
export function stem(word: string): string {
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    // The stemmer only knows English letters; "3d" or "h2o" must stay as they are.
    stemmed = /^[a-z]+$/.test(word) ? stemmer(word) : word;
    if (stems.size >= MAX_CACHED_STEMS) stems.clear();
    stems.set(word, stemmed);
  }
  return stemmed;
}
