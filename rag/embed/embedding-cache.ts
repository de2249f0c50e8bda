import type { SqlDatabase } from '../contracts/sql-database.ts';
import { sha256 } from '../hash.ts';
import type { Embedder, EmbeddingPurpose } from '../types.ts';

/** Keys looked up or vectors stored per statement: 3 parameters a row stays far below either dialect's limit. */
const BATCH = 200;

/**
 * Wraps an embedder with a cache in the `embeddings` table keyed by (embedder id, purpose, content hash): text that was
 * embedded once is never embedded again, across documents, re-syncs and rebuilds of the vector index. On the storage
 * seam (issue 19), so that replicas sharing a PostgreSQL share what any of them embedded.
 */
export class CachedEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  hits = 0;
  misses = 0;

  constructor(
    private readonly inner: Embedder,
    private readonly db: SqlDatabase,
  ) {
    this.id = inner.id;
    this.dimension = inner.dimension;
  }

  async embed(texts: string[], purpose: EmbeddingPurpose): Promise<number[][]> {
    const keyOf = (text: string) => `${purpose}:${sha256(text)}`;
    const keys = texts.map(keyOf);
    const found = await this.lookup([...new Set(keys)]);
    const missing = [...new Set(keys.filter((key) => !found.has(key)))];
    this.hits += keys.filter((key) => found.has(key)).length;
    if (missing.length > 0) {
      const missingTexts = missing.map((key) => texts[keys.indexOf(key)]!);
      // Stored as float32: round fresh vectors the same way so a text's vector never depends on the cache.
      const vectors = (await this.inner.embed(missingTexts, purpose)).map((v) => Array.from(new Float32Array(v)));
      this.misses += missing.length;
      await this.store(missing, vectors);
      missing.forEach((key, i) => found.set(key, vectors[i]!));
    }
    return keys.map((key) => found.get(key)!);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async lookup(keys: string[]): Promise<Map<string, number[]>> {
    const found = new Map<string, number[]>();
    for (let start = 0; start < keys.length; start += BATCH) {
      const batch = keys.slice(start, start + BATCH);
      const rows = await this.db.query<{ content_hash: string; vector: Uint8Array }>(
        `SELECT content_hash, vector FROM embeddings WHERE embedder = ? AND content_hash IN (${batch.map(() => '?').join(', ')})`,
        [this.id, ...batch],
      );
      for (const row of rows) found.set(row.content_hash, fromBytes(row.vector));
    }
    return found;
  }

  private async store(keys: string[], vectors: number[][]): Promise<void> {
    // In key order, so that two replicas storing overlapping batches at once take the rows' locks in the same order
    // (PostgreSQL) instead of waiting on each other. The same text embeds to the same vector, so the later one wins.
    const rows = keys.map((key, i) => ({ key, vector: vectors[i]! })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (let start = 0; start < rows.length; start += BATCH) {
      const batch = rows.slice(start, start + BATCH);
      await this.db.run(
        `INSERT INTO embeddings (embedder, content_hash, vector) VALUES ${batch.map(() => '(?, ?, ?)').join(', ')}
         ON CONFLICT (embedder, content_hash) DO UPDATE SET vector = excluded.vector`,
        batch.flatMap(({ key, vector }) => [this.id, key, toBytes(vector)]),
      );
    }
  }
}

function toBytes(vector: number[]): Uint8Array {
  return Buffer.from(new Float32Array(vector).buffer);
}

/** Copied out first: a driver's buffer may sit at an offset a Float32Array view cannot start at. */
function fromBytes(bytes: Uint8Array): number[] {
  return Array.from(new Float32Array(new Uint8Array(bytes).buffer));
}
