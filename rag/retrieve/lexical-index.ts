import type { ChunkStore } from '../store/chunk-store.ts';
import type { Chunk, ChunkMetadata, MetadataFilter } from '../types.ts';
import { analyzeText } from './analyze-text.ts';
import { FIELDS, idf, lengthNorm, termScore, type Bm25Params, type FieldName } from './bm25.ts';
import { matchesFilter } from './metadata-filter.ts';

// An in-memory BM25F index over the chunk store. FTS5's bm25() fixes k1 and b and has no stopwords (and PostgreSQL
// has no FTS5 at all), and those are the main quality levers, so the index is kept here, on every replica, and
// mirrored from the store: chunk rows are immutable, their rowids never reused and visible in ascending order
// (rag/store/chunk-store.ts), so "what changed" is always "rows above the highest rowid seen, and rowids that
// disappeared". Another process or replica (`lore ingest` while `lore start` serves, the replica holding a sync lock)
// may write at any time: `refresh()` catches up, and costs one indexed lookup of the store's chunk generation when
// nothing changed; `search` stays synchronous over the last refresh.

/**
 * Robertson's textbook defaults, deliberately not tuned on the development qrels: how much title and
 * headings matter is left to the reranker, whose weights are learned and cross-validated.
 */
export const DEFAULT_BM25_PARAMS: Bm25Params = uniformBm25(1.2, 0.75);

/** Lucene-style BM25 as the benchmarks' baseline measures it: k1 0.9, b 0.4, every field alike. */
export const LUCENE_BM25_PARAMS: Bm25Params = uniformBm25(0.9, 0.4);

/** Every field weighted alike, with one length normalisation. */
function uniformBm25(k1: number, b: number): Bm25Params {
  const field = Object.freeze({ weight: 1, b });
  return Object.freeze({ k1, fields: Object.freeze({ title: field, headings: field, text: field }), documentWeight: 0 });
}

export interface WeightedTerm {
  /** An analysed (stemmed) term, as `analyzeText` produces. */
  term: string;
  weight: number;
}

export interface LexicalIndexHit {
  id: string;
  docId: string;
  /** What hits are ranked by: the passage score plus `documentWeight` times its document's score. */
  score: number;
  passageScore: number;
  documentScore: number;
  metadata: ChunkMetadata;
}

interface Entry {
  rowid: number;
  id: string;
  docId: string;
  metadata: ChunkMetadata;
  terms: Record<FieldName, Uint32Array>;
}

/**
 * Postings of every term in three flat arrays (compressed-sparse-row): term `t` occupies positions
 * offsets[t] .. offsets[t+1] of `slots` (which units contain it, ascending) and of the per-field counts.
 */
interface Level {
  size: number;
  lengths: Record<FieldName, Float32Array>;
  averages: Record<FieldName, number>;
  offsets: Int32Array;
  slots: Int32Array;
  tf: Record<FieldName, Uint16Array>;
  /** Field-weighted, length-normalised frequencies under the current parameters. */
  weighted: Float32Array;
}

const PAGE = 2_000;

/**
 * Analysed query terms with weights: each occurrence in the question counts once (as Lucene's clauses do);
 * terms only the expansions bring count `expansionWeight`, so expansions can add recall without outvoting the question.
 */
export function weightedQueryTerms(text: string, expansions: readonly string[] = [], expansionWeight = 0.3): WeightedTerm[] {
  const weights = new Map<string, number>();
  for (const term of analyzeText(text)) weights.set(term, (weights.get(term) ?? 0) + 1);
  const extra = new Set(expansions.flatMap((expansion) => analyzeText(expansion)).filter((term) => !weights.has(term)));
  for (const term of extra) weights.set(term, expansionWeight);
  return [...weights].map(([term, weight]) => ({ term, weight }));
}

/** What the index reads of the chunk store. */
export type LexicalSource = Pick<ChunkStore, 'chunksGeneration' | 'chunkRowsAfter' | 'chunkCountUpTo' | 'chunkRowidsUpTo'>;

export class LexicalIndex {
  private params: Bm25Params;
  private readonly entries = new Map<number, Entry>();
  private readonly vocabulary = new Map<string, number>();
  private readonly titleTerms = new Map<string, Uint32Array>();
  private seenGeneration = '';
  private seenMaxRowid = 0;
  private built = false;
  /** The refresh in progress, which the next one waits for: two never interleave their reads. */
  private refreshing: Promise<void> = Promise.resolve();

  // Derived by `rebuild()` from `entries`.
  private slots: Entry[] = [];
  private docOfSlot = new Int32Array(0);
  private passages: Level = emptyLevel();
  private documents: Level = emptyLevel();

  constructor(
    private readonly store: LexicalSource,
    params: Bm25Params = DEFAULT_BM25_PARAMS,
  ) {
    this.params = params;
  }

  get parameters(): Bm25Params {
    return this.params;
  }

  /** Changes scoring parameters (used when tuning); no re-reading of the store is needed. */
  setParameters(params: Bm25Params): void {
    this.params = params;
    if (this.built) {
      this.reweight(this.passages);
      this.reweight(this.documents);
    }
  }

  /** Number of passages and documents indexed, as of the last refresh. */
  size(): { passages: number; documents: number } {
    return { passages: this.passages.size, documents: this.documents.size };
  }

  /** Passage-level IDF of an analysed term (0 for a term no passage contains), as of the last refresh. */
  idf(term: string): number {
    const id = this.vocabulary.get(term);
    const df = id === undefined ? 0 : documentFrequency(this.passages, id);
    return df > 0 ? idf(this.passages.size, df) : 0;
  }

  /** Mean length of a passage field, in analysed terms, as of the last refresh. */
  averageLength(field: FieldName): number {
    return this.passages.averages[field];
  }

  /** The best `k` passages for the terms, among those whose metadata passes `where`, as of the last refresh. */
  search(terms: readonly WeightedTerm[], k: number, where?: MetadataFilter): LexicalIndexHit[] {
    if (k <= 0 || terms.length === 0 || this.passages.size === 0) return [];
    const { k1, documentWeight } = this.params;
    const resolved = this.resolve(terms);
    const passages = accumulate(this.passages, resolved, k1);
    const documents = documentWeight > 0 ? accumulate(this.documents, resolved, k1) : undefined;

    const ranked: { slot: number; score: number; passage: number; document: number }[] = [];
    for (const slot of passages.touched) {
      const passage = passages.scores[slot]!;
      const document = documents ? documents.scores[this.docOfSlot[slot]!]! : 0;
      ranked.push({ slot, score: passage + documentWeight * document, passage, document });
    }
    // Ties are broken by rowid so results never depend on Map iteration order.
    ranked.sort((a, b) => b.score - a.score || a.slot - b.slot);

    const hits: LexicalIndexHit[] = [];
    for (const candidate of ranked) {
      const entry = this.slots[candidate.slot]!;
      if (where && !matchesFilter(entry.metadata, where)) continue;
      hits.push({
        id: entry.id,
        docId: entry.docId,
        score: candidate.score,
        passageScore: candidate.passage,
        documentScore: candidate.document,
        metadata: entry.metadata,
      });
      if (hits.length >= k) break;
    }
    return hits;
  }

  /**
   * Catches up with the chunk store: new rows are analysed, vanished ones dropped. Costs one indexed lookup when
   * nothing changed. Every change committed before the call is in the index when it resolves.
   */
  refresh(): Promise<void> {
    const next = this.refreshing.then(() => this.catchUp());
    this.refreshing = next.catch(() => undefined);
    return next;
  }

  private async catchUp(): Promise<void> {
    // Read first: whatever commits after this is read below or changes the generation again, for the next refresh.
    const generation = await this.store.chunksGeneration();
    if (this.built && generation === this.seenGeneration) return;
    // Each read is its own snapshot (PostgreSQL reads at READ COMMITTED, and a SQLite transaction here would take the
    // write lock), which is enough because rows become visible in rowid order: once a row is seen, every lower
    // rowid that will ever exist is visible too, so reading on from the highest rowid seen misses nothing.
    for (;;) {
      const rows = await this.store.chunkRowsAfter(this.seenMaxRowid, PAGE);
      for (const { rowid, chunk } of rows) this.add(rowid, chunk);
      if (rows.length > 0) this.seenMaxRowid = rows[rows.length - 1]!.rowid;
      if (rows.length < PAGE) break;
    }
    // Every live row up to the highest seen is in `entries` (by the same ordering), so equal counts mean no deletions.
    if ((await this.store.chunkCountUpTo(this.seenMaxRowid)) !== this.entries.size) {
      const alive = new Set(await this.store.chunkRowidsUpTo(this.seenMaxRowid));
      for (const rowid of this.entries.keys()) if (!alive.has(rowid)) this.entries.delete(rowid);
    }
    this.seenGeneration = generation;
    this.rebuild();
  }

  private add(rowid: number, chunk: Chunk): void {
    const { title, headingPath } = chunk.metadata;
    let titleIds = this.titleTerms.get(title);
    if (!titleIds) {
      titleIds = this.termIds(analyzeText(title));
      this.titleTerms.set(title, titleIds);
    }
    this.entries.set(rowid, {
      rowid,
      id: chunk.id,
      docId: chunk.docId,
      metadata: chunk.metadata,
      terms: { title: titleIds, headings: this.termIds(analyzeText(headingPath ?? '')), text: this.termIds(analyzeText(chunk.text)) },
    });
  }

  private termIds(terms: string[]): Uint32Array {
    const ids = new Uint32Array(terms.length);
    terms.forEach((term, i) => {
      let id = this.vocabulary.get(term);
      if (id === undefined) {
        id = this.vocabulary.size;
        this.vocabulary.set(term, id);
      }
      ids[i] = id;
    });
    return ids;
  }

  private resolve(terms: readonly WeightedTerm[]): { id: number; weight: number }[] {
    return terms.flatMap(({ term, weight }) => {
      const id = this.vocabulary.get(term);
      return id === undefined || weight <= 0 ? [] : [{ id, weight }];
    });
  }

  /** Re-derives postings and length statistics for passages and whole documents from the entries. */
  private rebuild(): void {
    this.slots = [...this.entries.values()].sort((a, b) => a.rowid - b.rowid);
    const titles = new Set(this.slots.map((entry) => entry.metadata.title));
    for (const title of this.titleTerms.keys()) if (!titles.has(title)) this.titleTerms.delete(title);
    const docSlots = new Map<string, number>();
    const docMembers: Entry[][] = [];
    this.docOfSlot = new Int32Array(this.slots.length);
    this.slots.forEach((entry, slot) => {
      let docSlot = docSlots.get(entry.docId);
      if (docSlot === undefined) {
        docSlot = docMembers.length;
        docSlots.set(entry.docId, docSlot);
        docMembers.push([]);
      }
      docMembers[docSlot]!.push(entry);
      this.docOfSlot[slot] = docSlot;
    });
    this.passages = buildLevel(
      this.slots.map((entry) => entry.terms),
      this.vocabulary.size,
    );
    // A document is its chunks together; the title is shared by every chunk, so it is counted once.
    this.documents = buildLevel(
      docMembers.map((members) => ({
        title: members[0]!.terms.title,
        headings: concat([...new Map(members.map((m) => [m.metadata.headingPath, m.terms.headings])).values()]),
        text: concat(members.map((m) => m.terms.text)),
      })),
      this.vocabulary.size,
    );
    this.reweight(this.passages);
    this.reweight(this.documents);
    this.built = true;
  }

  private reweight(level: Level): void {
    const { slots, tf, weighted } = level;
    for (const field of FIELDS) {
      const { weight, b } = this.params.fields[field];
      const counts = tf[field];
      const lengths = level.lengths[field];
      const average = level.averages[field];
      for (let i = 0; i < slots.length; i++) {
        if (field === FIELDS[0]) weighted[i] = 0;
        const count = counts[i]!;
        if (count > 0) weighted[i] = weighted[i]! + (weight * count) / lengthNorm(lengths[slots[i]!]!, average, b);
      }
    }
  }
}

function emptyLevel(): Level {
  return buildLevel([], 0);
}

function buildLevel(units: readonly Record<FieldName, Uint32Array>[], vocabularySize: number): Level {
  const size = units.length;
  const lengths = { title: new Float32Array(size), headings: new Float32Array(size), text: new Float32Array(size) };
  const averages = { title: 0, headings: 0, text: 0 };
  // Two passes over the units with a "last seen in" stamp per term: count postings, then fill them.
  const stamp = new Int32Array(vocabularySize).fill(-1);
  const offsets = new Int32Array(vocabularySize + 1);
  units.forEach((unit, slot) => {
    for (const field of FIELDS) {
      const terms = unit[field];
      lengths[field][slot] = terms.length;
      averages[field] += terms.length;
      for (const id of terms) {
        if (stamp[id] !== slot) {
          stamp[id] = slot;
          offsets[id + 1]! += 1;
        }
      }
    }
  });
  for (let id = 0; id < vocabularySize; id++) offsets[id + 1]! += offsets[id]!;
  const total = offsets[vocabularySize]!;
  const slots = new Int32Array(total);
  const tf = { title: new Uint16Array(total), headings: new Uint16Array(total), text: new Uint16Array(total) };
  const next = offsets.slice(0, vocabularySize);
  const position = new Int32Array(vocabularySize);
  stamp.fill(-1);
  units.forEach((unit, slot) => {
    for (const field of FIELDS) {
      const counts = tf[field];
      for (const id of unit[field]) {
        if (stamp[id] !== slot) {
          stamp[id] = slot;
          position[id] = next[id]!++;
          slots[position[id]!] = slot;
        }
        const at = position[id]!;
        if (counts[at]! < 65_535) counts[at]! += 1;
      }
    }
  });
  for (const field of FIELDS) averages[field] = size > 0 ? averages[field] / size : 0;
  return { size, lengths, averages, offsets, slots, tf, weighted: new Float32Array(total) };
}

function documentFrequency(level: Level, id: number): number {
  return id + 1 < level.offsets.length ? level.offsets[id + 1]! - level.offsets[id]! : 0;
}

/** Sum of saturated term scores per unit, and which units contain at least one of the terms. */
function accumulate(level: Level, terms: { id: number; weight: number }[], k1: number): { scores: Float64Array; touched: number[] } {
  const scores = new Float64Array(level.size);
  const touched: number[] = [];
  for (const { id, weight } of terms) {
    const df = documentFrequency(level, id);
    if (df === 0) continue;
    const termIdf = idf(level.size, df) * weight;
    for (let i = level.offsets[id]!, end = level.offsets[id + 1]!; i < end; i++) {
      const slot = level.slots[i]!;
      if (scores[slot] === 0) touched.push(slot);
      scores[slot] = scores[slot]! + termScore(termIdf, level.weighted[i]!, k1);
    }
  }
  return { scores, touched };
}

function concat(parts: Uint32Array[]): Uint32Array {
  const out = new Uint32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
