// Does a piece of text hold the kind of thing a question asks for? A "how many weeks" question is answered by a
// number of weeks, a "when" question by a date or a time span, a "who" question by a person, team or contact.
// Cheap pattern checks: they decide which spans can answer, not what the answer says.
import { stemLite } from '../cite/content-terms.ts';
import type { AnswerType, Attribute } from '../question/analyze-question.ts';

const NUMBER_WORDS =
  'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million half dozen once twice single double first second third fourth fifth';
const NUMBER = new RegExp(`^(?:\\d[\\d.,:/]*(?:st|nd|rd|th|k|kb|mb|gb|mib|kib|gib|ms|s|m|h|d|%|x)?|${NUMBER_WORDS.split(' ').join('|')})$`, 'i');
const MONTHS =
  'january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec';
const TIME_WORDS = new Set(
  `${MONTHS} monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday noon midnight morning afternoon evening night weekend weekday am pm deadline immediately`
    .split(' ')
    .map(stemLite),
);
const TIME_UNITS = new Set(['second', 'minute', 'hour', 'day', 'week', 'month', 'year', 'quarter', 'decade']);
const PERSON_WORDS = new Set(
  'team office manager supervisor specialist officer desk lead coordinator administrator admin staff director representative contact committee counsel department division group owner steward approver reviewer support helpdesk engineer chief head person people hr ops operations security channel'
    .split(' ')
    .map(stemLite),
);
const PLACE_WORDS = new Set(
  'floor room building suite street avenue address office site page portal folder directory drive channel repo repository dashboard menu tab settings city campus location link url website app tool form system'
    .split(' ')
    .map(stemLite),
);

/** Text without what only looks like a fact: link targets and addresses, list numbering. */
function statements(text: string): string {
  return text
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/^\s*\d+[.)]\s+/gm, ' ');
}

/** Words as the type checks see them: lowercased, stemmed, numbers kept whole (`6-week` → `6`, `week`). */
function tokens(text: string): string[] {
  return (
    statements(text)
      .toLowerCase()
      .replace(/[*_`~]/g, ' ')
      .match(/\d[\d.,:/]*[a-z%]*|[\p{L}]+/gu) ?? []
  ).map((token) => (/^\d/.test(token) ? token : stemLite(token)));
}

const FREQUENCY = /\b(?:daily|weekly|biweekly|bimonthly|monthly|quarterly|annually|yearly|hourly|nightly)\b/i;

/** "within 3 days", "every three years", "by the end of March", "30 days after": a time given relative to another. */
const RELATIVE_TIME =
  /\b(?:within|after|before|every|by|until|no later than|at least|prior to)\s+(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|thirty|the (?:first|last|end|start|beginning))\b|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|thirty)[\s-]+(?:business |calendar |working )?(?:minutes?|hours?|days?|weeks?|months?|years?)\b/i;

function isNumber(token: string): boolean {
  return NUMBER.test(token);
}

function hasNumber(words: readonly string[]): boolean {
  return words.some(isNumber);
}

/** A number with what it counts right after it ("6-week", "three years", "11 paid holidays"), or "unit: number". */
function countsUnit(words: readonly string[], unit: string): boolean {
  for (let i = 0; i < words.length; i++) {
    if (!isNumber(words[i] as string)) continue;
    if (words.slice(i + 1, i + 4).includes(unit)) return true;
    // "Days worked: 10", "the limit of weeks is 6": the unit shortly before its number, unless the number counts
    // a unit of its own ("move your holiday one day earlier" counts days, not holidays).
    if (TIME_UNITS.has(words[i + 1] as string) && words[i + 1] !== unit) continue;
    if (words.slice(Math.max(0, i - 3), i).includes(unit)) return true;
  }
  return false;
}

/** What answers "who do I ask" by itself: an e-mail address, a @handle or #channel, a chat mention. */
const CONTACT = /[\w.+-]+@[\w-]+\.[\w.]+|(?:^|\s)[@#][\w.-]+|<[@#!][^>]+>/;
/** A number with what it counts or measures: "30 calendar days", "128MiB", "$75", "16 characters". */
const MEASURE = /(?:[$€£]\s?\d|\b\d[\d.,]*\s?(?:%|[kmg]i?b\b|(?!of\b|the\b|and\b|or\b|in\b|on\b|to\b|for\b)[a-z]{2,}))/i;
/** A date or a time given outright: "March 15", "2024-10-01", "within 3 days", "every three years". */
const DATE = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[:/]\d{2}\b/i;
/** A place given outright: a link, an address on the web, a path. */
const LOCATION = /https?:\/\/|\]\(|(?:^|\s)\/[\w.-]+\/|`[^`]*\/[^`]*`/;

/**
 * True when `text` (a span, with its headings when they are part of it) holds an answer of `type`. Types with no
 * telling form (steps, definitions, reasons, statements) always pass: their coverage of the question decides.
 */
export function holdsAnswerType(type: AnswerType, text: string, unit?: string): boolean {
  const words = tokens(text);
  switch (type) {
    case 'quantity':
      // A count of what the question counts: "8 hours for the paid holiday" is no count of holidays.
      if (unit !== undefined && !TIME_UNITS.has(unit)) return countsUnit(words, unit);
      if (unit !== undefined && TIME_UNITS.has(unit)) return countsUnit(words, unit) || (hasNumber(words) && words.some((w) => TIME_UNITS.has(w)));
      // With no unit named ("how much does GSA match?"), a number must measure something ("5%", "$75", "16
      // characters", "three years"): a bare number is as likely a name ("401k", "Section 508").
      return MEASURE.test(statements(text)) || RELATIVE_TIME.test(statements(text)) || /\b(?:unlimited|no limit|no maximum|no minimum)\b/i.test(text);
    case 'time':
      return (
        words.some((w) => TIME_WORDS.has(w)) ||
        FREQUENCY.test(text) ||
        /\b(?:19|20)\d{2}\b|\b\d{1,2}[:/]\d{2}\b/.test(statements(text)) ||
        RELATIVE_TIME.test(statements(text))
      );
    case 'person':
      return (
        CONTACT.test(text) ||
        words.some((w) => PERSON_WORDS.has(w)) ||
        /\b\p{Lu}\p{Ll}+\s+\p{Lu}\p{Ll}+/u.test(text.replace(/^\W*\p{Lu}\p{Ll}+\s/u, ''))
      );
    case 'place':
      return (
        /https?:\/\/|mailto:|\/[\w.-]+\/|[@#][\w.-]+|(?:^|[\s`'"(])(?:\.{1,2}|~)?\/[\w.-]+/.test(text) ||
        words.some((w) => PLACE_WORDS.has(w)) ||
        /\b\d+(?:st|nd|rd|th)\b/i.test(text)
      );
    case 'name':
      // A link to the thing, or its name inside a sentence ("we recommend KeeVault"), or a value's forms.
      return /\[[^\]]+\]\(https?:|[\p{Ll},;:] \p{Lu}[\p{L}\p{N}]+/u.test(text) || holdsAnswerType('value', text);
    case 'value':
      return (
        /`[^`]+`|"[^"]+"|“[^”]+”|'[^'\s][^']*'|\b\d/.test(text) ||
        /\b(?:true|false|null|none|enabled|disabled)\b/i.test(text) ||
        /\b[a-z]+[A-Z]\w*\b|\b[A-Z][A-Z0-9_-]{2,}\b/.test(text)
      );
    default:
      return true;
  }
}

/**
 * Each attribute a question asks for: the words that name it, the other words a passage may state it in ("up to 10
 * MB" states a maximum, "at least 12 weeks" a minimum), and the stems a question names it by.
 */
const ATTRIBUTES: Record<Attribute, { named: RegExp; paraphrased?: RegExp; inNames?: RegExp; names: string[] }> = {
  default: {
    named: /\bdefault(?:s|ed)?\b|\bunless (?:you |it is )?(?:set|configured|specified|changed)\b|\bif (?:not|un)(?:set|specified|configured)\b/i,
    names: ['default'],
  },
  maximum: {
    named: /\bmax(?:imum|imal)?\b|\blimit(?:s|ed)?\b|\bcap(?:s|ped)?\b|\bupper\b/i,
    paraphrased:
      /\bup to\b|\bat most\b|\bno more than\b|\b(?:cannot|can't|must not|may not|not to) exceed\b|\b(?:largest|biggest|longest|highest)\b/i,
    // Part of a name: `LORE_MAX_FILE_MB`, `maxSize`.
    inNames: /(?<![A-Za-z])(?:max|Max|MAX)(?![a-z])/,
    names: ['maximum', 'max', 'limit', 'cap'],
  },
  minimum: {
    named: /\bmin(?:imum|imal)?\b|\blower\b/i,
    paraphrased: /\bat least\b|\bno (?:less|fewer) than\b|\b(?:smallest|shortest|lowest|fewest)\b/i,
    // `minLength`, `MIN_REPLICAS`; not "30 min", which counts minutes.
    inNames: /(?<![A-Za-z]|\d\s*)(?:min|Min|MIN)(?![a-z])/,
    names: ['minimum', 'min'],
  },
};

/** The stems of every name of a limit `text` states in other words or inside a name ("up to 40 MB", `LORE_MAX_FILE_MB`). */
export function attributeTerms(text: string): string[] {
  return Object.values(ATTRIBUTES).flatMap(({ paraphrased, inNames, names }) => (paraphrased?.test(text) || inNames?.test(text) ? names : []));
}

/** True when `text` says the attribute asked for: a default, a maximum or a minimum (any common wording of it). */
export function statesAttribute(attribute: Attribute | undefined, text: string): boolean {
  if (attribute === undefined) return true;
  const { named, paraphrased, inNames } = ATTRIBUTES[attribute];
  return named.test(text) || paraphrased?.test(text) === true || inNames?.test(text) === true;
}

/**
 * True when `text` gives the kind of answer asked for outright, not only a word of its kind: a contact for "who", a
 * date or a span of time for "when", a number with its measure for "how many", a link or path for "where".
 */
export function statesOutright(type: AnswerType, text: string): boolean {
  switch (type) {
    case 'person':
      return CONTACT.test(text);
    case 'time':
      return DATE.test(statements(text)) || RELATIVE_TIME.test(statements(text));
    case 'quantity':
      return MEASURE.test(statements(text));
    case 'place':
      return LOCATION.test(text);
    default:
      return false;
  }
}
