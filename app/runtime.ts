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
import { openDatabase, type Db } from './database.ts';
import type { Logger } from './logger.ts';
import { backupTakenAt, clearBackupMarker } from './restore-marker.ts';
import { sqliteDatabase } from './storage/sqlite-database.ts';

/** Everything a command needs, built once from the configuration; `close()` releases it all. */
export interface Runtime {
  config: Config;
  log: Logger;
  db: Db;
  /**
   * The storage seam over the same connection, for the stores moved onto it (issue 19): one per connection, so that
   * its transactions take turns. Closed with `db`.
   */
  sql: SqlDatabase;
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
    const db = openDatabase(config.dataDir);
    cleanups.push(() => {
      db.close();
    });
    const sql = sqliteDatabase(db, { owned: false });

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
    const restoredFrom = backupTakenAt(db);
    const alignment = await indexer.alignVectors(undefined, { refill: restoredFrom !== undefined });
    const { chunks: stored } = await chunks.counts();
    if (restoredFrom !== undefined) {
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
    return { config, log, db, sql, chunks, vectors, embedder, indexer, close };
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
