import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../app/database.ts';
import { DenseSearch, type NearestNeighbours } from '../../../rag/retrieve/dense-search.ts';
import type { ScoredId } from '../../../rag/retrieve/fusion.ts';
import { HybridRetriever } from '../../../rag/retrieve/hybrid-retriever.ts';
import { LexicalIndex } from '../../../rag/retrieve/lexical-index.ts';
import { ChunkStore } from '../../../rag/store/chunk-store.ts';
import { sqliteDatabase } from '../../../app/storage/sqlite-database.ts';
import type { Embedder, MetadataFilter } from '../../../rag/types.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { fixtureDocument } from './chunk-fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
let db: Db;
let store: ChunkStore;

beforeEach(async () => {
  tmp = tempDir('lore-hybrid-');
  db = openDatabase(tmp.dir);
  store = new ChunkStore(sqliteDatabase(db));
  for (const doc of [
    fixtureDocument({ id: 'vpn', source: 'files', chunks: ['Connect to the VPN with the company client.'] }),
    fixtureDocument({ id: 'remote', source: 'files', chunks: ['Working from home: laptops need the secure tunnel first.'] }),
    fixtureDocument({ id: 'private', source: 'notion', chunks: ['Board minutes: remote access budget.'] }),
  ]) {
    await store.saveDocument(doc.stored, doc.chunks);
  }
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

/** One-dimensional "embeddings": each text gets the vector given for it (default 0). */
class TableEmbedder implements Embedder {
  readonly id = 'table';
  readonly dimension = 1;
  constructor(private readonly table: Record<string, number>) {}
  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((text) => [this.table[text] ?? 0]);
  }
  async close(): Promise<void> {}
}

/** Answers by vector: vector [i] returns the i-th list. Ignores `where`, like a misbehaving store would. */
class ListVectors implements NearestNeighbours {
  constructor(private readonly lists: ScoredId[][]) {}
  async nearest(vector: number[], k: number, _where?: MetadataFilter): Promise<ScoredId[]> {
    return (this.lists[vector[0]!] ?? []).slice(0, k);
  }
}

const id = (doc: string) => `${doc}#0`;

describe('HybridRetriever', () => {
  it('returns stored text, metadata and both signals for each fused chunk', async () => {
    const dense = new DenseSearch(
      new TableEmbedder({ 'vpn client': 0 }),
      new ListVectors([
        [
          { id: id('remote'), score: 0.9 },
          { id: id('vpn'), score: 0.5 },
        ],
      ]),
    );
    const retriever = new HybridRetriever({ lexical: new LexicalIndex(store), chunks: store, dense, weights: { lexical: 0.7, dense: 0.3 } });
    const results = await retriever.retrieve({ text: 'vpn client', expansions: [] }, 5);
    expect(results.map((r) => r.id)).toEqual([id('vpn'), id('remote')]);
    expect(results[0]).toMatchObject({ docId: 'vpn', text: 'Connect to the VPN with the company client.', metadata: { source: 'files' } });
    expect(results[0]!.signals.lexical).toBeGreaterThan(0);
    expect(results[0]!.signals.dense).toBe(0.5);
    expect(results[1]!.signals.lexical).toBeUndefined();
    expect(results[0]!.score).toBe(results[0]!.signals.fused);
  });

  it('drops a chunk outside the filter even when a side returns it', async () => {
    const dense = new DenseSearch(
      new TableEmbedder({}),
      new ListVectors([
        [
          { id: id('private'), score: 0.99 },
          { id: id('remote'), score: 0.5 },
        ],
      ]),
    );
    const retriever = new HybridRetriever({ lexical: new LexicalIndex(store), chunks: store, dense });
    const results = await retriever.retrieve({ text: 'remote access', expansions: [], where: { source: 'files' } }, 5);
    expect(results.map((r) => r.docId)).not.toContain('private');
    expect(results.map((r) => r.docId)).toContain('remote');
  });

  it('counts a dense hit found only through an expansion below the question’s own hit', async () => {
    const embedder = new TableEmbedder({ 'work from home': 0, 'secure tunnel': 1 });
    const vectors = new ListVectors([[{ id: id('vpn'), score: 0.8 }], [{ id: id('remote'), score: 0.8 }]]);
    const retriever = new HybridRetriever({
      lexical: new LexicalIndex(store),
      chunks: store,
      dense: new DenseSearch(embedder, vectors),
      weights: { lexical: 0, dense: 1 },
    });
    const results = await retriever.retrieve({ text: 'work from home', expansions: ['secure tunnel'] }, 5);
    expect(results.find((r) => r.id === id('vpn'))!.signals.dense).toBe(0.8);
    expect(results.find((r) => r.id === id('remote'))!.signals.dense).toBeCloseTo(0.72, 10);
  });

  it('goes on with the lexical side when dense search fails and a handler is given', async () => {
    const failing: NearestNeighbours = { nearest: async () => Promise.reject(new Error('Chroma is down')) };
    const dense = new DenseSearch(new TableEmbedder({}), failing);
    const failures: string[] = [];
    const tolerant = new HybridRetriever({ lexical: new LexicalIndex(store), chunks: store, dense, onDenseFailure: (e) => failures.push(e.message) });
    expect((await tolerant.retrieve({ text: 'vpn', expansions: [] }, 3)).map((r) => r.id)).toEqual([id('vpn')]);
    expect(failures).toEqual(['Chroma is down']);

    const strict = new HybridRetriever({ lexical: new LexicalIndex(store), chunks: store, dense });
    await expect(strict.retrieve({ text: 'vpn', expansions: [] }, 3)).rejects.toThrow('Chroma is down');
  });

  it('skips a chunk deleted between search and loading', async () => {
    const lexical = new LexicalIndex(store);
    const retriever = new HybridRetriever({ lexical, chunks: store });
    const vanishing = { getChunks: async (ids: readonly string[]) => (await store.getChunks(ids)).filter((c) => c.docId !== 'vpn') };
    const racing = new HybridRetriever({ lexical, chunks: vanishing });
    expect((await retriever.retrieve({ text: 'vpn company', expansions: [] }, 3)).map((r) => r.docId)).toEqual(['vpn']);
    expect(await racing.retrieve({ text: 'vpn company', expansions: [] }, 3)).toEqual([]);
  });
});
