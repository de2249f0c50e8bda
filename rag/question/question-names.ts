// A question that names a place, product or person ("the Chicago office", "Microsoft Teams") is answered only by a
// passage about it: one that speaks of "the office" and "Teams" without the name speaks of another office or team.
// Chat is typed without the shift key, so a name is also a word typed in lower case that the passages at hand only
// ever write capitalised, or that compromise's lexicon knows as a city, country, region or organisation ("chicago").
import { isStopword, namesIn, stemLite } from '../cite/content-terms.ts';
import type { Passage, Vocabulary } from '../types.ts';
import { isEveryday, lexiconTags } from './everyday-words.ts';

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
// As compromise's lexicon tags the word itself, not as it tags a phrase ("the london team" makes "team" an
// organisation). Not its first names, which are everyday words too ("mark", "grant", "chase"), nor its generic
// places ("downtown").
const NAME_TAGS = new Set(['City', 'Country', 'Region', 'Organization']);
/** Shorter lower-case names are mostly acronyms ("nyc", "gsa"), which documents often spell out. */
const MIN_LOWER_CASE_NAME = 4;
/**
 * A name in at least this share of the knowledge base's passages is what the knowledge base is about ("Claude" in
 * Claude's documentation, "Lore" in Lore's): a page often leaves it unsaid, so it tells no page apart.
 */
const SUBJECT_SHARE = 0.05;

/** The names a question uses, as typed. */
export function questionNames(question: string, passages: readonly Passage[]): string[] {
  return [...capitalisedNames(question), ...namesTypedInLowerCase(question, passages)];
}

/**
 * The names no passage given mentions. Acronyms are never among the names: documents often spell them out ("single
 * sign-on" for SSO).
 */
export function unmentioned(names: readonly string[], passages: readonly Passage[]): string[] {
  if (names.length === 0) return [];
  // A passage also "mentions" where it comes from: "According to the Notion pages, …" names the source, and the
  // site a page lives on (docs.acme.com) names whose documentation it is.
  const mentioned = new Set(passages.flatMap((p) => (`${p.source} ${p.title} ${p.url} ${p.text}`.match(WORD) ?? []).map(stemLite)));
  return names.filter((name) => !mentioned.has(stemLite(name)));
}

/** The names that tell pages apart: those fewer than SUBJECT_SHARE of the knowledge base's passages mention. */
export function distinguishingNames(names: readonly string[], vocabulary: Vocabulary): string[] {
  return names.filter((name) => nameRarity(name, vocabulary) >= SUBJECT_BAR);
}

/**
 * A name SUBJECT_SHARE or more of the knowledge base's passages mention: what the knowledge base is about, which an
 * answer may name although its passage leaves it unsaid ("In Hono, …" from a page on middleware). A name no passage
 * mentions is not one.
 */
export function isSubjectName(name: string, vocabulary: Vocabulary): boolean {
  const rarity = nameRarity(name, vocabulary);
  return rarity > 0 && rarity < SUBJECT_BAR;
}

// Lucene's IDF of a term in a share s of the passages is about ln(1/s).
const SUBJECT_BAR = Math.log(1 / SUBJECT_SHARE);

/** The IDF of a name; one of several words ("Access-Control-Max-Age") is at least as rare as its rarest word. */
function nameRarity(name: string, vocabulary: Vocabulary): number {
  return Math.max(
    0,
    ...name
      .toLowerCase()
      .split(/[-'’]/)
      .map((part) => vocabulary.idf(part) ?? 0),
  );
}

/** Capitalised words that do not open a sentence: Microsoft, Teams, Okta. */
function capitalisedNames(question: string): string[] {
  const names: string[] = [];
  for (const match of question.matchAll(WORD)) {
    const before = question.slice(0, match.index).trimEnd();
    const opensSentence = before === '' || /[.!?:]$/.test(before);
    if (!opensSentence && /^\p{Lu}\p{Ll}/u.test(match[0])) names.push(match[0].replace(/['’]s$/, ''));
  }
  return names;
}

function namesTypedInLowerCase(question: string, passages: readonly Passage[]): string[] {
  const typed = (question.match(WORD) ?? []).filter((w) => w === w.toLowerCase() && w.length >= MIN_LOWER_CASE_NAME && !isStopword(w));
  if (typed.length === 0) return [];
  const known = (w: string) => lexiconTags(w).some((tag) => NAME_TAGS.has(tag));
  const written = new Set(passages.flatMap((p) => namesIn(p.text)).map(stemLite));
  // A word the passages also write in lower case anywhere, code included ("hono/bun"), is no name; nor is an everyday
  // word a title-case heading capitalised ("Use or Lose").
  const lowerCase = new Set(passages.flatMap((p) => (p.text.match(WORD) ?? []).filter((w) => w === w.toLowerCase()).map(stemLite)));
  const writtenAsName = (w: string) => written.has(stemLite(w)) && !lowerCase.has(stemLite(w)) && !isEveryday(w);
  return typed.filter((w) => known(w) || writtenAsName(w));
}
