// The offline answerer: no model, so it answers with the passages' own sentences, the ones that best match
// the question, each cited. It never writes a word of its own beyond the citation markers, so it cannot
// hallucinate; when nothing matches well enough it abstains.
import { ABSTENTION_SENTENCE } from '../cite/abstention.ts';
import { contentTerms } from '../cite/content-terms.ts';
import { unwrapLines } from '../cite/unwrap-lines.ts';
import { splitSentences } from '../chunk/split-sentences.ts';
import { TextMemo } from '../text-memo.ts';
import type { GenerationEvent, GenerationRequest, Generator, Passage } from '../types.ts';

export const EXTRACTIVE_ID = 'extractive';

/**
 * The least share of the question's term weight (idf-weighted) the best sentence must contain for an answer.
 * Below it the sentence merely shares a word or two with the question, and quoting it would mislead. On the
 * docs-qa development questions, 0.25 answers 45 of 56 from their relevant pages while abstaining on 54 of 56
 * when given unrelated pages; 0.34 abstained on half the answerable ones.
 */
export const MIN_QUESTION_COVERAGE = 0.25;

/** A further sentence is added if it scores at least this share of the best one… */
const FOLLOW_UP_RATIO = 0.6;
/** …or if it answers a part of the question the chosen sentences leave out (this share of its term weight)… */
const NEW_COVERAGE = 0.2;
/** …and still scores at least this share of the best one. */
const MIN_FOLLOW_UP_RATIO = 0.25;
/** Sentences sharing this share of their terms say the same thing; only the better one is kept. */
const DUPLICATE_OVERLAP = 0.7;
/** Each rank down the passage list costs this much score: ties go to the better-ranked passage. */
const RANK_DECAY = 0.08;
const BM25_K1 = 1.2;
const BM25_B = 0.5;

export interface ExtractiveGeneratorOptions {
  /** Default 3. */
  maxSentences?: number;
  /** Length budget for the whole answer, markers excluded; default 600. The best sentence is always kept. */
  maxChars?: number;
  /** Default `MIN_QUESTION_COVERAGE`. */
  minCoverage?: number;
}

interface Candidate {
  passage: Passage;
  rank: number;
  position: number;
  text: string;
  terms: string[];
  termSet: Set<string>;
  score: number;
  coverage: number;
}

const MARKDOWN_LEAD = /^(?:>\s*|[-*+•]\s+|\d+[.)]\s+|\[[ xX]\]\s+)+/;

/** A passage's sentences worth quoting: whitespace normalised, list markers off; no headings, code or tables. */
function quotableSentences(text: string): readonly string[] {
  return quotable.get(text);
}

// The same passages come back for every question that retrieves them; splitting them is the answerer's dearest step.
const quotable = new TextMemo((text: string): readonly string[] => {
  const sentences: string[] = [];
  const prose = unwrapLines(text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?(?:^\1[^\n]*$|(?![\s\S]))/gm, '\n'));
  for (const raw of splitSentences(prose)) {
    for (const line of raw.split(/\n+/)) {
      const trimmed = line.trim();
      if (/^(?:#{1,6}\s|```|~~~|\|)/.test(trimmed)) continue;
      const sentence = trimmed.replace(MARKDOWN_LEAD, '').replace(/\s+/g, ' ').trim();
      const wordCount = sentence.split(' ').length;
      // Too short to answer anything; too long to be a sentence (a flattened table or log line).
      if (wordCount < 4 || sentence.length > 500) continue;
      // "Run the following:" introduces something the answer would not include.
      if (sentence.endsWith(':')) continue;
      // A short line without a full stop is a title or a navigation link in converted HTML, not a statement.
      if (wordCount < 8 && !/[.!?…]["'”’)]*$/.test(sentence)) continue;
      sentences.push(sentence);
    }
  }
  return sentences;
});

/** Puts the marker before the closing punctuation, as a writer would: "…on Tuesdays [1]." */
function cited(sentence: string, n: number): string {
  const match = /^(.*?)([.!?…]+["'”’)]*)$/s.exec(sentence);
  return match ? `${match[1]} [${n}]${match[2]}` : `${sentence} [${n}]`;
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

/**
 * Names the question uses that no passage mentions: capitalised words that do not open a sentence (Microsoft,
 * Teams, Okta). Acronyms are left out: documents often spell them out ("single sign-on" for SSO).
 */
export function unmentionedNames(question: string, passages: readonly Passage[]): string[] {
  const names: string[] = [];
  let opensSentence = true;
  for (const match of question.matchAll(WORD)) {
    const word = match[0];
    const before = question.slice(0, match.index).trimEnd();
    opensSentence = before === '' || /[.!?:]$/.test(before);
    if (!opensSentence && /^\p{Lu}\p{Ll}/u.test(word)) names.push(word.replace(/['’]s$/, ''));
  }
  if (names.length === 0) return [];
  // A passage also "mentions" where it comes from: "According to the Notion pages, …" names the source, not a subject.
  const mentioned = new Set(passages.flatMap((p) => `${p.source} ${p.title} ${p.text}`.toLowerCase().match(WORD) ?? []));
  return names.filter((name) => !mentioned.has(name.toLowerCase()));
}

function overlap(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  return shared / Math.max(1, Math.min(a.size, b.size));
}

export class ExtractiveGenerator implements Generator {
  readonly id = EXTRACTIVE_ID;

  private readonly maxSentences: number;
  private readonly maxChars: number;
  private readonly minCoverage: number;

  constructor(options: ExtractiveGeneratorOptions = {}) {
    this.maxSentences = options.maxSentences ?? 3;
    this.maxChars = options.maxChars ?? 600;
    this.minCoverage = options.minCoverage ?? MIN_QUESTION_COVERAGE;
  }

  async *generate(request: GenerationRequest): AsyncGenerator<GenerationEvent> {
    if (request.signal?.aborted) throw request.signal.reason;
    const sentences = this.compose(request.question, request.passages);
    const pieces = sentences.length > 0 ? sentences : [ABSTENTION_SENTENCE];
    let text = '';
    for (const [i, piece] of pieces.entries()) {
      const delta = i === 0 ? piece : ` ${piece}`;
      text += delta;
      yield { type: 'delta', text: delta };
    }
    yield { type: 'done', text, model: EXTRACTIVE_ID, usage: { inputTokens: 0, outputTokens: 0 }, finishReason: 'STOP' };
  }

  /** The cited sentences of the answer, in reading order; empty when the passages do not answer the question. */
  compose(question: string, passages: readonly Passage[]): string[] {
    const queryTerms = [...new Set(contentTerms(question))];
    if (queryTerms.length === 0) return [];
    // "How do I connect Lore to Microsoft Teams?": passages that never name Microsoft Teams cannot answer it, however
    // well a sentence matches the rest ("every team that runs Lore…"). A model would notice; quoting must be told.
    if (unmentionedNames(question, passages).length > 0) return [];

    const candidates: Candidate[] = [];
    passages.forEach((passage, rank) => {
      quotableSentences(passage.text).forEach((text, position) => {
        const terms = contentTerms(text);
        if (terms.length > 0) candidates.push({ passage, rank, position, text, terms, termSet: new Set(terms), score: 0, coverage: 0 });
      });
    });
    if (candidates.length === 0) return [];

    // BM25 over the candidate sentences themselves: a term found in few sentences tells them apart.
    const documentFrequency = new Map<string, number>();
    for (const candidate of candidates) {
      for (const term of candidate.termSet) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    }
    const idf = (term: string): number => {
      const df = documentFrequency.get(term) ?? 0;
      // Never zero, unlike BM25's usual idf: with a handful of sentences a term in all of them still matters.
      return Math.log(1 + candidates.length / (df + 0.5));
    };
    const queryWeight = queryTerms.reduce((sum, term) => sum + idf(term), 0);
    const averageLength = candidates.reduce((sum, c) => sum + c.terms.length, 0) / candidates.length;

    for (const candidate of candidates) {
      let bm25 = 0;
      let covered = 0;
      for (const term of queryTerms) {
        const tf = candidate.terms.filter((t) => t === term).length;
        if (tf === 0) continue;
        const weight = idf(term);
        covered += weight;
        bm25 += (weight * tf * (BM25_K1 + 1)) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * candidate.terms.length) / averageLength));
      }
      candidate.coverage = queryWeight > 0 ? covered / queryWeight : 0;
      // Coverage counts twice: a sentence that touches every part of the question beats one that repeats a part.
      candidate.score = (bm25 * (0.5 + candidate.coverage)) / (1 + RANK_DECAY * candidate.rank);
    }

    const ranked = candidates.filter((c) => c.score > 0).sort((a, b) => b.score - a.score || a.rank - b.rank || a.position - b.position);
    const best = ranked[0];
    if (!best || best.coverage < this.minCoverage) return [];

    const chosen: Candidate[] = [best];
    const covered = new Set(queryTerms.filter((term) => best.termSet.has(term)));
    let length = best.text.length;
    for (const candidate of ranked.slice(1)) {
      if (chosen.length >= this.maxSentences) break;
      if (candidate.score < MIN_FOLLOW_UP_RATIO * best.score) break;
      if (length + candidate.text.length > this.maxChars) continue;
      if (chosen.some((c) => overlap(c.termSet, candidate.termSet) >= DUPLICATE_OVERLAP)) continue;
      const fresh = queryTerms.filter((term) => candidate.termSet.has(term) && !covered.has(term));
      const freshShare = fresh.reduce((sum, term) => sum + idf(term), 0) / queryWeight;
      if (candidate.score < FOLLOW_UP_RATIO * best.score && freshShare < NEW_COVERAGE) continue;
      chosen.push(candidate);
      for (const term of fresh) covered.add(term);
      length += candidate.text.length;
    }

    // Sentences of one passage stay in the passage's order; the passage holding the best sentence comes first.
    const groupScore = (candidate: Candidate): number => Math.max(...chosen.filter((c) => c.passage === candidate.passage).map((c) => c.score));
    chosen.sort((a, b) => groupScore(b) - groupScore(a) || a.rank - b.rank || a.position - b.position);
    return chosen.map((candidate) => cited(candidate.text, candidate.passage.n));
  }
}
