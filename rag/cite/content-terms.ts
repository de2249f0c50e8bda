// The words that carry meaning, reduced to a rough stem, so "deploys", "deployed" and "deploying" match
// "deploy". Shared by claim verification and the extractive answerer, which must agree on what a term is.
import { ANY_STOPWORD } from '../enrich/stopwords.ts';

/** Question and filler words that the language stopword lists keep but that say nothing about the content. */
const EXTRA_STOPWORDS = new Set(
  'how often why where whats which whose whom does did done doing do get got can could would should shall might must i me my mine im ive you your yours we our please tell know explain find show give want need like just use using used also very really there here about via per etc eg ie'.split(
    ' ',
  ),
);

const WORD = /\p{N}+(?:[.,:]\p{N}+)*|[\p{L}\p{M}\p{N}]+/gu;

/**
 * A light suffix stripper (plural, -ing, -ed, -ly and a few derivational endings). It over-stems sometimes
 * ("news" → "new"), which is fine for overlap scoring as long as both sides are stemmed the same way.
 */
export function stemLite(word: string): string {
  let w = word.toLowerCase().replace(/['’]s$/, '');
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (/(?:xes|ches|shes|zes)$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);

  for (const suffix of ['ational', 'ization', 'ation', 'ement', 'ment', 'ness', 'ingly', 'edly', 'ing', 'ion', 'ed', 'ly', 'er', 'al']) {
    // "-al" and "-ion" only on longer words: "approval" → "approv" and "completion" → "complet" (as "complete"), but
    // "total" and "option" stay.
    const least = suffix === 'al' ? 5 : suffix === 'ion' ? 4 : 3;
    if (w.endsWith(suffix) && w.length - suffix.length >= least) {
      w = w.slice(0, -suffix.length);
      // "running" → "runn" → "run"; "stopped" → "stopp" → "stop".
      if (/([b-df-hj-np-tv-z])\1$/.test(w) && !/(?:ll|ss|zz)$/.test(w)) w = w.slice(0, -1);
      break;
    }
  }
  // "configure"/"configured"/"configuring" and "create"/"created" meet at the same stem.
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** Every word of `text`, lowercased, in order (numbers kept whole: `2.5`, `10:00`, `1,000`). */
export function words(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).map((word) => word.replace(/['’]/g, ''));
}

export function isStopword(word: string): boolean {
  return ANY_STOPWORD.has(word) || EXTRA_STOPWORDS.has(word);
}

/** The stems of the content words of `text`, in order, repeats kept (for term frequencies and adjacency). */
export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  for (const word of words(text)) {
    if (isStopword(word)) continue;
    // Single letters are noise, but single digits are facts ("3 replicas").
    if (word.length < 2 && !/\d/.test(word)) continue;
    terms.push(stemLite(word));
  }
  return terms;
}

/**
 * The numbers stated in `text`, normalised, without citation markers or list numbering, so a claim's "5 replicas"
 * can be checked against a passage's "5": `1,000` is `1000`, a leading zero goes (`01` in `2024-01-15`), and a time
 * on the hour is its hour (`9:00 a.m.` is the `9` of `9am`).
 */
export function numbersIn(text: string): string[] {
  const cleaned = text.replace(/\[\d+(?:\s*[,–-]\s*\d+)*\]/g, ' ').replace(/^\s*\d+[.)]\s+/gm, ' ');
  const found = cleaned.match(/\d+(?:[.,:]\d+)*/g) ?? [];
  return found.map((n) =>
    (/^\d{1,3}(?:,\d{3})+$/.test(n) ? n.replace(/,/g, '') : n).replace(/^([0-2]?\d):00$/, '$1').replace(/^0+(?=\d)(?!\d*[.,])/, ''),
  );
}

const UNITS =
  'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen'.split(' ');
const TENS = 'twenty thirty forty fifty sixty seventy eighty ninety'.split(' ');
const ORDINALS = 'first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth'.split(' ');
const SPELLED_NUMBER = new RegExp(
  String.raw`\b(?:(${TENS.join('|')})(?:[-\s](${UNITS.slice(1, 10).join('|')}))?|(${UNITS.join('|')})|(${ORDINALS.join('|')}))\b`,
  'gi',
);

/**
 * The numbers `text` spells out in words ("every three years", "a six-week sabbatical", "twenty-four", "the first
 * Monday"), as digits: a passage that writes them so backs a claim that writes "3 years".
 */
export function spelledNumbersIn(text: string): string[] {
  const numbers: string[] = [];
  for (const [, tens, unit, alone, ordinal] of text.matchAll(SPELLED_NUMBER)) {
    if (tens !== undefined) numbers.push(String((TENS.indexOf(tens.toLowerCase()) + 2) * 10 + (unit ? UNITS.indexOf(unit.toLowerCase()) : 0)));
    else if (alone !== undefined) numbers.push(String(UNITS.indexOf(alone.toLowerCase())));
    else if (ordinal !== undefined) numbers.push(String(ORDINALS.indexOf(ordinal.toLowerCase()) + 1));
  }
  return numbers;
}

const MONTHS = 'january february march april may june july august september october november december'.split(' ');
const WEEKDAYS = 'monday tuesday wednesday thursday friday saturday sunday'.split(' ');

/** Months and weekdays as dates abbreviate them ("Nov 10", "Tue"): each abbreviation with its full name. */
const CALENDAR_ABBREVIATIONS: Record<string, string> = {
  ...Object.fromEntries([...MONTHS, ...WEEKDAYS].filter((name) => name !== 'may').map((name) => [name.slice(0, 3), name])),
  sept: 'september',
  tues: 'tuesday',
  thur: 'thursday',
  thurs: 'thursday',
};

const MONTH_ABBREVIATIONS = Object.keys(CALENDAR_ABBREVIATIONS).filter((short) => MONTHS.includes(CALENDAR_ABBREVIATIONS[short] as string));
// Capitalised only: "may" and "march" are also words of their own.
const MONTH_NAME = new RegExp(
  String.raw`\b(?:${[...MONTHS, ...MONTH_ABBREVIATIONS].map((name) => name[0]?.toUpperCase() + name.slice(1)).join('|')})\b`,
  'g',
);

/** The months `text` names (capitalised), as their numbers: "January 15, 2024" backs a claim that writes 2024-01-15. */
export function monthNumbersIn(text: string): string[] {
  return [...text.matchAll(MONTH_NAME)].map(([month]) =>
    String(MONTHS.indexOf(CALENDAR_ABBREVIATIONS[month.toLowerCase()] ?? month.toLowerCase()) + 1),
  );
}

/**
 * Runs of capitalised words as the acronym of their initials, lowercased, with and without the small words inside:
 * "In New York City" → nyc (and inyc, iny…), "Department of Defense" → dod and dd. A claim may spell out what its
 * passage abbreviates.
 */
export function spelledOutAcronyms(text: string): { acronym: string; words: string[] }[] {
  const found: { acronym: string; words: string[] }[] = [];
  const initials = (list: string[]) =>
    list
      .map((word) => word[0])
      .join('')
      .toLowerCase();
  for (const [run] of text.matchAll(/\p{Lu}[\p{L}\p{M}]*(?:\s+(?:(?:of|and|for|the|&)\s+)*\p{Lu}[\p{L}\p{M}]*)+/gu)) {
    const tokens = run.split(/\s+/);
    const capitalised = (i: number) => /^\p{Lu}/u.test(tokens[i] as string);
    for (let i = 0; i < tokens.length; i++) {
      for (let j = i + 1; j < tokens.length; j++) {
        if (!capitalised(i) || !capitalised(j)) continue;
        const all = tokens.slice(i, j + 1);
        const named = all.filter((word) => /^\p{Lu}/u.test(word));
        const words = named.map((word) => word.toLowerCase());
        for (const acronym of new Set([initials(named), initials(all)])) found.push({ acronym, words });
      }
    }
  }
  return found;
}

const CALENDAR_NAMES = new Map<string, string[]>();
for (const [short, full] of Object.entries(CALENDAR_ABBREVIATIONS)) {
  CALENDAR_NAMES.set(short, [full]);
  CALENDAR_NAMES.set(full, [...(CALENDAR_NAMES.get(full) ?? []), short]);
}

/** A name (lowercased) and the other ways a date writes it: "nov" and "november", "tue" and "tuesday". */
export function nameForms(name: string): string[] {
  return [name, ...(CALENDAR_NAMES.get(name) ?? [])];
}

/**
 * Capitalised words that are not the first of their sentence or line: names of people, products, places, months
 * ("Priya", "Grafana", "March"). Lowercased. A first word is skipped because capitals there say nothing.
 */
export function namesIn(text: string): string[] {
  const names: string[] = [];
  const cleaned = text.replace(/\[\d+(?:\s*[,–-]\s*\d+)*\]/g, ' ').replace(/`[^`]*`/g, ' ');
  for (const line of cleaned.split('\n')) {
    const lineWords = line.match(/[\p{L}\p{M}\p{N}]+|[.!?:;]/gu) ?? [];
    let sentenceStart = true;
    for (const word of lineWords) {
      if (/^[.!?:;]$/.test(word)) {
        sentenceStart = true;
        continue;
      }
      // Single letters ("A/B", "-H") are notation, not names.
      if (!sentenceStart && word.length > 1 && /^\p{Lu}/u.test(word) && !isStopword(word.toLowerCase())) names.push(word.toLowerCase());
      sentenceStart = false;
    }
  }
  return [...new Set(names)];
}
