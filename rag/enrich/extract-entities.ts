import nlp from 'compromise';

export interface Entities {
  /** ISO dates (`2024-03-03`, or `2024-03` for a month), in order of appearance. */
  dates: string[];
  urls: string[];
  emails: string[];
  people: string[];
  organizations: string[];
}

// compromise tags every word it sees (several µs per character): give it only the capitalised runs
// that can be names, and at most this much of them, so a chunk costs a millisecond or two.
const NAME_SCAN_CHARS = 400;

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};
const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
// One pass, longest forms first, so "March 3, 2024" is not also read as "March 2024".
const DATE = new RegExp(
  [
    String.raw`\b(?<isoY>\d{4})-(?<isoM>\d{2})-(?<isoD>\d{2})(?![\d-])`,
    String.raw`\b(?<slashY>\d{4})/(?<slashM>\d{1,2})/(?<slashD>\d{1,2})\b`,
    String.raw`\b(?<mdyM>${MONTH})\.?\s+(?<mdyD>\d{1,2})(?:st|nd|rd|th)?,?\s+(?<mdyY>\d{4})\b`,
    String.raw`\b(?<dmyD>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?<dmyM>${MONTH})\.?,?\s+(?<dmyY>\d{4})\b`,
    String.raw`\b(?<myM>${MONTH})\.?,?\s+(?<myY>\d{4})\b`,
  ].join('|'),
  'gi',
);
const URL = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;
const EMAIL = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g;

const HONORIFIC = /^(?:dr|mr|mrs|ms|mx|prof|sir|dame)\.?\s+/i;
// Lower-case words allowed inside a name ("University of Oslo", "Ludwig van Beethoven").
const NAME_PARTICLES = new Set(['of', 'the', 'and', 'for', 'de', 'der', 'van', 'von', 'da', 'di', 'du', 'la', 'le', 'del', 'y', '&']);
const CAPITALISED_RUN =
  /\p{Lu}[\p{L}\p{M}'’.-]*(?:[ \t]+(?:(?:of|the|and|for|de|der|van|von|da|di|du|la|le|del|y|&)[ \t]+)*\p{Lu}[\p{L}\p{M}'’.-]*)*/gu;
// Single capitalised words that are capitalised for other reasons: sentence openers, months, days.
const NOT_NAMES = new Set(
  (
    'a an the this that these those it its we our you your they their he she i in on at for from to of by with as if when while after ' +
    'before during since although however there here what which who how why all each some many most no not one two please note see ' +
    'use using also then thus yes results methods background conclusions conclusion objective objectives introduction summary ' +
    'january february march april may june july august september october november december ' +
    'monday tuesday wednesday thursday friday saturday sunday'
  ).split(' '),
);

/** Dates, URLs and email addresses from the whole text; people and organisations when `names` is set. */
export function extractEntities(text: string, options: { names: boolean }): Entities {
  const { people, organizations } = options.names ? extractNames(text) : { people: [], organizations: [] };
  return { dates: extractDates(text), urls: extractUrls(text), emails: extractEmails(text), people, organizations };
}

export function extractDates(text: string): string[] {
  const dates: string[] = [];
  for (const match of text.matchAll(DATE)) {
    const g = match.groups ?? {};
    const year = Number(g.isoY ?? g.slashY ?? g.mdyY ?? g.dmyY ?? g.myY);
    const monthText = g.isoM ?? g.slashM ?? g.mdyM ?? g.dmyM ?? g.myM ?? '';
    const month = /^\d+$/.test(monthText) ? Number(monthText) : MONTHS[monthText.toLowerCase()];
    const dayText = g.isoD ?? g.slashD ?? g.mdyD ?? g.dmyD;
    const date = isoDate(year, month, dayText === undefined ? undefined : Number(dayText));
    if (date !== undefined) dates.push(date);
  }
  return unique(dates);
}

function isoDate(year: number, month: number | undefined, day: number | undefined): string | undefined {
  if (month === undefined || year < 1000 || year > 2999 || month < 1 || month > 12) return undefined;
  const yyyyMm = `${year}-${String(month).padStart(2, '0')}`;
  if (day === undefined) return yyyyMm;
  // Date.UTC rolls 31 April over to 1 May: a changed month means the day does not exist.
  const check = new Date(Date.UTC(year, month - 1, day));
  if (day < 1 || check.getUTCMonth() !== month - 1) return undefined;
  return `${yyyyMm}-${String(day).padStart(2, '0')}`;
}

export function extractUrls(text: string): string[] {
  return unique((text.match(URL) ?? []).map(trimUrl).filter((url) => url.length > 'www.'.length));
}

/** Drops sentence punctuation and unbalanced closing brackets (Markdown links) from the end of a URL. */
function trimUrl(url: string): string {
  let trimmed = url;
  for (;;) {
    const last = trimmed.at(-1) ?? '';
    const closes = { ')': '(', ']': '[', '}': '{' }[last];
    if (/[.,;:!?*_'"]/.test(last)) trimmed = trimmed.slice(0, -1);
    else if (closes !== undefined && count(trimmed, last) > count(trimmed, closes)) trimmed = trimmed.slice(0, -1);
    else return trimmed;
  }
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

export function extractEmails(text: string): string[] {
  return unique(text.match(EMAIL) ?? []);
}

/** People and organisations named in the text, by compromise's tagger over the capitalised runs that can be names. */
export function extractNames(text: string): { people: string[]; organizations: string[] } {
  const candidates = nameCandidates(text);
  if (candidates.length === 0) return { people: [], organizations: [] };
  const doc = nlp(candidates);
  const people = withoutFragments(unique(strings(doc.people().out('array')).map(cleanName).filter(isName)));
  const personKeys = new Set(people.map((person) => person.toLowerCase()));
  const organizations = withoutFragments(
    unique(
      strings(doc.organizations().out('array'))
        .map(cleanName)
        .filter((name) => isName(name) && !personKeys.has(name.toLowerCase())),
    ),
  );
  return { people, organizations };
}

/** Drops "Alice" and "Johnson" when "Alice Johnson" was found too. */
function withoutFragments(names: readonly string[]): string[] {
  return names.filter((name) => !names.some((other) => other !== name && ` ${other} `.includes(` ${name} `)));
}

/**
 * The runs of capitalised words in the text ("Sarah Connor", "University of Oslo"), one per
 * pseudo-sentence: compromise tags names as well from these as from whole sentences, at a fraction
 * of the cost.
 */
function nameCandidates(text: string): string {
  const runs = new Set<string>();
  let length = 0;
  for (const [run] of text.matchAll(CAPITALISED_RUN)) {
    const clean = run.replace(/[.'’]+$/u, '');
    // Acronym soup (DNA, PBMC) and sentence openers ("The", "Results") are not names.
    if (!/\p{Lu}\p{Ll}/u.test(clean) || (!clean.includes(' ') && NOT_NAMES.has(clean.toLowerCase())) || runs.has(clean)) continue;
    if (length + clean.length + 2 > NAME_SCAN_CHARS) break;
    runs.add(clean);
    length += clean.length + 2;
  }
  return [...runs].join('. ');
}

function cleanName(name: string): string {
  return name
    .trim()
    .replace(/['’]s$/u, '')
    .replace(/^[^\p{L}]+|[^\p{L})]+$/gu, '')
    .replace(HONORIFIC, '')
    .replace(/\s+/g, ' ');
}

/** Keeps names that look like names: capitalised words (particles aside), no digits, not too long. */
function isName(name: string): boolean {
  if (name.length < 2 || name.length > 60 || /\d/.test(name)) return false;
  const words = name.split(' ');
  return /^\p{Lu}/u.test(words[0] ?? '') && words.every((word) => /^\p{Lu}/u.test(word) || NAME_PARTICLES.has(word.toLowerCase()));
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function unique(items: readonly string[]): string[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = item.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
