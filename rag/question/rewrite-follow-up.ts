// The offline follow-up rewriter: deterministic, explainable rules that make a thread question searchable on
// its own. Each result names the rule that produced it, so a surprising rewrite can be traced.
//
//   slot     "How do I install the Slack app?" + "and for Discord?"  → "How do I install the Discord app?"
//   pronoun  "What is Renovate?" + "who maintains it?"               → "who maintains Renovate?"
//   carry    "How do I install the Slack app?" + "why?"              → "why? install Slack app"
//
// Carrying the previous question's topic words is the fallback whenever a cleaner rewrite is not certain: the
// words are what retrieval needs, and a clumsy sentence costs less than a wrong substitution.
import type { ThreadMessage } from '../types.ts';
import { detectFollowUp } from './detect-follow-up.ts';
import { detectIntent } from './detect-intent.ts';
import { areParallel } from './parallel-terms.ts';
import { contentTerms, isFrameWord, wordTokens, type WordToken } from './question-terms.ts';
import { stripMentions } from './strip-mentions.ts';

export type RewriteRule = 'no-history' | 'standalone' | 'slot' | 'pronoun' | 'carry';

export interface HeuristicRewrite {
  text: string;
  rule: RewriteRule;
  /** The earlier question (itself resolved) that the follow-up was rewritten against. */
  previous?: string;
}

// A thread's earlier questions are resolved in turn, so a chain of follow-ups keeps its topic; a few suffice.
const MAX_CHAIN = 5;
const MAX_CARRIED_TERMS = 8;
const MAX_SUBJECT_WORDS = 6;

/** Rewrites `question` as a standalone question using the earlier user questions in `history` (oldest first). */
export function rewriteFollowUp(question: string, history: readonly ThreadMessage[]): HeuristicRewrite {
  const previous = previousQuestion(question, history);
  if (previous === undefined) return { text: question, rule: 'no-history' };
  const result = resolve(question, previous);
  return result.rule === 'standalone' ? { text: question, rule: 'standalone' } : { ...result, previous };
}

/** The last earlier user question, resolved against the ones before it. */
function previousQuestion(question: string, history: readonly ThreadMessage[]): string | undefined {
  const asked = history
    .filter((message) => message.role === 'user')
    .map((message) => stripMentions(message.text))
    // Small talk in the thread ("thanks!") carries no topic (the chat leaves commands out of the history).
    .filter((text) => text !== '' && detectIntent(text) === 'question');
  // Some adapters include the message being answered in the thread they fetch.
  if (asked.at(-1) === stripMentions(question)) asked.pop();
  let resolved: string | undefined;
  for (const text of asked.slice(-MAX_CHAIN)) resolved = resolved === undefined ? text : resolve(text, resolved).text;
  return resolved;
}

function resolve(rawQuestion: string, previous: string): { text: string; rule: RewriteRule } {
  const question = stripMentions(rawQuestion);
  const followUp = detectFollowUp(question);
  switch (followUp.kind) {
    case 'standalone':
      return { text: question, rule: 'standalone' };
    case 'elliptical': {
      const text = swapParallelTerms(followUp.focus, previous);
      return text !== undefined ? { text, rule: 'slot' } : carry(question, previous);
    }
    case 'anaphoric': {
      const text = substitutePronouns(question, followUp.pronouns, previous);
      return text !== undefined ? { text, rule: 'pronoun' } : carry(question, previous);
    }
    case 'vague':
      return carry(question, previous);
  }
}

/**
 * The previous question with each focus word put in place of its counterpart ("Slack" → "Discord"). Undefined
 * unless every topic word of the focus found a counterpart or is already there: a focus that adds something new
 * ("what about Discord bots?") is not a mere swap.
 */
function swapParallelTerms(focus: string, previous: string): string | undefined {
  const slots = wordTokens(previous);
  const present = new Set(slots.map((slot) => slot.lower));
  const swaps: { slot: WordToken; word: string }[] = [];
  for (const word of wordTokens(focus).filter((token) => !isFrameWord(token.lower))) {
    if (present.has(word.lower)) continue;
    const free = slots.filter((slot) => !swaps.some((swap) => swap.slot === slot));
    const slot = free.find((candidate) => areParallel(word.lower, candidate.lower)) ?? properNounSlot(word, free);
    if (slot === undefined) return undefined;
    swaps.push({ slot, word: word.text });
  }
  if (swaps.length === 0) return undefined;
  let text = previous;
  for (const { slot, word } of swaps.sort((a, b) => b.slot.start - a.slot.start)) {
    text = text.slice(0, slot.start) + word + text.slice(slot.end);
  }
  return text;
}

/** A capitalised focus ("Bob") replaces the one name in the previous question ("What is Alice's phone number?"). */
function properNounSlot(word: WordToken, slots: readonly WordToken[]): WordToken | undefined {
  if (!/^\p{Lu}/u.test(word.text)) return undefined;
  const names = slots.filter((slot, i) => i > 0 && /^\p{Lu}/u.test(slot.text) && slot.lower !== 'i' && !isFrameWord(slot.lower));
  return names.length === 1 ? names[0] : undefined;
}

// Questions that are about one thing, whose name is what a later "it" points at. Questions about doing something
// ("how do I install the app?") are left out: there "it" may be the thing or the doing.
const SUBJECT_PATTERNS: readonly RegExp[] = [
  /^(?:what|who|where)(?:['’]s|\s+is|\s+are|\s+was|\s+were)\s+(?<np>.+)$/i,
  /^(?:tell\s+(?:me|us)\s+(?:more\s+)?about|what\s+about|explain|describe)\s+(?<np>.+)$/i,
  /^who\s+(?:owns|maintains|runs|manages|leads|approves|wrote|built)\s+(?<np>.+)$/i,
  /^what\s+(?:does|do)\s+(?<np>.+?)\s+(?:do|mean|cover|contain|include)$/i,
  /^(?:where\s+(?:can|do)\s+(?:i|we)\s+find|where\s+do\s+we\s+keep|is\s+there|are\s+there|do\s+we\s+have)\s+(?:an?\s+|any\s+)?(?<np>.+)$/i,
];
// "Where is the runbook documented?": the participle belongs to the question, not to the name.
const TRAILING_PARTICIPLE = /\s+(?:documented|located|stored|kept|defined|configured|described|explained|used|hosted|deployed)$/i;
const POINTERS = new Set(['it', 'its', 'they', 'them', 'their', 'theirs', 'this', 'that', 'these', 'those']);

function subjectOf(previous: string): string | undefined {
  const bare = previous.trim().replace(/[\s?!.…]+$/u, '');
  for (const pattern of SUBJECT_PATTERNS) {
    const np = pattern.exec(bare)?.groups?.np?.replace(TRAILING_PARTICIPLE, '').trim();
    if (np === undefined) continue;
    const words = wordTokens(np);
    const usable = words.length <= MAX_SUBJECT_WORDS && words.some((w) => !isFrameWord(w.lower)) && !words.some((w) => POINTERS.has(w.lower));
    return usable ? np : undefined;
  }
  return undefined;
}

/** Each pronoun replaced by the previous question's subject, or undefined when that is not clearly safe. */
function substitutePronouns(question: string, pronouns: readonly WordToken[], previous: string): string | undefined {
  const subject = subjectOf(previous);
  if (subject === undefined) return undefined;
  let text = question;
  for (const pronoun of [...pronouns].sort((a, b) => b.start - a.start)) {
    const after = text.slice(pronoun.end);
    // A demonstrative before a noun ("that page") points at part of the subject, not the subject itself.
    const nextWord = wordTokens(after)[0];
    if (
      ['this', 'that', 'these', 'those'].includes(pronoun.lower) &&
      nextWord !== undefined &&
      nextWord.start === 1 &&
      !isFrameWord(nextWord.lower)
    ) {
      return undefined;
    }
    let replacement = ['its', 'their', 'theirs'].includes(pronoun.lower) ? `${subject}'s` : subject;
    let end = pronoun.end;
    // "it's" is "it is", not a possessive.
    if (/^['’]s\b/u.test(after)) {
      replacement += ' is';
      end += 2;
    }
    if (pronoun.start === 0 && /^\p{Lu}/u.test(pronoun.text)) replacement = replacement.charAt(0).toUpperCase() + replacement.slice(1);
    text = text.slice(0, pronoun.start) + replacement + text.slice(end);
  }
  return text;
}

/** The question followed by the previous question's topic words that it does not already contain. */
function carry(question: string, previous: string): { text: string; rule: RewriteRule } {
  const own = new Set(wordTokens(question).map((token) => token.lower));
  const carried = contentTerms(previous)
    .filter((term) => !own.has(term.toLowerCase()))
    .slice(0, MAX_CARRIED_TERMS);
  if (carried.length === 0) return { text: question, rule: 'standalone' };
  return { text: `${question.trim()} ${carried.join(' ')}`, rule: 'carry' };
}
