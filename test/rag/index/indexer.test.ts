import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChromaServer, type ChromaServer } from '../../../app/chroma-server.ts';
import { openDatabase, type Db } from '../../../app/database.ts';
import { createLogger } from '../../../app/logger.ts';
import { DEFAULT_CHUNK_OPTIONS } from '../../../rag/chunk/chunk-options.ts';
import { DEFAULT_TOPICS } from '../../../rag/enrich/topics.ts';
import { DocumentGoneError, Indexer, type DocumentCandidate } from '../../../rag/index/indexer.ts';
import { ChromaStore } from '../../../rag/store/chroma-store.ts';
import { ChunkStore } from '../../../rag/store/chunk-store.ts';
import { sqliteDatabase } from '../../../app/storage/sqlite-database.ts';
import type { SourceDocument } from '../../../rag/types.ts';
import { HashingEmbedder } from '../../helpers/hashing-embedder.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const tmp = tempDir('lore-indexer-');
let server: ChromaServer;
let db: Db;
let chunks: ChunkStore;
let vectors: ChromaStore;
let indexer: Indexer;

function doc(id: string, text: string): SourceDocument {
  return { id, source: 'github', title: id, url: `https://example.test/${id}`, format: 'markdown', extension: 'md', text, sizeBytes: text.length };
}

const candidate = (d: SourceDocument, fingerprint: string, load = async () => d): DocumentCandidate => ({
  id: d.id,
  location: d.id,
  fingerprint,
  load,
});

beforeAll(async () => {
  server = await startChromaServer(path.join(tmp.dir, 'chroma'), createLogger('silent'));
  db = openDatabase(tmp.dir);
  chunks = new ChunkStore(sqliteDatabase(db));
  vectors = ChromaStore.fromUrl(server.url, 'indexer');
  indexer = new Indexer({ chunks, vectors, embedder: new HashingEmbedder(), topics: DEFAULT_TOPICS });
  await indexer.alignVectors();
});
afterAll(async () => {
  db?.close();
  await server?.stop();
  tmp.cleanup();
});

describe('Indexer', () => {
  it('removes a document found deleted upstream while loading, and counts it as a deletion, not a failure', async () => {
    const kept = doc('github:acme/repo/issues/1', '# Issue one\n\nThe deploy script fails on Mondays.');
    const gone = doc('github:acme/repo/issues/2', '# Issue two\n\nSearch returns stale results.');
    const first = await indexer.index([candidate(kept, 'v1'), candidate(gone, 'v1')], { source: 'github' });
    expect(first).toMatchObject({ added: 2, failed: [] });
    const goneChunks = await chunks.chunkIdsOf(gone.id);
    expect(goneChunks.length).toBeGreaterThan(0);

    // Issue 2 changed (so it is loaded again) and was deleted before the load: HTTP 410.
    const second = await indexer.index(
      [
        candidate(kept, 'v1'),
        candidate(gone, 'v2', async () => {
          throw new DocumentGoneError(`${gone.id} no longer exists upstream (HTTP 410)`);
        }),
      ],
      { source: 'github' },
    );
    expect(second).toMatchObject({ unchanged: 1, deleted: 1, failed: [] });
    expect(await chunks.getDocument(gone.id)).toBeUndefined();
    expect(await chunks.getDocument(kept.id)).toBeDefined();
    expect(await vectors.count()).toBe((await chunks.counts()).chunks);
  });

  it('records any other load error as a failure and keeps what was indexed', async () => {
    const page = doc('github:acme/repo/issues/3', '# Issue three\n\nLogin times out behind the proxy.');
    await indexer.index([candidate(page, 'v1')], { source: 'github' });
    const summary = await indexer.index(
      [
        candidate(page, 'v2', async () => {
          throw new Error('HTTP 502 from upstream');
        }),
      ],
      { source: 'github' },
    );
    expect(summary.failed).toEqual([{ path: page.id, error: 'HTTP 502 from upstream' }]);
    expect((await chunks.getDocument(page.id))?.fingerprint).toMatch(/v1/);
  });

  it('reads an unchanged document again once the way documents are read and chunked has changed', async () => {
    const page = doc('github:acme/repo/issues/5', '# Issue five\n\nUploads over 10 MB stall at 99%.');
    let loads = 0;
    const counted = () => candidate(page, 'v1', async () => (loads++, page));
    await indexer.index([counted()], { source: 'github' });
    expect(await indexer.index([counted()], { source: 'github' })).toMatchObject({ unchanged: 1 });
    expect(loads).toBe(1);

    const rechunking = new Indexer({
      chunks,
      vectors,
      embedder: new HashingEmbedder(),
      topics: DEFAULT_TOPICS,
      chunkOptions: { ...DEFAULT_CHUNK_OPTIONS, maxTokens: 200 },
    });
    const summary = await rechunking.index([counted()], { source: 'github' });
    expect(loads).toBe(2);
    expect(summary.updated + summary.unchanged).toBe(1);
  });

  it('refills a collection that lost vectors from the stored chunks, and leaves a complete one alone', async () => {
    const page = doc(
      'github:acme/repo/issues/4',
      '# Issue four\n\nThe nightly export skips archived projects.\n\n## Workaround\n\nUnarchive, export, archive again.',
    );
    await indexer.index([candidate(page, 'v1')], { source: 'github' });
    const stored = (await chunks.counts()).chunks;
    expect(await vectors.count()).toBe(stored);
    expect(await indexer.alignVectors()).toBe('ok');

    // A restored database or a wiped Chroma: the collection still names the embedder but misses vectors.
    await vectors.delete(await chunks.chunkIdsOf(page.id));
    expect(await vectors.count()).toBeLessThan(stored);
    const progress: number[] = [];
    expect(await indexer.alignVectors(({ done }) => progress.push(done))).toBe('refilled');
    expect(await vectors.count()).toBe(stored);
    expect(progress.at(-1)).toBe(stored);
    const [hit] = await vectors.query((await new HashingEmbedder().embed(['nightly export archived projects']))[0]!, 1);
    expect(await chunks.chunkIdsOf(page.id)).toContain(hit?.id);
    expect(await indexer.alignVectors()).toBe('ok');
  });
});
