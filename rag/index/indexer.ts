import { chunkDocument, DEFAULT_CHUNK_OPTIONS, type ChunkOptions } from '../chunk/chunk-document.ts';
import { cleanText } from '../clean-text.ts';
import { enrichChunk } from '../enrich/enrich-chunk.ts';
import type { TopicTaxonomy } from '../enrich/topics.ts';
import { sha256 } from '../hash.ts';
import type { ChunkStore, StoredDocument } from '../store/chunk-store.ts';
import type { Chunk, Embedder, SourceDocument, SourceKind, VectorStore } from '../types.ts';
import { errorMessage, LoreError } from '../errors.ts';

/** A document a connector has found: cheap to list, loaded only when its fingerprint changed. */
export interface DocumentCandidate {
  id: string;
  /** Upstream location (absolute path, page id…): deletions are scoped by it. */
  location: string;
  /** Changes whenever the upstream document may have changed (size + mtime, ETag, last_edited_time…). */
  fingerprint: string;
  load(): Promise<SourceDocument>;
}

/** An input that could not even be listed (missing path, unreadable folder…). */
export interface ListingFailure {
  location: string;
  error: Error;
}

export type IndexInput = DocumentCandidate | ListingFailure;

/**
 * Thrown by `DocumentCandidate.load()` when the document turned out to be deleted or moved upstream between
 * listing and loading (HTTP 404/410, a transferred issue): the indexer removes it, and it is no failure.
 */
export class DocumentGoneError extends LoreError {
  override readonly code: string = 'document_gone';
  override name = 'DocumentGoneError';
  readonly gone = true;
}

/** An error that says the content itself is unusable (`permanent: true`, e.g. a corrupt or unsupported file). */
function isPermanent(error: unknown): boolean {
  return error instanceof Error && (error as { permanent?: unknown }).permanent === true;
}

function isGone(error: unknown): boolean {
  return error instanceof Error && (error as { gone?: unknown }).gone === true;
}

export interface IndexScope {
  source: SourceKind;
  /** Stored documents under these location prefixes that were not seen in this run are deleted. */
  deleteMissingUnder?: string[];
  /**
   * Rebuild: load every candidate even when its fingerprint is unchanged (e.g. after a connector's rendering
   * changed). Content hashes still spare unchanged text from re-chunking and re-embedding.
   */
  reload?: boolean;
}

export interface IndexSummary {
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: { path: string; error: string }[];
  /**
   * How many of `failed` may succeed when tried again unchanged (network, embedding, listing errors). The rest are
   * permanent (the content itself is unusable: a corrupt file, an unsupported type) and are retried only once
   * the document changes upstream, so they need not hold a sync's cursor back.
   */
  retryableFailures: number;
}

/** What commands print (`--json`): the summary without the indexer's bookkeeping. */
export type IndexReport = Omit<IndexSummary, 'retryableFailures'>;

/** The DESIGN contract's fields only, in its order. */
export function indexReport({ added, updated, unchanged, deleted, failed }: IndexSummary): IndexReport {
  return { added, updated, unchanged, deleted, failed };
}

export interface IndexProgress {
  done: number;
  total: number;
  current?: string;
}

export interface IndexerOptions {
  chunks: ChunkStore;
  vectors: VectorStore;
  embedder: Embedder;
  topics: TopicTaxonomy;
  chunkOptions?: ChunkOptions;
  /** Chunks per embedding request; several requests are kept in flight so every worker stays busy. */
  embedBatchSize?: number;
  maxInFlight?: number;
}

interface PreparedDocument {
  doc: SourceDocument;
  candidate: DocumentCandidate;
  previous?: StoredDocument;
  contentHash: string;
  chunks: Chunk[];
}

// Bump when loading (titles, text extraction), chunking or enrichment changes in a way that should re-read unchanged
// documents: a sync skips a file whose fingerprint is unchanged, so without a bump an index keeps what the old code
// made of it. 3: web pages titled by their own heading instead of the site's name, Markdown titles with their HTML
// entities read, index/README files titled with their folder, PDFs titled without their exporting program's
// "Microsoft Word - … .docx" or a placeholder ("Untitled"). 4: web pages without the chrome they name by class or
// id (`class="sidebar"`, `id="cookie-banner"`). 5: PDFs read by their layout, as Markdown with headings, items and
// code.
const PIPELINE_VERSION = 5;

/**
 * Turns documents into stored, searchable chunks: clean → chunk → enrich → embed → upsert (Chroma and
 * the lexical index) → record. Safe to interrupt at any point: a document's row is written last, so a
 * re-run redoes exactly the unfinished documents, and stable chunk ids make the redo idempotent.
 */
export class Indexer {
  private readonly chunkOptions: ChunkOptions;
  private readonly pipelineKey: string;

  constructor(private readonly options: IndexerOptions) {
    this.chunkOptions = options.chunkOptions ?? DEFAULT_CHUNK_OPTIONS;
    this.pipelineKey = sha256(JSON.stringify({ v: PIPELINE_VERSION, chunk: this.chunkOptions, topics: options.topics })).slice(0, 12);
  }

  async index(inputs: IndexInput[], scope: IndexScope, onProgress: (progress: IndexProgress) => void = () => {}): Promise<IndexSummary> {
    const { chunks: store } = this.options;
    const summary: IndexSummary = { added: 0, updated: 0, unchanged: 0, deleted: 0, failed: [], retryableFailures: 0 };
    const seen = new Set<string>();
    const batchSize = this.options.embedBatchSize ?? 64;
    const maxInFlight = this.options.maxInFlight ?? 3;
    const inFlight = new Set<Promise<void>>();
    let batch: PreparedDocument[] = [];
    let batchChunks = 0;
    let done = 0;

    const launch = async () => {
      if (batch.length === 0) return;
      const work = this.store(batch, summary);
      batch = [];
      batchChunks = 0;
      const tracked: Promise<void> = work.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      // Back-pressure: prepare the next batch while earlier ones embed, but never run far ahead.
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    };

    for (const input of inputs) {
      onProgress({ done, total: inputs.length, current: input.location });
      if ('error' in input) {
        summary.failed.push({ path: input.location, error: input.error.message });
        summary.retryableFailures += 1;
      } else {
        seen.add(input.id);
        try {
          const prepared = await this.prepare(input, summary, scope.reload ?? false);
          if (prepared) {
            batch.push(prepared);
            batchChunks += prepared.chunks.length;
            if (batchChunks >= batchSize) await launch();
          }
        } catch (error) {
          if (isGone(error)) summary.deleted += await this.deleteDocuments([input.id]);
          else {
            summary.failed.push({ path: input.location, error: errorMessage(error) });
            if (!isPermanent(error)) summary.retryableFailures += 1;
          }
        }
      }
      done += 1;
    }
    await launch();
    await Promise.all(inFlight);

    for (const prefix of scope.deleteMissingUnder ?? []) {
      for (const stale of await store.listDocuments(scope.source, prefix)) {
        if (seen.has(stale.id)) continue;
        await this.options.vectors.delete(await store.chunkIdsOf(stale.id));
        await store.deleteDocument(stale.id);
        summary.deleted += 1;
      }
    }
    onProgress({ done, total: inputs.length });
    return summary;
  }

  /**
   * Makes the vector index match the configured embedder and the stored chunks. A collection built by another
   * embedder is reset and every chunk re-embedded, so vectors are never mixed ('rebuilt'). A collection that is
   * new, or holds fewer vectors than there are chunks (a database restored from a backup, a lost or wiped
   * Chroma), gets every stored chunk upserted again ('refilled'): the vectors come from the embedding cache in
   * the database, so that costs no model calls. More vectors than chunks is left alone: a sync in progress
   * elsewhere writes vectors before rows, and retrieval ignores vectors without a chunk. `refill` upserts every
   * chunk whatever the count says (a restored backup: the collection may hold as many vectors, but newer ones).
   */
  async alignVectors(
    onProgress: (progress: IndexProgress) => void = () => {},
    options: { refill?: boolean } = {},
  ): Promise<'ok' | 'rebuilt' | 'refilled'> {
    const { vectors, embedder, chunks } = this.options;
    const builtBy = await vectors.builtBy();
    if (builtBy === embedder.id) {
      if (!options.refill && (await vectors.count()) >= (await chunks.counts()).chunks) return 'ok';
    } else {
      await vectors.reset(embedder.id, embedder.dimension);
    }
    const { chunks: total } = await chunks.counts();
    let done = 0;
    for await (const page of chunks.allChunks()) {
      const embedded = await embedder.embed(page.map(embeddingText), 'document');
      await vectors.upsert(page.map((chunk, i) => toRecord(chunk, embedded[i]!)));
      done += page.length;
      onProgress({ done, total });
    }
    return builtBy === undefined || builtBy === embedder.id ? 'refilled' : 'rebuilt';
  }

  /**
   * Removes documents and their chunks (upstream deletions a connector reported); ids that are not stored,
   * or belong to another source than `source`, are skipped. Returns how many were removed. Vectors go
   * first: if we stop in between, the row survives and the next run deletes it again, so no vector is
   * ever left without a row that names it.
   */
  async deleteDocuments(ids: string[], source?: SourceKind): Promise<number> {
    const { chunks: store, vectors } = this.options;
    let deleted = 0;
    for (const id of new Set(ids)) {
      const stored = await store.getDocument(id);
      if (!stored || (source !== undefined && stored.source !== source)) continue;
      await vectors.delete(await store.chunkIdsOf(id));
      await store.deleteDocument(id);
      deleted += 1;
    }
    return deleted;
  }

  private async prepare(candidate: DocumentCandidate, summary: IndexSummary, reload: boolean): Promise<PreparedDocument | undefined> {
    const { chunks: store, topics } = this.options;
    const previous = await store.getDocument(candidate.id);
    const fingerprint = this.fingerprintOf(candidate);
    if (!reload && previous?.fingerprint === fingerprint) {
      summary.unchanged += 1;
      return undefined;
    }
    const doc = await candidate.load();
    const text = cleanText(doc.text, doc.format);
    const contentHash = sha256(`${this.pipelineKey}\n${doc.title}\n${doc.url}\n${text}`);
    if (previous?.contentHash === contentHash) {
      await store.touchDocument(candidate.id, fingerprint);
      summary.unchanged += 1;
      return undefined;
    }
    const indexedAt = new Date().toISOString();
    const cleaned: SourceDocument = { ...doc, text };
    const drafts = chunkDocument(cleaned, this.chunkOptions);
    if (drafts.length === 0) throw new Error(`${candidate.location}: no text to index`);
    const docKey = sha256(doc.id).slice(0, 16);
    const chunks = drafts.map((draft, ordinal): Chunk => {
      const chunkHash = sha256(`${draft.headingPath.join('\u0000')}\u0000${draft.text}`);
      return {
        id: `${docKey}-${ordinal}-${chunkHash.slice(0, 16)}`,
        docId: doc.id,
        ordinal,
        text: draft.text,
        contentHash: chunkHash,
        metadata: enrichChunk(cleaned, draft, ordinal, { topics, indexedAt }),
      };
    });
    return { doc: cleaned, candidate, previous, contentHash, chunks };
  }

  private async store(batch: PreparedDocument[], summary: IndexSummary): Promise<void> {
    const { chunks: store, vectors, embedder } = this.options;
    const all = batch.flatMap((p) => p.chunks);
    let embedded: number[][];
    try {
      embedded = await embedder.embed(all.map(embeddingText), 'document');
    } catch (error) {
      for (const p of batch) summary.failed.push({ path: p.candidate.location, error: `embedding failed: ${errorMessage(error)}` });
      summary.retryableFailures += batch.length;
      return;
    }
    await vectors.upsert(all.map((chunk, i) => toRecord(chunk, embedded[i]!)));
    for (const p of batch) {
      const keep = new Set(p.chunks.map((c) => c.id));
      // Stale vectors go before the row is rewritten: if we stop in between, the old row survives
      // and the next run repeats this document, so no orphaned vector is ever left behind.
      const stale = (await store.chunkIdsOf(p.doc.id)).filter((id) => !keep.has(id));
      await vectors.delete(stale);
      await store.saveDocument(
        {
          id: p.doc.id,
          source: p.doc.source,
          location: p.candidate.location,
          title: p.doc.title,
          url: p.doc.url,
          contentHash: p.contentHash,
          fingerprint: this.fingerprintOf(p.candidate),
          chunkCount: p.chunks.length,
          sizeBytes: p.doc.sizeBytes,
          modifiedAt: p.doc.modifiedAt,
          indexedAt: new Date().toISOString(),
        },
        p.chunks,
      );
      if (p.previous) summary.updated += 1;
      else summary.added += 1;
    }
  }

  private fingerprintOf(candidate: DocumentCandidate): string {
    return `${this.pipelineKey}:${candidate.fingerprint}`;
  }
}

/** Title and headings go into the embedded text: a chunk alone often does not say what it is about. */
export function embeddingText(chunk: Chunk): string {
  return embeddingInput(chunk.metadata.title, chunk.metadata.headingPath, chunk.text);
}

export function embeddingInput(title: string, headingPath: string, text: string): string {
  const context = [title, headingPath].filter(Boolean).join(' — ');
  return context ? `${context}\n${text}` : text;
}

function toRecord(chunk: Chunk, vector: number[]) {
  return { id: chunk.id, vector, text: chunk.text, metadata: chunk.metadata };
}
