// The faithful fake Gemini: a generator that answers a benchmark question the way a faithful model would, from a
// reference answer and its facts, so the benchmark can measure what Lore's pipeline does to a correct, cited
// paraphrase (issue 13: the claim check and the confidence score must not swap it for an abstention).
//
// Given the passages of a request it
// - abstains (exactly ABSTENTION_SENTENCE) when no passage holds any of the question's facts or no sentence it
//   could say states one, and always for a question with no facts (the corpus does not answer it) or one it has
//   no reference for;
// - otherwise says the reference answer, sentence by sentence, leaving out a sentence stating any fact that no
//   passage holds (a faithful model does not state what it cannot see), and cites each sentence with the passage(s)
//   holding its facts, or, for a sentence that carries no fact, the passage sharing most of its content words.
import { ABSTENTION_SENTENCE } from '../../rag/cite/abstention.ts';
import { splitSentences } from '../../rag/chunk/split-sentences.ts';
import { analyzeText } from '../../rag/retrieve/analyze-text.ts';
import type { GenerationEvent, GenerationRequest, Generator, Passage } from '../../rag/types.ts';
import { containsRun, factTokens } from './fact-match.ts';

export interface ReferenceAnswer {
  answer: string;
  facts: readonly string[];
}

/** What the oracle did with one question, for the benchmark's "answers given / posted" figures. */
export interface OracleDecision {
  answered: boolean;
  /** The text it generated (the abstention sentence when it abstained). */
  text: string;
  /** Passage numbers it cited. */
  cited: number[];
}

export const ORACLE_MODEL = 'oracle';

/** Questions are looked up with case and spacing ignored. */
function questionKey(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

interface ReadPassage {
  n: number;
  tokens: string[];
  terms: Set<string>;
}

export class OracleGenerator implements Generator {
  readonly id = ORACLE_MODEL;
  private readonly references = new Map<string, ReferenceAnswer>();
  private readonly decisions = new Map<string, OracleDecision>();

  constructor(references: Iterable<readonly [question: string, reference: ReferenceAnswer]>) {
    for (const [question, reference] of references) this.references.set(questionKey(question), reference);
  }

  /** The oracle's latest decision on a question; undefined when it was never asked (Lore answered before generating). */
  decisionFor(question: string): OracleDecision | undefined {
    return this.decisions.get(questionKey(question));
  }

  /** Forgets every decision (after a warm-up question). */
  clearDecisions(): void {
    this.decisions.clear();
  }

  async *generate(request: GenerationRequest): AsyncIterable<GenerationEvent> {
    const decision = this.decide(request.question, request.passages);
    this.decisions.set(questionKey(request.question), decision);
    const pieces = decision.answered ? decision.text.split(/(?<=\s)/) : [decision.text];
    for (const text of pieces) {
      if (request.signal?.aborted) throw new Error('generation aborted');
      yield { type: 'delta', text };
    }
    yield { type: 'done', text: decision.text, model: ORACLE_MODEL, finishReason: 'STOP' };
  }

  /** The answer a faithful model gives to `question` over these passages. */
  decide(question: string, passages: readonly Passage[]): OracleDecision {
    const abstain: OracleDecision = { answered: false, text: ABSTENTION_SENTENCE, cited: [] };
    const reference = this.references.get(questionKey(question));
    if (!reference || reference.facts.length === 0) return abstain;

    const read: ReadPassage[] = passages.map((p) => {
      const text = `${p.title}\n${p.text}`;
      return { n: p.n, tokens: factTokens(text), terms: new Set(analyzeText(text)) };
    });
    const facts = reference.facts.map((fact) => ({ fact, tokens: factTokens(fact) }));
    const holders = new Map(facts.map(({ fact, tokens }) => [fact, read.filter((p) => containsRun(p.tokens, tokens))]));
    if (![...holders.values()].some((held) => held.length > 0)) return abstain;

    const sentences: string[] = [];
    const cited = new Set<number>();
    let statesFact = false;
    for (const sentence of referenceSentences(reference.answer)) {
      const sentenceTokens = factTokens(sentence);
      const stated = facts.filter(({ tokens }) => containsRun(sentenceTokens, tokens)).map(({ fact }) => fact);
      const seen = stated.filter((fact) => holders.get(fact)!.length > 0);
      // A faithful model states only what it can see: a sentence stating any fact that no passage holds is left
      // out whole ("Bun: 3000; Deno: 8000; Workers: 8787" when only 8787 was retrieved), as it cannot be cited.
      if (seen.length < stated.length) continue;
      if (seen.length > 0) statesFact = true;
      const terms = new Set(analyzeText(sentence));
      const closest = seen.length > 0 ? undefined : closestPassage(read, terms);
      const sources = seen.length > 0 ? coveringPassages(seen, holders, terms) : closest ? [closest] : [];
      if (sources.length === 0) continue;
      const numbers = sources.map((p) => p.n).sort((a, b) => a - b);
      for (const n of numbers) cited.add(n);
      sentences.push(withMarkers(sentence, numbers));
    }
    // Sentences that state none of the facts ("No.") do not answer the question on their own.
    if (!statesFact) return abstain;
    return { answered: true, text: sentences.join(' '), cited: [...cited].sort((a, b) => a - b) };
  }
}

/** The reference answer's sentences, trimmed. */
function referenceSentences(answer: string): string[] {
  return splitSentences(answer)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function overlap(terms: ReadonlySet<string>, passage: ReadPassage): number {
  let shared = 0;
  for (const term of terms) if (passage.terms.has(term)) shared++;
  return shared;
}

/**
 * The fewest passages that together hold every fact in `facts` (greedily: the passage holding most of the facts
 * still uncovered, then the one sharing most words with the sentence, then the higher-ranked one).
 */
function coveringPassages(facts: readonly string[], holders: ReadonlyMap<string, ReadPassage[]>, terms: ReadonlySet<string>): ReadPassage[] {
  const chosen: ReadPassage[] = [];
  let uncovered = [...facts];
  while (uncovered.length > 0) {
    const candidates = [...new Set(uncovered.flatMap((fact) => holders.get(fact) ?? []))];
    const held = (p: ReadPassage) => uncovered.filter((fact) => holders.get(fact)!.includes(p)).length;
    const best = candidates.sort((a, b) => held(b) - held(a) || overlap(terms, b) - overlap(terms, a) || a.n - b.n)[0];
    if (!best) break;
    chosen.push(best);
    uncovered = uncovered.filter((fact) => !holders.get(fact)!.includes(best));
  }
  return chosen;
}

/** The passage sharing most content words with a sentence (the higher-ranked one on a tie). */
function closestPassage(passages: readonly ReadPassage[], terms: ReadonlySet<string>): ReadPassage | undefined {
  let best: ReadPassage | undefined;
  let bestOverlap = -1;
  for (const passage of passages) {
    const shared = overlap(terms, passage);
    if (shared > bestOverlap || (shared === bestOverlap && best !== undefined && passage.n < best.n)) {
      best = passage;
      bestOverlap = shared;
    }
  }
  return best;
}

/** "Text." with markers before its closing punctuation, as the prompt asks models to write: "Text [1][2]." */
function withMarkers(sentence: string, numbers: readonly number[]): string {
  const markers = numbers.map((n) => `[${n}]`).join('');
  const end = /^(.*?)([.!?]+["'”’)]*)$/s.exec(sentence);
  return end ? `${end[1]} ${markers}${end[2]}` : `${sentence} ${markers}`;
}
