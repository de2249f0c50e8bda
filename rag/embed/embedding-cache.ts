import type { Database } from 'better-sqlite3';
import { sha256 } from '../hash.ts';
import type { Embedder, EmbeddingPurpose } from '../types.ts';

/**
 * Wraps an embedder with a SQLite cache keyed by (embedder id, purpose, content hash): text that was
 * embedded once is never embedded again, across documents, re-syncs and rebuilds of the vector index.
 */
export class CachedEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  hits = 0;
  misses = 0;

  constructor(
    private readonly inner: Embedder,
    private readonly db: Database,
  ) {
    this.id = inner.id;
    this.dimension = inner.dimension;
  }

  async embed(texts: string[], purpose: EmbeddingPurpose): Promise<number[][]> {
    const keyOf = (text: string) => `${purpose}:${sha256(text)}`;
    const keys = texts.map(keyOf);
    const found = this.lookup(keys);
    const missing = [...new Set(keys.filter((key) => !found.has(key)))];
    this.hits += keys.filter((key) => found.has(key)).length;
    if (missing.length > 0) {
      const missingTexts = missing.map((key) => texts[keys.indexOf(key)]!);
      // Stored as float32: round fresh vectors the same way so a text's vector never depends on the cache.
      const vectors = (await this.inner.embed(missingTexts, purpose)).map((v) => Array.from(new Float32Array(v)));
      this.misses += missing.length;
      this.store(missing, vectors);
      missing.forEach((key, i) => found.set(key, vectors[i]!));
    }
    return keys.map((key) => found.get(key)!);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private lookup(keys: string[]): Map<string, number[]> {
    const select = this.db.prepare('SELECT vector FROM embeddings WHERE embedder = ? AND content_hash = ?').pluck();
    const found = new Map<string, number[]>();
    for (const key of new Set(keys)) {
      const blob = select.get(this.id, key) as Buffer | undefined;
      if (blob) found.set(key, Array.from(new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4)));
    }
    return found;
  }

  private store(keys: string[], vectors: number[][]): void {
    const insert = this.db.prepare('INSERT OR REPLACE INTO embeddings (embedder, content_hash, vector) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      keys.forEach((key, i) => insert.run(this.id, key, Buffer.from(new Float32Array(vectors[i]!).buffer)));
    })();
  }
}
