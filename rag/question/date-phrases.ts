// Date ranges stated in a question ("since March 2024", "in 2023", "last week", "before June"), resolved against
// a given `now` in UTC so the same question on the same day always gives the same filter. The range is on when a
// document was last modified: that is the date every source records.

/** A half-open range: `after` inclusive, `before` exclusive; either may be open. */
export interface DateRange {
  after?: Date;
  before?: Date;
}

export interface DatePhrase {
  range: DateRange;
  /** Where the phrase stands in the question, to remove it. */
  start: number;
  end: number;
  text: string;
}

/** A stretch of time; `end` undefined means "up to now". */
interface Period {
  start: Date;
  end?: Date;
}

const MONTH_NUMBER: Readonly<Record<string, number>> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};
const MONTH = String.raw`(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
const DAY = String.raw`\d{1,2}(?:st|nd|rd|th)?`;
const UNIT = String.raw`(?:day|week|month|quarter|year)s?`;
// Longest forms first, so "March 3, 2024" is one period rather than "March" and a stray number.
const PERIOD = [
  String.raw`\d{4}-\d{2}-\d{2}`,
  String.raw`\d{4}-\d{2}(?!-)`,
  String.raw`${MONTH}\s+${DAY},?\s+\d{4}`,
  String.raw`${DAY}\s+(?:of\s+)?${MONTH},?\s+\d{4}`,
  String.raw`${MONTH},?\s+\d{4}`,
  String.raw`${MONTH}\s+${DAY}(?!\d)`,
  String.raw`q[1-4],?\s+\d{4}`,
  String.raw`q[1-4]`,
  // A bare year, unless it is a quantity ("in 2000 ms", "2048 tokens").
  String.raw`(?:19|20)\d{2}(?!\s*(?:%|ms|s|sec|seconds?|minutes?|hours?|[kmg]b|bytes?|users?|items?|rows?|requests?|tokens?|lines?|words?|characters?|px)\b)`,
  MONTH,
  String.raw`yesterday|today`,
  String.raw`(?:this|last)\s+(?:week|month|quarter|year)`,
  String.raw`(?:the\s+)?(?:last|past)\s+\d+\s+${UNIT}`,
  String.raw`(?:the\s+)?past\s+(?:day|week|month|quarter|year)`,
  String.raw`the\s+last\s+(?:day|week|month|quarter|year)`,
].join('|');
const RELATIVE = String.raw`yesterday|today|(?:this|last)\s+(?:week|month|quarter|year)|(?:the\s+)?(?:last|past)\s+\d+\s+${UNIT}|(?:the\s+)?past\s+(?:day|week|month|quarter|year)|the\s+last\s+(?:day|week|month|quarter|year)`;
// Not followed by a possessive or a hyphen: "today's standup", "2024-style".
const END = String.raw`(?!['’]s\b|-\w)\b`;

const RANGE = new RegExp(String.raw`\b(?:between|from)\s+(${PERIOD})\s+(?:and|to|until|till|through|-)\s+(${PERIOD})${END}`, 'giu');
const PREFIXED = new RegExp(
  String.raw`\b(since|starting|from|after|before|prior\s+to|until|till|through|up\s+to|in|during|on|over|within)\s+(${PERIOD})${END}(?:\s+(?:on(?:wards?)?|onwards?))?`,
  'giu',
);
const BARE = new RegExp(String.raw`\b(${RELATIVE})${END}`, 'giu');

/** A date expression anchored in time by itself: it names a year, a full date, or a span relative to now. */
const YEAR_OR_RELATIVE = new RegExp(String.raw`\d{4}|^(?:${RELATIVE})$`, 'iu');
/** Words that make a date in the question one of the documents': what changed, was written or happened then. */
const DOCUMENT_TIME =
  /\b(?:changed|changes|updated?|updates|modified|edited|written|wrote|added|created|published|posted|shipped|merged|released|opened|closed|filed|decided|announced|happened|discussed|deployed|new)\b/iu;

const DAY_MS = 86_400_000;

/** Every date-range phrase in `text`, in order, each resolved against `now`. */
export function findDatePhrases(text: string, now: Date): DatePhrase[] {
  const found: DatePhrase[] = [];
  const taken = (start: number, end: number): boolean => found.some((phrase) => start < phrase.end && end > phrase.start);
  const add = (match: RegExpExecArray, range: DateRange | undefined): void => {
    const start = match.index;
    const end = start + match[0].length;
    if (range !== undefined && !taken(start, end)) found.push({ range, start, end, text: match[0] });
  };
  for (const match of text.matchAll(RANGE)) {
    const from = parsePeriod(match[1] ?? '', now);
    const to = parsePeriod(match[2] ?? '', now);
    add(match, from && to ? { after: from.start, before: to.end } : undefined);
  }
  for (const match of text.matchAll(PREFIXED)) {
    const expression = match[2] ?? '';
    // "having a baby in March", "claims from last year in feb": a month or quarter without a year is the time of
    // what the question is about, not of the documents, unless the question asks what changed or was written then.
    if (!YEAR_OR_RELATIVE.test(expression) && !DOCUMENT_TIME.test(text)) continue;
    const period = parsePeriod(expression, now);
    add(match, period && rangeFor((match[1] ?? '').toLowerCase().replace(/\s+/g, ' '), period));
  }
  for (const match of text.matchAll(BARE)) {
    const period = parsePeriod(match[1] ?? '', now);
    add(match, period && { after: period.start, ...(period.end ? { before: period.end } : {}) });
  }
  return found.sort((a, b) => a.start - b.start);
}

function rangeFor(operator: string, period: Period): DateRange {
  switch (operator) {
    case 'since':
    case 'starting':
    case 'from':
      return { after: period.start };
    case 'after':
      return period.end ? { after: period.end } : { after: period.start };
    case 'before':
    case 'prior to':
      return { before: period.start };
    case 'until':
    case 'till':
    case 'through':
    case 'up to':
      return period.end ? { before: period.end } : {};
    default:
      return { after: period.start, ...(period.end ? { before: period.end } : {}) };
  }
}

/** The period a date expression names, or undefined when it is not a date after all (a bare modal "may"). */
export function parsePeriod(expression: string, now: Date): Period | undefined {
  const text = expression.trim().toLowerCase().replace(/\s+/g, ' ').replace(/,/g, '');
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text))) return day(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if ((m = /^(\d{4})-(\d{2})$/.exec(text))) return month(Number(m[1]), Number(m[2]) - 1);
  if ((m = /^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)? (\d{4})$/.exec(text))) return day(Number(m[3]), monthIndex(m[1]), Number(m[2]));
  if ((m = /^(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]+)\.? (\d{4})$/.exec(text))) return day(Number(m[3]), monthIndex(m[2]), Number(m[1]));
  if ((m = /^([a-z]+)\.? (\d{4})$/.exec(text))) return month(Number(m[2]), monthIndex(m[1]));
  if ((m = /^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?$/.exec(text))) return latest(now, (year) => day(year, monthIndex(m?.[1]), Number(m?.[2])));
  if ((m = /^q([1-4]) (\d{4})$/.exec(text))) return quarter(Number(m[2]), Number(m[1]) - 1);
  if ((m = /^q([1-4])$/.exec(text))) return latest(now, (year) => quarter(year, Number(m?.[1]) - 1));
  if ((m = /^(\d{4})$/.exec(text))) return { start: utc(Number(m[1]), 0, 1), end: utc(Number(m[1]) + 1, 0, 1) };
  // "may" alone is far more often the verb; only a capitalised "May" is the month.
  if (/^[a-z]+\.?$/.test(text) && monthIndex(text) !== undefined && !(text === 'may' && !expression.trim().startsWith('May'))) {
    return latest(now, (year) => month(year, monthIndex(text)));
  }
  return relative(text, now);
}

function relative(text: string, now: Date): Period | undefined {
  const today = utc(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (text === 'today') return { start: today };
  if (text === 'yesterday') return { start: new Date(today.getTime() - DAY_MS), end: today };
  let m: RegExpExecArray | null;
  if ((m = /^(this|last) (week|month|quarter|year)$/.exec(text))) {
    const current = calendarPeriod(m[2] ?? '', now);
    if (m[1] === 'this') return { start: current.start };
    return { start: shift(current.start, m[2] ?? '', -1), end: current.start };
  }
  // "the last 30 days", "the past week": a rolling window ending now.
  if ((m = /^(?:the )?(?:last|past) (?:(\d+) )?(day|week|month|quarter|year)s?$/.exec(text))) {
    return { start: shift(now, m[2] ?? '', -Number(m[1] ?? 1)) };
  }
  return undefined;
}

/** The calendar week (from Monday), month, quarter or year containing `now`. */
function calendarPeriod(unit: string, now: Date): { start: Date } {
  const year = now.getUTCFullYear();
  const monthIndexNow = now.getUTCMonth();
  if (unit === 'year') return { start: utc(year, 0, 1) };
  if (unit === 'quarter') return { start: utc(year, monthIndexNow - (monthIndexNow % 3), 1) };
  if (unit === 'month') return { start: utc(year, monthIndexNow, 1) };
  const sinceMonday = (now.getUTCDay() + 6) % 7;
  return { start: utc(year, monthIndexNow, now.getUTCDate() - sinceMonday) };
}

function shift(date: Date, unit: string, count: number): Date {
  if (unit === 'day') return new Date(date.getTime() + count * DAY_MS);
  if (unit === 'week') return new Date(date.getTime() + count * 7 * DAY_MS);
  const months = unit === 'year' ? 12 * count : unit === 'quarter' ? 3 * count : count;
  const shifted = new Date(date.getTime());
  shifted.setUTCMonth(shifted.getUTCMonth() + months);
  return shifted;
}

/** A period without a year ("March", "Q3") is the most recent one that has begun: this year's, else last year's. */
function latest(now: Date, inYear: (year: number) => Period | undefined): Period | undefined {
  const thisYear = inYear(now.getUTCFullYear());
  if (thisYear === undefined || thisYear.start.getTime() <= now.getTime()) return thisYear;
  return inYear(now.getUTCFullYear() - 1);
}

function monthIndex(name: string | undefined): number | undefined {
  return name === undefined ? undefined : MONTH_NUMBER[name.slice(0, 3)];
}

function utc(year: number, monthIndexValue: number, date: number): Date {
  return new Date(Date.UTC(year, monthIndexValue, date));
}

function day(year: number, monthIndexValue: number | undefined, date: number): Period | undefined {
  if (monthIndexValue === undefined || monthIndexValue < 0 || monthIndexValue > 11) return undefined;
  const start = utc(year, monthIndexValue, date);
  // Date.UTC rolls 31 April over into May: a day that does not exist is not a date.
  if (start.getUTCMonth() !== monthIndexValue || date < 1) return undefined;
  return { start, end: utc(year, monthIndexValue, date + 1) };
}

function month(year: number, monthIndexValue: number | undefined): Period | undefined {
  if (monthIndexValue === undefined || monthIndexValue < 0 || monthIndexValue > 11) return undefined;
  return { start: utc(year, monthIndexValue, 1), end: utc(year, monthIndexValue + 1, 1) };
}

function quarter(year: number, index: number): Period {
  return { start: utc(year, index * 3, 1), end: utc(year, index * 3 + 3, 1) };
}
