// The contracts at the core's boundaries. Connectors produce SourceDocuments; the core chunks,
// enriches, embeds and stores them. Providers (embedders, stores) are one file each behind these interfaces.
import type { Deadline } from './deadline.ts';

export type { SourceKind } from './contracts/sources.ts';
import type { SourceKind } from './contracts/sources.ts';

/** How the text of a document is written, which decides how it is chunked. */
export type DocumentFormat = 'markdown' | 'text' | 'code';

/** One document as a connector sees it, already converted to text. */
export interface SourceDocument {
  /** Stable across syncs: the same upstream document always has the same id (e.g. `files:docs/guide.md`). */
  id: string;
  source: SourceKind;
  title: string;
  /** Where a citation links to (https://… for remote sources, file://… for local files). */
  url: string;
  /** Path inside the source (relative file path, repository path…), when there is one. */
  path?: string;
  /** Markdown keeps heading structure (Markdown, HTML and DOCX are converted to it); code is chunked by declarations. */
  format: DocumentFormat;
  /** The original file type, e.g. `pdf`, `docx`, `md`, `ts`. */
  extension: string;
  /** Programming language of a code document (`typescript`, `python`, …). */
  language?: string;
  text: string;
  sizeBytes: number;
  /** ISO-8601. */
  modifiedAt?: string;
  /** Extra source-specific metadata, copied onto every chunk (scalars only: Chroma stores scalars). */
  metadata?: Record<string, string | number | boolean>;
}

/** A piece of a document as the chunker cuts it, before ids and metadata. */
export interface DraftChunk {
  text: string;
  /** Headings above this chunk, outermost first (Markdown headings, code container names, numbered sections). */
  headingPath: string[];
}

export interface ChunkMetadata {
  source: SourceKind;
  docId: string;
  title: string;
  url: string;
  path: string;
  extension: string;
  headingPath: string;
  ordinal: number;
  sizeBytes: number;
  modifiedAt: string;
  /** `modifiedAt` as epoch milliseconds (0 when unknown): Chroma's range operators compare numbers only. */
  modifiedAtMs: number;
  indexedAt: string;
  wordCount: number;
  charCount: number;
  hasCode: boolean;
  language: string;
  /** Flesch reading ease (higher is easier); 0 for code. */
  readability: number;
  /** Comma-separated lists: Chroma metadata values must be scalars. */
  dates: string;
  urls: string;
  emails: string;
  people: string;
  organizations: string;
  topics: string;
  summary: string;
  [extra: string]: string | number | boolean;
}

export interface Chunk {
  /** `<doc hash>-<ordinal>-<content hash>`: stable, so unchanged content is never re-embedded or duplicated. */
  id: string;
  docId: string;
  ordinal: number;
  text: string;
  contentHash: string;
  metadata: ChunkMetadata;
}

export type EmbeddingPurpose = 'document' | 'query';

export interface Embedder {
  /** Names the model and dimension; a collection built by another id is rebuilt, never mixed. */
  readonly id: string;
  readonly dimension: number;
  embed(texts: string[], purpose: EmbeddingPurpose): Promise<number[][]>;
  close(): Promise<void>;
}

export type MetadataValue = string | number | boolean;

/** A Chroma-style `where` filter; the lexical index understands the same subset. */
export type MetadataFilter =
  | { [field: string]: MetadataValue | { $eq?: MetadataValue; $ne?: MetadataValue; $in?: MetadataValue[]; $gte?: number; $lte?: number } }
  | { $and: MetadataFilter[] }
  | { $or: MetadataFilter[] };

export interface VectorRecord {
  id: string;
  vector: number[];
  text: string;
  metadata: Record<string, MetadataValue>;
}

export interface VectorHit {
  id: string;
  /** Cosine similarity in [-1, 1]. */
  score: number;
  text: string;
  metadata: Record<string, MetadataValue>;
}

export interface VectorStore {
  /** Which embedder built the collection (`undefined` when empty/new). */
  builtBy(): Promise<string | undefined>;
  /** Drops every vector and records the new embedder. */
  reset(embedderId: string, dimension: number): Promise<void>;
  upsert(records: VectorRecord[]): Promise<void>;
  delete(ids: string[]): Promise<void>;
  query(vector: number[], k: number, where?: MetadataFilter): Promise<VectorHit[]>;
  count(): Promise<number>;
}

// ---- The query side ----

export interface ThreadMessage {
  role: 'user' | 'assistant';
  text: string;
}

/** Filters a question can carry: from the asker (flags, API), from the question's own words, or from scope. */
export interface QuestionFilters {
  sources?: SourceKind[];
  /** ISO dates: only documents modified in this range. */
  modifiedAfter?: string;
  modifiedBefore?: string;
  /** `owner/repo` for GitHub content. */
  repository?: string;
}

/** A platform-neutral question: chat adapters, the HTTP API and the CLI all build one of these. */
export interface Question {
  text: string;
  /** Earlier messages of the thread, oldest first: follow-ups are rewritten against them. */
  history?: ThreadMessage[];
  filters?: QuestionFilters;
  /** Sources the asking channel may see; undefined means all. A chunk outside them never reaches the context. */
  allowedSources?: SourceKind[];
  /** How many passages to retrieve for the context (default 8). */
  k?: number;
  /**
   * Uploads the asker may see: only `upload` chunks whose `uploadScope` metadata equals this (e.g. `slack:C123`,
   * the channel a file was shared in). Chat adapters always set it; undefined (CLI, operator tools) means no
   * upload restriction.
   */
  uploadScope?: string;
  asker?: { platform: string; userId?: string; channelId?: string };
}

export type Intent = 'chitchat' | 'question';

/** What retrieval searches for, after rewriting, expansion and filter extraction. */
export interface SearchQuery {
  /** The standalone question. */
  text: string;
  /** Extra phrasings/terms that may raise recall (synonyms, rewrites); weighted below the query itself. */
  expansions: string[];
  /** Applied by both the dense and the lexical side. */
  where?: MetadataFilter;
}

export interface RetrievedChunk {
  id: string;
  docId: string;
  text: string;
  metadata: ChunkMetadata;
  /** Each signal that found it (undefined when that side did not return it). */
  signals: { lexical?: number; dense?: number; fused?: number; rerank?: number };
  /** The score the current stage ranks by (higher is better). */
  score: number;
}

export interface Retriever {
  retrieve(query: SearchQuery, k: number): Promise<RetrievedChunk[]>;
}

/** Per-call hooks: a reranker that calls a model reports what that call cost, so it lands in the answer's cost. */
export interface RerankContext {
  onUsage?: (model: string, usage: TokenUsage) => void;
}

export interface Reranker {
  readonly id: string;
  rerank(query: SearchQuery, candidates: RetrievedChunk[], context?: RerankContext): Promise<RetrievedChunk[]>;
}

/** One numbered passage of the context given to the generator; `n` is the citation number. */
export interface Passage {
  n: number;
  docId: string;
  chunkIds: string[];
  title: string;
  url: string;
  source: SourceKind;
  text: string;
  score: number;
  /** Headings above the passage's first line, outermost first: what its text is about when it does not say. */
  headings?: string[];
}

/**
 * What the whole knowledge base says about a word, not just the passages at hand: how rare it is (inverse document
 * frequency, 0 for a word no document uses). Built on the lexical index.
 */
export interface Vocabulary {
  /** Undefined for a word the knowledge base does not index at all (a stopword such as "between"). */
  idf(word: string): number | undefined;
}

export interface TokenUsage {
  /** Prompt tokens, tool-use prompt tokens included; cached ones too (they are a part of the prompt). */
  inputTokens: number;
  /** Answer tokens, thinking included (billed as output). */
  outputTokens: number;
  /** The part of `inputTokens` served from Gemini's context cache, billed at the cached price. */
  cachedInputTokens?: number;
}

export interface GenerationRequest {
  question: string;
  passages: Passage[];
  history?: ThreadMessage[];
  signal?: AbortSignal;
  /** When the first text must have arrived; a generator that cannot make it fails early (the fallback answers). */
  deadline?: Deadline;
}

export type GenerationEvent =
  | { type: 'delta'; text: string }
  | { type: 'done'; text: string; model: string; usage?: TokenUsage; finishReason?: string };

export interface Generator {
  /** `extractive` or a model name. */
  readonly id: string;
  /** Streams text deltas, then one `done` event with the full text. Throws when generation fails. */
  generate(request: GenerationRequest): AsyncIterable<GenerationEvent>;
}

export interface Citation {
  n: number;
  title: string;
  url: string;
  source: SourceKind;
  docId: string;
  chunkId: string;
}

export type AnswerMode = 'generative' | 'extractive' | 'chitchat' | 'abstained';

export interface Answer {
  id: string;
  question: string;
  answer: string;
  citations: Citation[];
  contexts: { chunkId: string; docId: string; score: number; text: string }[];
  mode: AnswerMode;
  abstained: boolean;
  /** 0–1: how well the context supports the answer. */
  confidence: number;
  latencyMs: number;
  costUsd: number;
  usage: TokenUsage;
  /** Milliseconds per stage. */
  timings: { rewrite: number; retrieve: number; rerank: number; generate: number };
  /** Visible notes for the reader, e.g. that Gemini failed and the answer is extractive. */
  notes: string[];
  /** The model that wrote the answer (`extractive` for the offline answerer); absent when nothing was generated. */
  model?: string;
  /** Served from the answer cache (the same question, scope and index were answered before). */
  cached?: boolean;
}
