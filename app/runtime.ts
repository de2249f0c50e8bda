import path from 'node:path';
import { CachedEmbedder } from '../rag/embed/embedding-cache.ts';
import { GeminiEmbedder } from '../rag/embed/gemini-embedder.ts';
import { LocalEmbedder } from '../rag/embed/local-embedder.ts';
import { Indexer } from '../rag/index/indexer.ts';
import { ChromaStore } from '../rag/store/chroma-store.ts';
import { ChunkStore } from '../rag/store/chunk-store.ts';
import type { SqlDatabase } from '../rag/contracts/sql-database.ts';
import type { Embedder } from '../rag/types.ts';
import { startChromaServer, type ChromaServer } from './chroma-server.ts';
import type { Config } from './config.ts';
import type { Db } from './database.ts';
import type { Logger } from './logger.ts';
import { backupTakenAt, clearBackupMarker } from './restore-marker.ts';
import { openStore } from './storage/open-store.ts';

/** Everything a command needs, built once from the configuration; `close()` releases it all. */
export interface Runtime {
  config: Config;
  log: Logger;
  /** The store every record is kept in: PostgreSQL with DATABASE_URL (shared by replicas), else SQLite. */
  sql: SqlDatabase;
  /** The SQLite connection under `sql` when the store is the embedded one (what `lore backup` copies). */
  db?: Db;
  chunks: ChunkStore;
  vectors: ChromaStore;
  embedder: CachedEmbedder;
  indexer: Indexer;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Chroma collection name (benchmarks use their own). */
  collection?: string;
}

export async function openRuntime(config: Config, log: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const store = await openStore(config, log);
    cleanups.push(() => store.close());
    const { sql, sqlite: db } = store;

    let chromaUrl = config.chromaUrl;
    if (!chromaUrl) {
      const server: ChromaServer = await startChromaServer(path.join(config.dataDir, 'chroma'), log);
      cleanups.push(() => server.stop());
      chromaUrl = server.url;
    }
    const vectors = ChromaStore.fromUrl(chromaUrl, options.collection);
    await vectors.heartbeat();

    const embedder = new CachedEmbedder(createEmbedder(config, log), sql);
    cleanups.push(() => embedder.close());

    const chunks = new ChunkStore(sql);
    const indexer = new Indexer({ chunks, vectors, embedder, topics: config.topics });
    // Only a SQLite file carries the marker `lore backup` leaves: PostgreSQL is restored with its own tools.
    const restoredFrom = db ? backupTakenAt(db) : undefined;
    const alignment = await indexer.alignVectors(undefined, { refill: restoredFrom !== undefined });
    const { chunks: stored } = await chunks.counts();
    if (restoredFrom !== undefined && db) {
      clearBackupMarker(db);
      log.info({ backupTakenAt: restoredFrom, chunks: stored }, 'database restored from a backup: upserted every chunk into the vector index again');
    } else if (alignment === 'rebuilt' && stored > 0) {
      log.warn({ embedder: embedder.id }, 'vector index was built by another embedder: re-embedded every chunk');
    } else if (alignment === 'refilled' && stored > 0) {
      log.warn(
        { embedder: embedder.id, chunks: stored },
        'vector index was missing vectors: refilled it from the stored chunks and the embedding cache',
      );
    }
    return { config, log, sql, ...(db ? { db } : {}), chunks, vectors, embedder, indexer, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The configured embedder without the cache (benchmarks time queries as if they were new). */
export function createEmbedder(config: Config, log: Logger): Embedder {
  if (config.embedder === 'gemini') {
    log.info({ model: config.gemini.embedModel, dimensions: config.gemini.embedDimensions }, 'embedding with Gemini');
    return new GeminiEmbedder({
      apiKey: config.gemini.apiKey!,
      baseUrl: config.gemini.baseUrl,
      model: config.gemini.embedModel,
      dimensions: config.gemini.embedDimensions,
    });
  }
  return new LocalEmbedder({ workers: config.embedWorkers || undefined });
}
