// "how long is the probationary period?", "what's the per diem in NYC?": when the thing a question asks about is a
// word no passage at hand uses, no quoted sentence can answer it, however well the rest of the question matches
// ("how long", "period", "rate" are everywhere). Names are checked elsewhere (`question-names.ts`); this
// catches the nouns people type in lower case in chat and acronyms. It must not catch the everyday words a question
// uses while the documents say it differently ("zoom kicks me out", "having a baby"), so only a noun outside
// everyday English counts, and a typo or another form of a word the passages use ("accomodation") does not.
import type { Passage, Vocabulary } from '../types.ts';
import { contentTerms, stemLite } from '../cite/content-terms.ts';
import { isEveryday } from './everyday-words.ts';
import { isTypoOf } from './near-spelling.ts';
import { type TaggedWord, taggedWords } from './tagged-words.ts';

/** Words only: identifiers with digits ("k164", "v2") are matched exactly by retrieval and named by other checks. */
const WORD_SHAPE = /^[a-z][a-z-]{2,}$/;
/**
 * Nouns that name the documents themselves ("according to the documentation", "the example snippet") or the shape
 * of the answer asked for ("what two factors", "which approaches"): never the subject a passage must speak of.
 */
const NOT_SUBJECTS = new Set(
  (
    'documentation doc docs document documents handbook guide guides page pages wiki article articles manual readme section ' +
    'tutorial reference snippet snippets example examples sample faq ' +
    'factor factors aspect aspects consideration considerations approach approaches method methods technique techniques ' +
    'strategy strategies tip tips advantage advantages disadvantage disadvantages benefit benefits drawback drawbacks ' +
    'difference differences reason reasons requirement requirements option options feature features recommendation ' +
    'recommendations practice practices purpose role type types kind kinds category categories'
  ).split(' '),
);
/** A passage word sharing this many first letters (and most of the word) is the same word inflected ("scalability", "scalable"). */
const SHARED_PREFIX = 6;

/** "NYC", "SSO": typed in capitals, which documents often spell out ("New York City", "single sign-on"). */
const ACRONYM_SHAPE = /^[A-Z]{2,6}$/;

/**
 * The subjects of the question that no passage speaks of: its nouns that are not everyday English (everyday ones
 * the documents may say differently) and its acronyms, when no passage uses the word, a typo of it, its two halves
 * run together ("paycheck" where the documents say "pay check") or, for an acronym, words it abbreviates. Whether
 * the knowledge base uses the word elsewhere does not matter: these passages are what an answer quotes.
 */
export function unknownSubjects(question: string, vocabulary: Vocabulary, passages: readonly Passage[]): string[] {
  const focus = new Set(contentTerms(question));
  const candidates = taggedTerms(question).filter(
    (term) =>
      (ACRONYM_SHAPE.test(term.text) ||
        (WORD_SHAPE.test(term.normal) &&
          term.tags.includes('Noun') &&
          !term.tags.some((tag) => tag === 'Acronym' || tag === 'ProperNoun') &&
          !NOT_SUBJECTS.has(term.normal) &&
          !isEveryday(term.normal))) &&
      focus.has(stemLite(term.normal)) &&
      !term.tags.some((tag) => tag === 'Date' || tag === 'Value' || tag === 'Pronoun'),
  );
  if (candidates.length === 0) return [];
  const passageText = passages.map((p) => `${p.title}\n${(p.headings ?? []).join('\n')}\n${p.text}`).join('\n');
  // A compound's halves are words of their own: "web-scalable" speaks of scalability.
  const compounds = passageText.toLowerCase().match(/[a-z][a-z0-9-]+/g) ?? [];
  const passageWords = new Set([
    ...compounds,
    ...compounds.flatMap((word) => (word.includes('-') ? word.split('-').filter((half) => half.length > 2) : [])),
  ]);
  const passageStems = new Set([...passageWords].map(stemLite));
  const mentioned = (word: string): boolean =>
    passageWords.has(word) ||
    passageStems.has(stemLite(word)) ||
    [...passageWords].some((other) => isTypoOf(word, other) || sameRoot(word, other) || abbreviates(word, other));
  return candidates
    .filter((term) =>
      ACRONYM_SHAPE.test(term.text)
        ? !mentioned(term.normal) && !spelledOut(term.text, passageText)
        : !mentioned(term.normal) && !runTogether(term.normal, vocabulary),
    )
    .map((term) => term.normal);
}

/** Chat shortens a word to its first letters: "args" for arguments, "creds" for credentials, "perms" for permissions. */
const MAX_ABBREVIATION = 6;

function abbreviates(word: string, other: string): boolean {
  const stem = word.replace(/s$/, '');
  return word.length <= MAX_ABBREVIATION && stem.length >= 3 && other.length > word.length + 2 && other.startsWith(stem);
}

function sameRoot(word: string, other: string): boolean {
  const prefix = Math.max(SHARED_PREFIX, Math.ceil(0.6 * Math.min(word.length, other.length)));
  return word.length >= prefix && other.length >= prefix && word.slice(0, prefix) === other.slice(0, prefix);
}

/** True when the text has words whose initials spell the acronym: "New York City" for NYC, "single sign-on" for SSO. */
function spelledOut(acronym: string, text: string): boolean {
  const initials = (text.match(/[\p{L}\p{N}]+/gu) ?? []).map((word) => word[0]?.toLowerCase() ?? '').join('');
  return initials.includes(acronym.toLowerCase());
}

function taggedTerms(text: string): TaggedWord[] {
  return taggedWords(text).map((term) => ({ text: term.text, normal: term.normal.toLowerCase(), tags: term.tags }));
}

function runTogether(word: string, vocabulary: Vocabulary): boolean {
  for (let cut = 3; cut <= word.length - 3; cut++) {
    if ((vocabulary.idf(word.slice(0, cut)) ?? 0) > 0 && (vocabulary.idf(word.slice(cut)) ?? 0) > 0) return true;
  }
  return false;
}
