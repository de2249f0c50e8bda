import { analyzeText } from '../retrieve/analyze-text.ts';
import type { FieldName } from '../retrieve/bm25.ts';
import type { RetrievedChunk, SearchQuery } from '../types.ts';

// What the feature reranker knows about a (question, passage) pair. Every feature lies in [0, 1] and is
// comparable across questions (lexical scores are divided by what the question could score at best), so one
// set of weights fits short and long questions, small and large knowledge bases.

export const FEATURE_NAMES = [
  /** The retriever's BM25F score (with its document blend), over the best in this candidate list. */
  'lexical',
  /** Dense cosine, min-max scaled over the candidates the dense side returned (0 for the others). */
  'dense',
  /** Dense cosine as it is (clamped to [0, 1]); candidates the dense side did not return get its lowest. */
  'cosine',
  /** BM25 of the passage text alone, over the sum of the question terms' IDF. */
  'textBm25',
  /** BM25 of the title alone, likewise: a title naming the question's subject is strong evidence. */
  'titleBm25',
  /** BM25 of the heading path alone, likewise. */
  'headingBm25',
  /** IDF-weighted share of the question's terms found anywhere in the passage. */
  'coverage',
  /** IDF-weighted share of the question's terms inside the best short window of the passage (one statement). */
  'window',
  /** IDF-weighted share of adjacent question-term pairs found within a few words of each other. */
  'proximity',
  /** Longest run of consecutive question terms found as a phrase, relative to the question's length. */
  'phrase',
  /** Passage length on a log scale: very short passages rarely answer anything. */
  'length',
  /** How recently the document changed (0 when unknown): between equals, prefer the current page. */
  'recency',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Collection statistics the features need (the lexical index provides them). */
export interface TermStatistics {
  /** IDF of an analysed term; 0 when no passage has it. */
  idf(term: string): number;
  /** Mean length of a field in analysed terms. */
  averageLength(field: FieldName): number;
}

const K1 = 1.2;
const B = 0.75;
const PROXIMITY_WINDOW = 4;
const STATEMENT_WINDOW = 8;
const LENGTH_SCALE = Math.log1p(1000);
const RECENCY_HALF_LIFE_DAYS = 365;
const DAY_MS = 86_400_000;

interface AnalysedField {
  terms: string[];
  counts: Map<string, number>;
}

/** One feature row per candidate, in FEATURE_NAMES order. */
export function rankFeatures(query: SearchQuery, candidates: readonly RetrievedChunk[], stats: TermStatistics, now = Date.now()): number[][] {
  const sequence = analyzeText(query.text);
  const unique = [...new Set(sequence)];
  const idfs = new Map(unique.map((term) => [term, stats.idf(term)]));
  const idfTotal = unique.reduce((sum, term) => sum + idfs.get(term)!, 0);
  const pairs = adjacentPairs(sequence, idfs);
  const pairTotal = pairs.reduce((sum, pair) => sum + pair.weight, 0);

  const lexicalBest = Math.max(0, ...candidates.map((c) => c.signals.lexical ?? 0));
  const denseScores = candidates.flatMap((c) => (c.signals.dense === undefined ? [] : [c.signals.dense]));
  const denseMax = Math.max(...denseScores);
  const denseMin = Math.min(...denseScores);
  const titles = new Map<string, AnalysedField>();
  const averages = { title: stats.averageLength('title'), headings: stats.averageLength('headings'), text: stats.averageLength('text') };

  return candidates.map((candidate) => {
    const { title, headingPath, modifiedAtMs } = candidate.metadata;
    let titleField = titles.get(title);
    if (!titleField) titles.set(title, (titleField = analyse(title)));
    const headingField = analyse(headingPath ?? '');
    const textField = analyse(candidate.text);
    const bm25 = (field: AnalysedField, name: FieldName) => (idfTotal > 0 ? fieldBm25(field, unique, idfs, averages[name]) / idfTotal : 0);
    const covered = unique.filter((t) => textField.counts.has(t) || titleField.counts.has(t) || headingField.counts.has(t));
    const { dense, lexical } = candidate.signals;
    return [
      lexicalBest > 0 ? (lexical ?? 0) / lexicalBest : 0,
      dense === undefined ? 0 : denseMax > denseMin ? (dense - denseMin) / (denseMax - denseMin) : 1,
      denseScores.length === 0 ? 0 : clamp01(dense ?? denseMin),
      bm25(textField, 'text'),
      bm25(titleField, 'title'),
      bm25(headingField, 'headings'),
      idfTotal > 0 ? covered.reduce((sum, t) => sum + idfs.get(t)!, 0) / idfTotal : 0,
      idfTotal > 0 ? bestWindow(textField.terms, idfs, STATEMENT_WINDOW) / idfTotal : 0,
      pairTotal > 0 ? proximity(textField.terms, pairs) / pairTotal : 0,
      longestPhrase(sequence, textField.terms),
      Math.min(1, Math.log1p(textField.terms.length) / LENGTH_SCALE),
      recency(typeof modifiedAtMs === 'number' ? modifiedAtMs : 0, now),
    ];
  });
}

function analyse(text: string): AnalysedField {
  const terms = analyzeText(text);
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return { terms, counts };
}

function fieldBm25(field: AnalysedField, terms: readonly string[], idfs: ReadonlyMap<string, number>, averageLength: number): number {
  const norm = averageLength > 0 ? 1 - B + (B * field.terms.length) / averageLength : 1;
  let score = 0;
  for (const term of terms) {
    const tf = field.counts.get(term) ?? 0;
    if (tf > 0) score += (idfs.get(term)! * tf) / (tf + K1 * norm);
  }
  return score;
}

/** Largest IDF mass of distinct question terms inside any `size` consecutive passage terms. */
function bestWindow(text: readonly string[], idfs: ReadonlyMap<string, number>, size: number): number {
  const inWindow = new Map<string, number>();
  let mass = 0;
  let best = 0;
  for (let j = 0; j < text.length; j++) {
    const entering = text[j]!;
    const idf = idfs.get(entering);
    if (idf !== undefined) {
      const count = inWindow.get(entering) ?? 0;
      if (count === 0) mass += idf;
      inWindow.set(entering, count + 1);
    }
    if (j >= size) {
      const leaving = text[j - size]!;
      const count = inWindow.get(leaving);
      if (count !== undefined) {
        if (count === 1) mass -= idfs.get(leaving)!;
        inWindow.set(leaving, count - 1);
      }
    }
    if (mass > best) best = mass;
  }
  return best;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

interface Pair {
  a: string;
  b: string;
  weight: number;
}

/** Neighbouring terms of the question; a pair is only as informative as its commoner term. */
function adjacentPairs(sequence: readonly string[], idfs: ReadonlyMap<string, number>): Pair[] {
  const pairs: Pair[] = [];
  for (let i = 0; i + 1 < sequence.length; i++) {
    const a = sequence[i]!;
    const b = sequence[i + 1]!;
    if (a !== b) pairs.push({ a, b, weight: Math.min(idfs.get(a) ?? 0, idfs.get(b) ?? 0) });
  }
  return pairs;
}

/** Weight of the pairs whose terms occur within PROXIMITY_WINDOW positions of each other, in either order. */
function proximity(text: readonly string[], pairs: readonly Pair[]): number {
  const positions = new Map<string, number[]>();
  text.forEach((term, i) => {
    const list = positions.get(term);
    if (list) list.push(i);
    else positions.set(term, [i]);
  });
  let found = 0;
  for (const { a, b, weight } of pairs) {
    const first = positions.get(a);
    const second = positions.get(b);
    if (first && second && closest(first, second) <= PROXIMITY_WINDOW) found += weight;
  }
  return found;
}

/** Smallest distance between two ascending position lists. */
function closest(first: readonly number[], second: readonly number[]): number {
  let best = Infinity;
  for (let i = 0, j = 0; i < first.length && j < second.length; ) {
    best = Math.min(best, Math.abs(first[i]! - second[j]!));
    if (first[i]! < second[j]!) i++;
    else j++;
  }
  return best;
}

/** (longest run of consecutive question terms found consecutively in the text - 1) / (question terms - 1). */
function longestPhrase(query: readonly string[], text: readonly string[]): number {
  if (query.length < 2) return 0;
  let best = 0;
  let previous = new Uint16Array(text.length + 1);
  for (let i = 0; i < query.length; i++) {
    const current = new Uint16Array(text.length + 1);
    for (let j = 0; j < text.length; j++) {
      if (text[j] === query[i]) {
        current[j + 1] = previous[j]! + 1;
        if (current[j + 1]! > best) best = current[j + 1]!;
      }
    }
    previous = current;
  }
  return best < 2 ? 0 : (best - 1) / (query.length - 1);
}

function recency(modifiedAtMs: number, now: number): number {
  if (!(modifiedAtMs > 0)) return 0;
  const ageDays = Math.max(0, now - modifiedAtMs) / DAY_MS;
  return 0.5 ** (ageDays / RECENCY_HALF_LIFE_DAYS);
}
