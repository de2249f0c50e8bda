import { createHash } from 'node:crypto';
import type { SqlDatabase, SqlExecutor, SqlValue } from '../contracts/sql-database.ts';
import { matchesFilter } from '../retrieve/metadata-filter.ts';
import type { Chunk, ChunkMetadata, MetadataFilter, SourceKind } from '../types.ts';

// The durable record of what is indexed: documents (sync state) and chunks (text + metadata), on the storage seam
// (issue 19): SQLite for one process, or the PostgreSQL replicas share, where the replica that holds a source's sync
// lock writes and every replica reads. Chroma holds only derived vectors and can be rebuilt from here. Tables are
// created by the application's migrations (app/migrations.ts, app/storage/postgres-migrations.ts).
//
// Chunk rows are never updated in place, and their rowids are handed out in ascending order and never reused, by a
// counter in settings that a writing transaction bumps under its row lock: a transaction that takes ids waits for the
// one before it to commit, so rows become visible in rowid order on both dialects. That is what lets every replica's
// in-memory lexical index (rag/retrieve/lexical-index.ts) catch up by reading the rows above the highest rowid it has
// seen. On SQLite the chunks are also kept in the FTS5 table chunks_fts, which only `searchLexical` reads.

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
  /** Higher is better: FTS5's bm25() negated on SQLite, ts_rank on PostgreSQL. */
  score: number;
}

// The rowid counter: SQLite would reuse the highest rowid after it is deleted, and PostgreSQL's sequences hand out
// ids in the order transactions ask, not the order they commit; a counter bumped under a row lock does neither.
const LAST_ROWID_KEY = 'chunks_last_rowid';
// Bumped by every transaction that changes the chunk table, so that a reader can tell in one indexed lookup whether
// anything changed since it last looked.
const CHUNKS_GENERATION_KEY = 'chunks_generation';

const CHUNK_COLUMNS = 'rowid, id, doc_id, ordinal, content_hash, text, metadata';
/** Rows per multi-row INSERT: 7 parameters each stays far below either dialect's limit. */
const INSERT_BATCH = 64;

export class ChunkStore {
  private version: string | undefined;
  private versionGeneration: string | undefined;

  constructor(private readonly db: SqlDatabase) {}

  async getDocument(id: string): Promise<StoredDocument | undefined> {
    const [row] = await this.db.query<DocumentRow>('SELECT * FROM documents WHERE id = ?', [id]);
    return row && toStoredDocument(row);
  }

  /** Documents of a source whose location is under `locationPrefix` (all of the source when omitted). */
  async listDocuments(source: SourceKind, locationPrefix?: string): Promise<StoredDocument[]> {
    const rows =
      locationPrefix === undefined
        ? await this.db.query<DocumentRow>('SELECT * FROM documents WHERE source = ? ORDER BY id', [source])
        : await this.db.query<DocumentRow>(
            'SELECT * FROM documents WHERE source = ? AND substr(location, 1, length(CAST(? AS TEXT))) = ? ORDER BY id',
            [source, locationPrefix, locationPrefix],
          );
    return rows.map(toStoredDocument);
  }

  async chunkIdsOf(docId: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>('SELECT id FROM chunks WHERE doc_id = ? ORDER BY ordinal', [docId]);
    return rows.map((row) => row.id);
  }

  /** The chunks of `ids` that exist, in the order asked. */
  async getChunks(ids: readonly string[]): Promise<Chunk[]> {
    const byId = new Map<string, Chunk>();
    for (let start = 0; start < ids.length; start += MAX_IN_LIST) {
      const batch = ids.slice(start, start + MAX_IN_LIST);
      const { placeholders, params } = inList(batch);
      const rows = await this.db.query<ChunkRow>(`SELECT ${CHUNK_COLUMNS} FROM chunks WHERE id IN (${placeholders})`, params);
      for (const row of rows) byId.set(row.id, toChunk(row));
    }
    return ids.flatMap((id) => {
      const chunk = byId.get(id);
      return chunk ? [chunk] : [];
    });
  }

  /** The chunks of a document at these ordinals that exist, in document order. */
  async chunksAt(docId: string, ordinals: readonly number[]): Promise<Chunk[]> {
    if (ordinals.length === 0) return [];
    const { placeholders, params } = inList(ordinals);
    const rows = await this.db.query<ChunkRow>(
      `SELECT ${CHUNK_COLUMNS} FROM chunks WHERE doc_id = ? AND ordinal IN (${placeholders}) ORDER BY ordinal`,
      [docId, ...params],
    );
    return rows.map(toChunk);
  }

  /** Every chunk, in pages: used to rebuild the vector index after the embedder changes. */
  async *allChunks(pageSize = 256): AsyncGenerator<Chunk[]> {
    for (let after = 0; ; ) {
      const rows = await this.chunkRowsAfter(after, pageSize);
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.rowid;
      yield rows.map((row) => row.chunk);
    }
  }

  /** Replaces a document's chunks and records it, in one transaction: readers see the old or the new version. */
  async saveDocument(doc: StoredDocument, chunks: readonly Chunk[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.removeChunks(tx, doc.id);
      let rowid = (await reserveRowids(tx, chunks.length)) - chunks.length;
      for (let start = 0; start < chunks.length; start += INSERT_BATCH) {
        const batch = chunks.slice(start, start + INSERT_BATCH);
        const rows = batch.map((chunk) => ({ rowid: ++rowid, chunk }));
        await tx.run(
          `INSERT INTO chunks (${CHUNK_COLUMNS}) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          rows.flatMap(({ rowid, chunk }) => [
            rowid,
            chunk.id,
            chunk.docId,
            chunk.ordinal,
            chunk.contentHash,
            chunk.text,
            JSON.stringify(chunk.metadata),
          ]),
        );
        if (tx.dialect === 'sqlite') {
          await tx.run(
            `INSERT INTO chunks_fts (rowid, title, headings, text) VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')}`,
            rows.flatMap(({ rowid, chunk }) => [rowid, chunk.metadata.title, chunk.metadata.headingPath, chunk.text]),
          );
        }
      }
      await tx.run(
        `INSERT INTO documents (id, source, location, title, url, content_hash, fingerprint, chunk_count, size_bytes, modified_at, indexed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET source = excluded.source, location = excluded.location, title = excluded.title,
           url = excluded.url, content_hash = excluded.content_hash, fingerprint = excluded.fingerprint,
           chunk_count = excluded.chunk_count, size_bytes = excluded.size_bytes, modified_at = excluded.modified_at,
           indexed_at = excluded.indexed_at`,
        [
          doc.id,
          doc.source,
          doc.location,
          doc.title,
          doc.url,
          doc.contentHash,
          doc.fingerprint,
          doc.chunkCount,
          doc.sizeBytes,
          doc.modifiedAt ?? null,
          doc.indexedAt,
        ],
      );
    });
  }

  /** Marks a document as seen without touching its chunks (its fingerprint changed, its content did not). */
  async touchDocument(id: string, fingerprint: string): Promise<void> {
    await this.db.run('UPDATE documents SET fingerprint = ? WHERE id = ?', [fingerprint, id]);
  }

  async deleteDocument(id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.removeChunks(tx, id);
      await tx.run('DELETE FROM documents WHERE id = ?', [id]);
    });
  }

  /**
   * A quick full-text lookup for tools and tests, over title, headings and text; the query is reduced to plain terms
   * (never search syntax), OR-ed. Answers use rag/retrieve's LexicalIndex (tunable BM25F, stopwords), which works
   * alike on both dialects. On SQLite this is FTS5's BM25; PostgreSQL has no FTS5 table, so there it is PostgreSQL's
   * own text search (English stemming, ts_rank with the same field weights), computed over the rows as it reads them.
   * With `where`, only chunks whose metadata matches are returned, exactly as the vector store filters.
   */
  async searchLexical(query: string, k: number, where?: MetadataFilter): Promise<LexicalHit[]> {
    const terms = plainTerms(query);
    if (terms.length === 0 || k <= 0) return [];
    const ranked =
      this.db.dialect === 'sqlite'
        ? await this.db.query<{ id: string; metadata: string; score: number }>(
            `SELECT c.id AS id, c.metadata AS metadata, -bm25(chunks_fts, 2.0, 1.5, 1.0) AS score
             FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid
             WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts, 2.0, 1.5, 1.0)`,
            [toFtsQuery(query)],
          )
        : await this.db.query<{ id: string; metadata: string; score: number }>(
            // ts_rank's weights are {D, C, B, A} and at most 1: text (D), headings (B) and title (A) as 1 : 1.5 : 2.
            `SELECT c.id AS id, c.metadata AS metadata, ts_rank('{0.5, 0, 0.75, 1}', c.document, q.query) AS score
             FROM (SELECT rowid, id, metadata,
                     setweight(to_tsvector('english', coalesce(CAST(metadata AS json) ->> 'title', '')), 'A') ||
                     setweight(to_tsvector('english', coalesce(CAST(metadata AS json) ->> 'headingPath', '')), 'B') ||
                     setweight(to_tsvector('english', text), 'D') AS document
                   FROM chunks) c,
                  (SELECT to_tsquery('english', ?) AS query) q
             WHERE c.document @@ q.query ORDER BY score DESC, c.rowid`,
            [terms.join(' | ')],
          );
    const hits: LexicalHit[] = [];
    // Filtering after ranking keeps the full-text search on its fast path; it stops as soon as k chunks pass.
    for (const row of ranked) {
      if (where && !matchesFilter(JSON.parse(row.metadata) as ChunkMetadata, where)) continue;
      hits.push({ id: row.id, score: row.score });
      if (hits.length >= k) break;
    }
    return hits;
  }

  /**
   * Names the state of the chunk table in one indexed lookup: it changes with every transaction that adds or removes
   * chunks, by any process or replica. Empty before the first such change.
   */
  async chunksGeneration(): Promise<string> {
    const [row] = await this.db.query<{ value: string }>('SELECT value FROM settings WHERE key = ?', [CHUNKS_GENERATION_KEY]);
    return row?.value ?? '';
  }

  /** Chunks with a rowid above `after`, ascending, at most `limit` of them. */
  async chunkRowsAfter(after: number, limit: number): Promise<StoredChunkRow[]> {
    const rows = await this.db.query<ChunkRow & { rowid: number }>(`SELECT ${CHUNK_COLUMNS} FROM chunks WHERE rowid > ? ORDER BY rowid LIMIT ?`, [
      after,
      limit,
    ]);
    return rows.map((row) => ({ rowid: row.rowid, chunk: toChunk(row) }));
  }

  /** How many chunks there are with a rowid up to `upTo`. */
  async chunkCountUpTo(upTo: number): Promise<number> {
    const [row] = await this.db.query<{ count: number }>('SELECT count(*) AS count FROM chunks WHERE rowid <= ?', [upTo]);
    return row?.count ?? 0;
  }

  /** Every chunk rowid up to `upTo`, ascending: lets an in-memory index find rows deleted since it last looked. */
  async chunkRowidsUpTo(upTo: number): Promise<number[]> {
    const rows = await this.db.query<{ rowid: number }>('SELECT rowid FROM chunks WHERE rowid <= ? ORDER BY rowid', [upTo]);
    return rows.map((row) => row.rowid);
  }

  /** Documents and chunks of one source, and when its newest document was indexed. */
  async sourceCounts(source: SourceKind): Promise<{ documents: number; chunks: number; lastIndexedAt?: string }> {
    const [row] = await this.db.query<{ documents: number; chunks: number; last: string | null }>(
      'SELECT count(*) AS documents, coalesce(sum(chunk_count), 0) AS chunks, max(indexed_at) AS last FROM documents WHERE source = ?',
      [source],
    );
    return { documents: row?.documents ?? 0, chunks: row?.chunks ?? 0, ...(row?.last ? { lastIndexedAt: row.last } : {}) };
  }

  /**
   * Names what is indexed: a hash of every document's id and content hash, so replicas holding the same content
   * agree on it (a shared answer cache keys on it). Recomputed only when the index generation moves (database
   * triggers bump it on any document change, by any process).
   */
  async indexVersion(): Promise<string> {
    const [generation] = await this.db.query<{ value: string }>("SELECT value FROM settings WHERE key = 'index_generation'");
    if (generation !== undefined && generation.value === this.versionGeneration && this.version) return this.version;
    const hash = createHash('sha256');
    for (const row of await this.db.query<{ id: string; content_hash: string }>('SELECT id, content_hash FROM documents ORDER BY id')) {
      hash.update(`${row.id}\u0000${row.content_hash}\n`);
    }
    this.version = hash.digest('hex').slice(0, 16);
    this.versionGeneration = generation?.value;
    return this.version;
  }

  async counts(): Promise<{ documents: number; chunks: number }> {
    const [row] = await this.db.query<{ documents: number; chunks: number }>(
      'SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM chunks) AS chunks',
    );
    return { documents: row?.documents ?? 0, chunks: row?.chunks ?? 0 };
  }

  private async removeChunks(tx: SqlExecutor, docId: string): Promise<void> {
    if (tx.dialect === 'sqlite') await tx.run('DELETE FROM chunks_fts WHERE rowid IN (SELECT rowid FROM chunks WHERE doc_id = ?)', [docId]);
    await tx.run('DELETE FROM chunks WHERE doc_id = ?', [docId]);
    await tx.run(
      `INSERT INTO settings (key, value) VALUES ('${CHUNKS_GENERATION_KEY}', '1')
       ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(settings.value AS BIGINT) + 1 AS TEXT)`,
    );
  }
}

/**
 * Takes `count` rowids and returns the last of them. The counter starts above the highest rowid stored (a database
 * from before it), and the update holds its row lock until the transaction ends, so the next writer's ids are higher
 * and become visible after these.
 */
async function reserveRowids(tx: SqlExecutor, count: number): Promise<number> {
  // SQLite reads `INSERT … SELECT … ON CONFLICT` ambiguously without a WHERE clause: hence WHERE true.
  const [row] = await tx.query<{ value: string }>(
    `INSERT INTO settings (key, value) SELECT '${LAST_ROWID_KEY}', CAST(coalesce(max(rowid), 0) + ? AS TEXT) FROM chunks WHERE true
     ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(settings.value AS BIGINT) + ? AS TEXT)
     RETURNING value`,
    [count, count],
  );
  return Number(row!.value);
}

/** At most this many ids in one `IN (…)`. */
const MAX_IN_LIST = 512;

/**
 * Placeholders for `values`, padded to the next power of two with the last value (which matches nothing new): the
 * statement texts stay few, so SQLite's compiled statements (rag/store/prepared.ts) stay few.
 */
function inList(values: readonly (string | number)[]): { placeholders: string; params: SqlValue[] } {
  let size = 8;
  while (size < values.length) size *= 2;
  const params: SqlValue[] = [...values];
  while (params.length < size) params.push(values[values.length - 1] ?? '');
  return { placeholders: params.map(() => '?').join(', '), params };
}

/** The words of a query, lowercased and deduplicated: letters and digits only, so never search syntax. */
function plainTerms(text: string): string[] {
  const terms = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(terms)].slice(0, 64);
}

/** Quotes every word so user text can never be read as FTS5 operators; terms are OR-ed for recall. */
export function toFtsQuery(text: string): string {
  return plainTerms(text)
    .map((term) => `"${term}"`)
    .join(' OR ');
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
