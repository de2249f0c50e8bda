// Turns ranked chunks into the numbered passages the generator sees and cites: near-duplicates dropped (the
// higher-scored copy stays), neighbouring chunks of a document joined in document order, and the whole kept
// within a token budget. Passage numbers follow rank, so [1] is always the best evidence.
import { countTokens } from '../chunk/count-tokens.ts';
import type { Passage, RetrievedChunk } from '../types.ts';
import { splitHeadingPath } from '../enrich/enrich-chunk.ts';
import { joinAdjacent } from './join-adjacent.ts';
import { dropNearDuplicates } from './near-duplicates.ts';
import { trimToTokens } from './trim-to-tokens.ts';

export interface AssembleOptions {
  /**
   * Budget for the whole context: every passage's text plus an allowance for the header the generator puts in
   * front of it (`[n] title`), as counted by `contextTokens`.
   */
  maxTokens: number;
  /** At most this many passages (after joining neighbours). */
  maxPassages?: number;
  /** Jaccard similarity of word shingles at which two chunks count as the same; default 0.8. */
  duplicateThreshold?: number;
  /**
   * Chunks that continue a section another chunk was found in (rag/context/section-neighbours.ts), best first: each
   * joins the passage it continues while `sectionTokens` lasts, a budget of their own, so they never take the place
   * of a passage that was found.
   */
  sectionNeighbours?: readonly RetrievedChunk[];
  sectionTokens?: number;
}

interface Candidate {
  chunk: RetrievedChunk;
  /** Position in rank order (0 is best). */
  rank: number;
  tokens: number;
  /** Cut down to fit the budget: its neighbours' text no longer follows on from it. */
  trimmed: boolean;
}

/** Tokens a passage takes in the prompt: its text and its header. */
export function passageTokens(passage: Pick<Passage, 'text' | 'title'>): number {
  return countTokens(passage.text) + headerTokens(passage.title);
}

/** Tokens the passages take in the prompt, as the budget of `assembleContext` counts them. */
export function contextTokens(passages: readonly Pick<Passage, 'text' | 'title'>[]): number {
  return passages.reduce((sum, passage) => sum + passageTokens(passage), 0);
}

function headerTokens(title: string): number {
  return countTokens(`[00] ${title}\n\n`);
}

/** Numbered passages from chunks, best first; see the file comment for what is dropped, joined and cut. */
export function assembleContext(chunks: readonly RetrievedChunk[], options: AssembleOptions): Passage[] {
  const { maxTokens, maxPassages = Number.POSITIVE_INFINITY, duplicateThreshold = 0.8 } = options;
  if (!Number.isFinite(maxTokens) || maxTokens < 1) throw new RangeError(`assembleContext: maxTokens must be at least 1, got ${maxTokens}`);
  if (!(maxPassages >= 1)) throw new RangeError(`assembleContext: maxPassages must be at least 1, got ${maxPassages}`);

  const ranked = dropNearDuplicates(rankOrder(chunks), duplicateThreshold);
  const candidates: Candidate[] = ranked.map((chunk, rank) => ({ chunk, rank, tokens: countTokens(chunk.text), trimmed: false }));
  // The best chunk is never dropped for being too big: alone over budget, it is cut down to fit.
  const best = candidates[0];
  if (best !== undefined && best.tokens + headerTokens(best.chunk.metadata.title) > maxTokens) {
    const text = trimToTokens(best.chunk.text, maxTokens - headerTokens(best.chunk.metadata.title));
    if (text.trim() === '') candidates.shift();
    else candidates[0] = { ...best, chunk: { ...best.chunk, text }, tokens: countTokens(text), trimmed: true };
  }
  const selected = select(candidates, maxTokens, maxPassages);
  const continued = continuations(selected, options.sectionNeighbours ?? [], options.sectionTokens ?? 0);
  const budget = maxTokens + continued.reduce((sum, candidate) => sum + candidate.tokens + 1, 0);
  let passages = toPassages([...selected, ...continued]);
  // Joining can add a separator token here and there; shed the lowest-ranked passages until it truly fits.
  while (passages.length > 1 && contextTokens(passages) > budget) passages = passages.slice(0, -1);
  const only = passages[0];
  if (passages.length === 1 && only !== undefined && contextTokens(passages) > budget) {
    const trimmed = trimmedToFit(only, budget);
    passages = trimmed ? [trimmed] : [];
  }
  return passages.map((passage, i) => ({ ...passage, n: i + 1 }));
}

/** Best score first; each chunk once (a chunk found by several retrievers may arrive twice). */
function rankOrder(chunks: readonly RetrievedChunk[]): RetrievedChunk[] {
  const best = new Map<string, RetrievedChunk>();
  for (const chunk of chunks) {
    const seen = best.get(chunk.id);
    if (seen === undefined || chunk.score > seen.score) best.set(chunk.id, chunk);
  }
  // Stable sort: equal scores keep the order they were ranked in.
  return [...best.values()].sort((a, b) => b.score - a.score);
}

/** Greedy by rank: take each chunk that still fits; a chunk too big for what is left does not stop smaller ones. */
function select(candidates: readonly Candidate[], maxTokens: number, maxPassages: number): Candidate[] {
  const selected: Candidate[] = [];
  let used = 0;
  for (const candidate of candidates) {
    const joinsPassage = selected.some((other) => isNeighbour(other, candidate));
    // A chunk that joins a neighbour adds a separator instead of a header.
    const cost = candidate.tokens + (joinsPassage ? 1 : headerTokens(candidate.chunk.metadata.title));
    if (used + cost > maxTokens) continue;
    if (!joinsPassage && runs(selected).length >= maxPassages) continue;
    selected.push(candidate);
    used += cost;
  }
  return selected;
}

/** The section neighbours that join a selected chunk of their own section, in order, while `allowance` lasts. */
function continuations(selected: readonly Candidate[], neighbours: readonly RetrievedChunk[], allowance: number): Candidate[] {
  const taken = new Set(selected.map((candidate) => candidate.chunk.id));
  const joined: Candidate[] = [];
  let left = allowance;
  for (const chunk of neighbours) {
    if (taken.has(chunk.id)) continue;
    const tokens = countTokens(chunk.text);
    const candidate: Candidate = { chunk, rank: Number.POSITIVE_INFINITY, tokens, trimmed: false };
    const continues = [...selected, ...joined].find(
      (other) => isNeighbour(other, candidate) && other.chunk.metadata.headingPath === chunk.metadata.headingPath,
    );
    if (!continues || tokens + 1 > left) continue;
    joined.push({ ...candidate, rank: continues.rank });
    taken.add(chunk.id);
    left -= tokens + 1;
  }
  return joined;
}

function isNeighbour(a: Candidate, b: Candidate): boolean {
  if (a.trimmed || b.trimmed) return false;
  return a.chunk.docId === b.chunk.docId && Math.abs(a.chunk.metadata.ordinal - b.chunk.metadata.ordinal) === 1;
}

/** Selected chunks grouped into runs of consecutive ordinals of one document, each in document order. */
function runs(selected: readonly Candidate[]): Candidate[][] {
  const byDoc = new Map<string, Candidate[]>();
  for (const candidate of selected) byDoc.set(candidate.chunk.docId, [...(byDoc.get(candidate.chunk.docId) ?? []), candidate]);
  const result: Candidate[][] = [];
  for (const group of byDoc.values()) {
    const ordered = [...group].sort((a, b) => a.chunk.metadata.ordinal - b.chunk.metadata.ordinal);
    let run: Candidate[] = [];
    for (const candidate of ordered) {
      const last = run.at(-1);
      if (last !== undefined && !isNeighbour(last, candidate)) {
        result.push(run);
        run = [];
      }
      run.push(candidate);
    }
    if (run.length > 0) result.push(run);
  }
  return result;
}

/** Passages in rank order of their best chunk, numbered later. */
function toPassages(selected: readonly Candidate[]): Passage[] {
  return runs(selected)
    .map((run) => ({ run, rank: Math.min(...run.map((candidate) => candidate.rank)) }))
    .sort((a, b) => a.rank - b.rank)
    .map(({ run }) => toPassage(run));
}

function toPassage(run: readonly Candidate[]): Passage {
  const first = run[0] as Candidate;
  const { metadata } = first.chunk;
  return {
    n: 0,
    docId: first.chunk.docId,
    chunkIds: run.map((candidate) => candidate.chunk.id),
    title: metadata.title,
    url: metadata.url,
    source: metadata.source,
    text: run.slice(1).reduce((text, candidate) => joinAdjacent(text, candidate.chunk.text), first.chunk.text),
    score: Math.max(...run.map((candidate) => candidate.chunk.score)),
    headings: splitHeadingPath(metadata.headingPath),
  };
}

/** The passage cut at a sentence boundary to fit the budget with its header, or undefined if nothing fits. */
function trimmedToFit(passage: Passage, maxTokens: number): Passage | undefined {
  const text = trimToTokens(passage.text, maxTokens - headerTokens(passage.title));
  return text.trim() === '' ? undefined : { ...passage, text };
}
