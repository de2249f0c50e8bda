// Whether a question leans on the one before it, and how: that decides how the follow-up is rewritten.
// Each rule is a surface pattern that can be read and tested on its own; none needs a model.
import { contentTerms, isFrameWord, wordTokens, type WordToken } from './question-terms.ts';

export type FollowUp =
  /** Complete on its own. */
  | { kind: 'standalone' }
  /** "what about Discord?", "and for staging?", "Windows?": only the new focus is said, the rest is implied. */
  | { kind: 'elliptical'; focus: string }
  /** "how do I configure it?": pronouns stand for something named before (offsets into the question). */
  | { kind: 'anaphoric'; pronouns: WordToken[] }
  /** "why?", "more details?", "and then?": no topic of its own. */
  | { kind: 'vague' };

// Words that ask for more without naming a topic.
const VAGUE = new Set(
  (
    'more detail details example examples elaborate explain clarify why how what when where who which link links source sources ' +
    'reference references doc docs documentation step steps info information else another other again mean meaning so then ' +
    'really sure instead too well exactly ok okay thanks thank'
  ).split(' '),
);

const OPENERS = /^(?:(?:ok(?:ay)?|thanks|thank you|cool|great|got it|right|hm+)\s*[,!.]*\s+)+/i;
const CONNECTIVE = /^(?:and|also|plus|but|or|same|then)\b/i;
const ELLIPSIS_PATTERNS: readonly RegExp[] = [
  /^(?:(?:and|but|also|so|then)\s*,?\s+)?(?:what|how)\s+about\s+(?:(?:for|in|on|with|at|from)\s+)?(?<focus>.+)$/i,
  /^(?:and|also|same|but|or|plus)\s+(?:(?:for|in|on|with|at|from|to|about|if)\s+)?(?<focus>.+)$/i,
  /^(?:for|in|on|with|at|from)\s+(?<focus>.+)$/i,
];
const FOCUS_NOISE = /^(?:the|a|an)\s+|\s+(?:too|as well|instead|then|though)$/gi;
const MAX_FOCUS_WORDS = 4;

// Words that start a full question: after "and", they make it a new question rather than a bare focus.
const QUESTION_START = new Set(
  'what how why when where who which whose is are was were do does did can could should would will shall may might must have has i we you'.split(' '),
);

// "it" that refers to nothing: "is it possible…", "it is recommended to…".
const DUMMY_IT_NEXT = new Set(
  'possible ok okay true necessary allowed recommended safe worth better best fine time likely required normal common usual hard easy'.split(' '),
);
const ALWAYS_ANAPHORIC = new Set(['it', 'its', 'they', 'them', 'their', 'theirs']);
const DEMONSTRATIVES = new Set(['this', 'that', 'these', 'those']);
// "this week" names a time rather than pointing back at something said before.
const TIME_NOUNS = new Set(
  'week weeks month months year years quarter quarters sprint sprints morning afternoon evening time weekend cycle'.split(' '),
);

/** How `question` depends on an earlier one, judged from its own words alone. */
export function detectFollowUp(question: string): FollowUp {
  const trimmed = question.trimStart();
  const text = trimmed.replace(OPENERS, '').trimEnd();
  const bare = text.replace(/[\s?!.…]+$/u, '');
  const terms = contentTerms(bare);
  const focus = ellipticalFocus(bare, text.endsWith('?'));
  if (focus !== undefined) return { kind: 'elliptical', focus };
  // Offsets are reported against `question` itself (`text` is a part of it), so the rewriter can replace in place.
  const offset = question.length - trimmed.replace(OPENERS, '').length;
  const pronouns = anaphors(bare).map((token) => ({ ...token, start: token.start + offset, end: token.end + offset }));
  if (pronouns.length > 0) return { kind: 'anaphoric', pronouns };
  const topical = terms.filter((term) => !VAGUE.has(term.toLowerCase()));
  if (topical.length === 0) return { kind: 'vague' };
  // "but who approves the rollout?" continues the thread although it names a word or two; a longer question
  // that happens to start with "and" names enough to stand alone.
  if (CONNECTIVE.test(bare) && topical.length <= 2) return { kind: 'vague' };
  return { kind: 'standalone' };
}

function ellipticalFocus(bare: string, asked: boolean): string | undefined {
  for (const pattern of ELLIPSIS_PATTERNS) {
    const focus = pattern.exec(bare)?.groups?.focus;
    if (focus !== undefined) return usableFocus(focus);
  }
  // A bare "Discord?" or "the mobile app?": a few words, asked, not phrased as a question of their own.
  const words = bare.split(/\s+/);
  if (asked && words.length <= 3 && !QUESTION_START.has(words[0]?.toLowerCase() ?? '')) return usableFocus(bare);
  return undefined;
}

function usableFocus(raw: string): string | undefined {
  const focus = raw.replace(FOCUS_NOISE, '').trim();
  const words = focus.split(/\s+/);
  if (words.length > MAX_FOCUS_WORDS || QUESTION_START.has(words[0]?.toLowerCase() ?? '')) return undefined;
  // "it runs nightly?" is short, but its pronoun says what is missing: the anaphora rules handle it.
  if (wordTokens(focus).some((token) => ALWAYS_ANAPHORIC.has(token.lower))) return undefined;
  // "what about it?" has no focus of its own: it is anaphoric or vague, decided by the later rules.
  const terms = contentTerms(focus).filter((term) => !VAGUE.has(term.toLowerCase()));
  return terms.length > 0 ? focus : undefined;
}

function anaphors(text: string): WordToken[] {
  const tokens = wordTokens(text);
  return tokens.filter((token, i) => {
    const next = tokens[i + 1]?.lower;
    if (ALWAYS_ANAPHORIC.has(token.lower)) return !(token.lower === 'it' && isDummyIt(next, tokens[i + 2]?.lower));
    if (!DEMONSTRATIVES.has(token.lower)) return false;
    if (next !== undefined && TIME_NOUNS.has(next)) return false;
    // Between a topic word and more words, "that" opens a clause ("the doc that explains SSO") instead of pointing back.
    const previous = tokens[i - 1];
    return !(token.lower === 'that' && next !== undefined && previous !== undefined && !isFrameWord(previous.lower));
  });
}

function isDummyIt(next: string | undefined, afterNext: string | undefined): boolean {
  if (next !== undefined && DUMMY_IT_NEXT.has(next)) return true;
  return (next === 'is' || next === 'was') && afterNext !== undefined && DUMMY_IT_NEXT.has(afterNext);
}
