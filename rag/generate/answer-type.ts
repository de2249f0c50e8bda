// Does a piece of text hold the kind of thing a question asks for? A "how many weeks" question is answered by a
// number of weeks, a "when" question by a date or a time span, a "who" question by a person, team or contact.
// Cheap pattern checks: they decide which spans can answer, not what the answer says.
import { stemLite } from '../cite/content-terms.ts';
import type { AnswerType } from '../question/analyze-question.ts';

const NUMBER_WORDS = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million half dozen once twice single double first second third fourth fifth';
const NUMBER = new RegExp(`^(?:\\d[\\d.,:/]*(?:st|nd|rd|th|k|kb|mb|gb|mib|kib|gib|ms|s|m|h|d|%|x)?|${NUMBER_WORDS.split(' ').join('|')})$`, 'i');
const MONTHS = 'january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec';
const TIME_WORDS = new Set(
  `${MONTHS} monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday daily weekly biweekly monthly quarterly annually yearly hourly noon midnight morning afternoon evening night weekend weekday am pm deadline before after until within by end beginning start prior later earlier every`
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

/** Words as the type checks see them: lowercased, stemmed, numbers kept whole (`6-week` → `6`, `week`). */
function tokens(text: string): string[] {
  return (text.toLowerCase().replace(/[*_`~]/g, ' ').match(/\d[\d.,:/]*[a-z%]*|[\p{L}]+/gu) ?? []).map((token) => (/^\d/.test(token) ? token : stemLite(token)));
}

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
    // "Days worked: 10", "the limit of weeks is 6": the unit shortly before its number.
    if (words.slice(Math.max(0, i - 3), i).includes(unit)) return true;
  }
  return false;
}

/**
 * True when `text` (a span, with its headings when they are part of it) holds an answer of `type`. Types with no
 * telling form (steps, definitions, reasons, statements) always pass: their coverage of the question decides.
 */
export function holdsAnswerType(type: AnswerType, text: string, unit?: string): boolean {
  const words = tokens(text);
  switch (type) {
    case 'quantity':
      if (unit !== undefined && !TIME_UNITS.has(unit) && words.includes(unit) && !countsUnit(words, unit)) {
        // The counted thing is named but no number counts it: "8 hours for the paid holiday" is no count of holidays.
        return false;
      }
      if (unit !== undefined && TIME_UNITS.has(unit)) return countsUnit(words, unit) || (hasNumber(words) && words.some((w) => TIME_UNITS.has(w)));
      return hasNumber(words) || /\b(?:unlimited|no limit|no maximum|no minimum)\b/i.test(text);
    case 'time':
      return words.some((w) => TIME_WORDS.has(w)) || /\b(?:19|20)\d{2}\b|\d{1,2}[:/]\d{2}/.test(text) || (hasNumber(words) && words.some((w) => TIME_UNITS.has(w)));
    case 'person':
      return (
        /[\w.+-]+@[\w-]+\.[\w.]+|(^|\s)[@#][\w.-]+|<[@#!][^>]+>/.test(text) ||
        words.some((w) => PERSON_WORDS.has(w)) ||
        /\b\p{Lu}\p{Ll}+\s+\p{Lu}\p{Ll}+/u.test(text.replace(/^\W*\p{Lu}\p{Ll}+\s/u, ''))
      );
    case 'place':
      return /https?:\/\/|mailto:|\/[\w.-]+\/|[@#][\w.-]+/.test(text) || words.some((w) => PLACE_WORDS.has(w)) || /\b\d+(?:st|nd|rd|th)\b/i.test(text);
    case 'value':
      return /`[^`]+`|"[^"]+"|“[^”]+”|'[^'\s][^']*'|\b\d/.test(text) || /\b(?:true|false|null|none|enabled|disabled)\b/i.test(text) || /\b[a-z]+[A-Z]\w*\b|\b[A-Z][A-Z0-9_-]{2,}\b/.test(text);
    default:
      return true;
  }
}
