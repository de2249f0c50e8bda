// Whether an answer states a fact, by the rules of the answer benchmark's question sets
// (datasets/real-docs-dev/README.md, "facts"): case and punctuation do not matter, number words equal digits,
// units may be glued to their number, plurals and simple -ed/-ing endings are ignored, and a fact is a run of
// whole tokens, so "120 days" does not contain "12".

const CARDINALS = new Map<string, number>(
  ['zero one two three four five six seven eight nine ten', 'eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen']
    .join(' ')
    .split(' ')
    .map((word, value) => [word, value]),
);
for (const [word, value] of Object.entries({ twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 })) {
  CARDINALS.set(word, value);
}

/** Ordinal words become the digit form, read as two tokens like any "3rd": ["3", "rd"]. */
const ORDINALS = new Map<string, [string, string]>([
  ['first', ['1', 'st']],
  ['second', ['2', 'nd']],
  ['third', ['3', 'rd']],
  ['fourth', ['4', 'th']],
  ['fifth', ['5', 'th']],
  ['sixth', ['6', 'th']],
  ['seventh', ['7', 'th']],
  ['eighth', ['8', 'th']],
  ['ninth', ['9', 'th']],
  ['tenth', ['10', 'th']],
]);

const DIGITS = /^\d+$/;
const LETTERS = /^[a-z]+$/;

/** Lower-case text with every separator turned into a space; `%` and `$` stand alone; "14kb" reads "14 kb". */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\u00a0/g, ' ')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\bper ?cent\b/g, ' % ')
    .replace(/[%$]/g, ' $& ')
    .replace(/[^a-z0-9_$%]+/g, ' ')
    .replace(/(\d)(?=[a-z])/g, '$1 ');
}

/** Drops a plural -s/-es, then an -ing or -ed ending, from words of letters longer than three. */
export function lightStem(token: string): string {
  if (token.length <= 3 || !LETTERS.test(token)) return token;
  if (/(?:ch|sh|ss|x|z)es$/.test(token)) return token.slice(0, -2);
  const singular = token.endsWith('s') && !/(?:ss|us|is)$/.test(token) ? token.slice(0, -1) : token;
  if (singular.length > 5 && singular.endsWith('ing')) return singular.slice(0, -3);
  if (singular.length > 4 && singular.endsWith('ed')) return singular.slice(0, -2);
  return singular;
}

/** The comparable tokens of a text: the units `hasFact` matches in. */
export function factTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const raw of normalise(String(text)).split(' ')) {
    const token = raw.replace(/^_+|_+$/g, '');
    if (!token) continue;
    const ordinal = ORDINALS.get(token);
    if (ordinal) {
      tokens.push(...ordinal);
      continue;
    }
    const value = CARDINALS.get(token);
    if (value === undefined) {
      tokens.push(lightStem(token));
      continue;
    }
    // "twenty four" (or "20 four") is 24.
    const previous = tokens.at(-1);
    const tens = previous !== undefined && DIGITS.test(previous) ? Number(previous) : undefined;
    if (tens !== undefined && tens >= 20 && tens % 10 === 0 && tens <= 90 && value > 0 && value < 10) {
      tokens[tokens.length - 1] = String(tens + value);
    } else {
      tokens.push(String(value));
    }
  }
  return tokens;
}

/** True when the tokens of `fact` occur, in order and next to each other, among the tokens of `text`. */
export function hasFact(text: string, fact: string): boolean {
  return containsRun(factTokens(text), factTokens(fact));
}

/** `hasFact` for many texts against one fact, with the fact's tokens computed once. */
export function containsRun(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0) return true;
  outer: for (let start = 0; start + needle.length <= haystack.length; start++) {
    for (let i = 0; i < needle.length; i++) if (haystack[start + i] !== needle[i]) continue outer;
    return true;
  }
  return false;
}
