import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { matchesFilter } from '../retrieve/metadata-filter.ts';
import { prepared } from './prepared.ts';
import type { Chunk, ChunkMetadata, MetadataFilter, SourceKind } from '../types.ts';

// The durable record of what is indexed: documents (sync state), chunks (text + metadata) and the
// FTS5 lexical index over them. Chroma holds only derived vectors and can be rebuilt from here.
// Tables are created by the application's migrations (app/migrations.ts).

export interface StoredDocument {
  id: string;
  source: SourceKind;
  /** Where the document lives upstream (absolute file path, page id…), for deletion scoping. */
  location: string;
  title: string;
  url: string;
  contentHash: string;
  /** Cheap change detector checked before loading (e.g. size + mtime + chunking options). */
  fingerprint: string;
  chunkCount: number;
  sizeBytes: number;
  modifiedAt?: string;
  indexedAt: string;
}

interface DocumentRow {
  id: string;
  source: string;
  location: string;
  title: string;
  url: string;
  content_hash: string;
  fingerprint: string;
  chunk_count: number;
  size_bytes: number;
  modified_at: string | null;
  indexed_at: string;
}

interface ChunkRow {
  id: string;
  doc_id: string;
  ordinal: number;
  content_hash: string;
  text: string;
  metadata: string;
}

export interface StoredChunkRow {
  rowid: number;
  chunk: Chunk;
}

export interface LexicalHit {
  id: string;
  /** FTS5 bm25(): lower is better; negated here so that higher is better like every other score. */
  score: number;
}

// Rowids are handed out from this counter rather than by SQLite, which reuses the highest rowid after it
// is deleted: a never-reused rowid lets in-memory indexes sync by rowid alone.
const LAST_ROWID_KEY = 'chunks_last_rowid';

export class ChunkStore {
  private version: string | undefined;
  private versionGeneration: string | undefined;

  constructor(private readonly db: Database) {}

  getDocument(id: string): StoredDocument | undefined {
    const row = this.db.prepare('SELECT * FROM documents WHERE id = ?').get(id) as DocumentRow | undefined;
    return row && toStoredDocument(row);
  }

  /** Documents of a source whose location is under `locationPrefix` (all of the source when omitted). */
  listDocuments(source: SourceKind, locationPrefix?: string): StoredDocument[] {
    const rows = (
      locationPrefix === undefined
        ? this.db.prepare('SELECT * FROM documents WHERE source = ? ORDER BY id').all(source)
        : this.db
            .prepare('SELECT * FROM documents WHERE source = ? AND substr(location, 1, length(?)) = ? ORDER BY id')
            .all(source, locationPrefix, locationPrefix)
    ) as DocumentRow[];
    return rows.map(toStoredDocument);
  }

  chunkIdsOf(docId: string): string[] {
    return this.db.prepare('SELECT id FROM chunks WHERE doc_id = ? ORDER BY ordinal').pluck().all(docId) as string[];
  }

  getChunks(ids: string[]): Chunk[] {
    const select = this.db.prepare('SELECT id, doc_id, ordinal, content_hash, text, metadata FROM chunks WHERE id = ?');
    return ids.flatMap((id) => {
      const row = select.get(id) as ChunkRow | undefined;
      return row ? [toChunk(row)] : [];
    });
  }

  /** Every chunk, in pages: used to rebuild the vector index after the embedder changes. */
  *allChunks(pageSize = 256): Generator<Chunk[]> {
    const page = this.db.prepare(
      'SELECT rowid, id, doc_id, ordinal, content_hash, text, metadata FROM chunks WHERE rowid > ? ORDER BY rowid LIMIT ?',
    );
    let after = 0;
    for (;;) {
      const rows = page.all(after, pageSize) as (ChunkRow & { rowid: number })[];
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.rowid;
      yield rows.map(toChunk);
    }
  }

  /** Replaces a document's chunks and records it, in one transaction: readers see the old or the new version. */
  saveDocument(doc: StoredDocument, chunks: Chunk[]): void {
    this.db.transaction(() => {
      this.removeChunks(doc.id);
      const insertChunk = this.db.prepare(
        'INSERT INTO chunks (rowid, id, doc_id, ordinal, content_hash, text, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      const insertFts = this.db.prepare('INSERT INTO chunks_fts (rowid, title, headings, text) VALUES (?, ?, ?, ?)');
      let rowid = this.lastRowid();
      for (const chunk of chunks) {
        rowid += 1;
        insertChunk.run(rowid, chunk.id, chunk.docId, chunk.ordinal, chunk.contentHash, chunk.text, JSON.stringify(chunk.metadata));
        insertFts.run(rowid, chunk.metadata.title, chunk.metadata.headingPath, chunk.text);
      }
      this.db
        .prepare(`INSERT INTO settings (key, value) VALUES ('${LAST_ROWID_KEY}', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
        .run(String(rowid));
      this.db
        .prepare(
          `INSERT INTO documents (id, source, location, title, url, content_hash, fingerprint, chunk_count, size_bytes, modified_at, indexed_at)
           VALUES (@id, @source, @location, @title, @url, @contentHash, @fingerprint, @chunkCount, @sizeBytes, @modifiedAt, @indexedAt)
           ON CONFLICT (id) DO UPDATE SET source = excluded.source, location = excluded.location, title = excluded.title,
             url = excluded.url, content_hash = excluded.content_hash, fingerprint = excluded.fingerprint,
             chunk_count = excluded.chunk_count, size_bytes = excluded.size_bytes, modified_at = excluded.modified_at,
             indexed_at = excluded.indexed_at`,
        )
        .run({ ...doc, modifiedAt: doc.modifiedAt ?? null });
    })();
  }

  /** Marks a document as seen without touching its chunks (its fingerprint changed, its content did not). */
  touchDocument(id: string, fingerprint: string): void {
    this.db.prepare('UPDATE documents SET fingerprint = ? WHERE id = ?').run(fingerprint, id);
  }

  deleteDocument(id: string): void {
    this.db.transaction(() => {
      this.removeChunks(id);
      this.db.prepare('DELETE FROM documents WHERE id = ?').run(id);
    })();
  }

  /**
   * FTS5 BM25 over title, headings and text; the query is reduced to plain terms (never FTS syntax).
   * A quick lookup for tools and tests: answers use rag/retrieve's LexicalIndex (tunable BM25F, stopwords).
   * With `where`, only chunks whose metadata matches are returned, exactly as the vector store filters.
   */
  searchLexical(query: string, k: number, where?: MetadataFilter): LexicalHit[] {
    const match = toFtsQuery(query);
    if (!match || k <= 0) return [];
    const ranked = this.db.prepare(
      `SELECT c.id AS id, c.metadata AS metadata, -bm25(chunks_fts, 2.0, 1.5, 1.0) AS score
       FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid
       WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts, 2.0, 1.5, 1.0)`,
    );
    const hits: LexicalHit[] = [];
    // Filtering after ranking keeps FTS5 on its fast path; iteration stops as soon as k chunks pass.
    for (const row of ranked.iterate(match) as IterableIterator<{ id: string; metadata: string; score: number }>) {
      if (where && !matchesFilter(JSON.parse(row.metadata) as ChunkMetadata, where)) continue;
      hits.push({ id: row.id, score: row.score });
      if (hits.length >= k) break;
    }
    return hits;
  }

  /**
   * How many chunk rows there are and the highest rowid: together they tell an in-memory index whether
   * it is current, because chunk rows are never updated in place and rowids are never reused.
   */
  chunkTableState(): { count: number; maxRowid: number } {
    const row = this.db.prepare('SELECT count(*) AS count, coalesce(max(rowid), 0) AS maxRowid FROM chunks').get() as {
      count: number;
      maxRowid: number;
    };
    return row;
  }

  /** Every chunk rowid, ascending: lets an in-memory index find rows deleted since it last looked. */
  chunkRowids(): number[] {
    return this.db.prepare('SELECT rowid FROM chunks ORDER BY rowid').pluck().all() as number[];
  }

  /** Chunks with a rowid above `after`, ascending, at most `limit` of them. */
  chunkRowsAfter(after: number, limit: number): StoredChunkRow[] {
    const rows = this.db
      .prepare('SELECT rowid, id, doc_id, ordinal, content_hash, text, metadata FROM chunks WHERE rowid > ? ORDER BY rowid LIMIT ?')
      .all(after, limit) as (ChunkRow & { rowid: number })[];
    return rows.map((row) => ({ rowid: row.rowid, chunk: toChunk(row) }));
  }

  /** Runs `read` on one consistent snapshot, even while another process writes. */
  snapshot<T>(read: () => T): T {
    return this.db.transaction(read)();
  }

  /** Documents and chunks of one source, and when its newest document was indexed. */
  sourceCounts(source: SourceKind): { documents: number; chunks: number; lastIndexedAt?: string } {
    const row = this.db
      .prepare('SELECT count(*) AS documents, coalesce(sum(chunk_count), 0) AS chunks, max(indexed_at) AS last FROM documents WHERE source = ?')
      .get(source) as { documents: number; chunks: number; last: string | null };
    return { documents: row.documents, chunks: row.chunks, ...(row.last ? { lastIndexedAt: row.last } : {}) };
  }

  /**
   * Names what is indexed: a hash of every document's id and content hash, so replicas holding the same content
   * agree on it (a shared answer cache keys on it). Recomputed only when the index generation moves (database
   * triggers bump it on any document change, by any process).
   */
  indexVersion(): string {
    const generation = prepared(this.db, "SELECT value FROM settings WHERE key = 'index_generation'").pluck().get() as string | undefined;
    if (generation !== undefined && generation === this.versionGeneration && this.version) return this.version;
    const hash = createHash('sha256');
    for (const row of this.db.prepare('SELECT id, content_hash FROM documents ORDER BY id').raw().iterate() as Iterable<[string, string]>) {
      hash.update(`${row[0]}\u0000${row[1]}\n`);
    }
    this.version = hash.digest('hex').slice(0, 16);
    this.versionGeneration = generation;
    return this.version;
  }

  counts(): { documents: number; chunks: number } {
    const documents = this.db.prepare('SELECT count(*) FROM documents').pluck().get() as number;
    const chunks = this.db.prepare('SELECT count(*) FROM chunks').pluck().get() as number;
    return { documents, chunks };
  }

  private lastRowid(): number {
    const recorded = this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(LAST_ROWID_KEY) as string | undefined;
    const highest = this.db.prepare('SELECT coalesce(max(rowid), 0) FROM chunks').pluck().get() as number;
    return Math.max(Number(recorded ?? 0), highest);
  }

  private removeChunks(docId: string): void {
    const rowids = this.db.prepare('SELECT rowid FROM chunks WHERE doc_id = ?').pluck().all(docId) as number[];
    const deleteFts = this.db.prepare('DELETE FROM chunks_fts WHERE rowid = ?');
    for (const rowid of rowids) deleteFts.run(rowid);
    this.db.prepare('DELETE FROM chunks WHERE doc_id = ?').run(docId);
  }
}

/** Quotes every word so user text can never be read as FTS5 operators; terms are OR-ed for recall. */
export function toFtsQuery(text: string): string {
  const terms = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const unique = [...new Set(terms)].slice(0, 64);
  return unique.map((term) => `"${term}"`).join(' OR ');
}

function toStoredDocument(row: DocumentRow): StoredDocument {
  return {
    id: row.id,
    source: row.source as SourceKind,
    location: row.location,
    title: row.title,
    url: row.url,
    contentHash: row.content_hash,
    fingerprint: row.fingerprint,
    chunkCount: row.chunk_count,
    sizeBytes: row.size_bytes,
    modifiedAt: row.modified_at ?? undefined,
    indexedAt: row.indexed_at,
  };
}

function toChunk(row: ChunkRow): Chunk {
  return {
    id: row.id,
    docId: row.doc_id,
    ordinal: row.ordinal,
    contentHash: row.content_hash,
    text: row.text,
    metadata: JSON.parse(row.metadata) as ChunkMetadata,
  };
}
