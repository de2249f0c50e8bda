// The contracts at the core's boundaries. Connectors produce SourceDocuments; the core chunks,
// enriches, embeds and stores them. Providers (embedders, stores) are one file each behind these interfaces.

export type SourceKind = 'files' | 'upload' | 'notion' | 'github' | 'web';

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
