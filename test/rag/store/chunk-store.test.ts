import { expect, it } from 'vitest';
import { ChunkStore, toFtsQuery, type StoredDocument } from '../../../rag/store/chunk-store.ts';
import type { Chunk } from '../../../rag/types.ts';
import { forEachDialect } from '../../helpers/sql-stores.ts';

// The chunk store on SQLite and PostgreSQL alike: what one connection (a replica, or `lore ingest` beside
// `lore start`) writes, another reads, and rowids only ever grow, which the in-memory lexical index relies on.

function doc(id: string, location: string, chunkCount = 1): StoredDocument {
  return {
    id,
    source: 'files',
    location,
    title: id,
    url: `file://${location}`,
    contentHash: 'h',
    fingerprint: 'f',
    chunkCount,
    sizeBytes: 10,
    indexedAt: '2026-01-01T00:00:00Z',
  };
}

function chunk(docId: string, ordinal: number, text: string, title = 'Guide'): Chunk {
  return {
    id: `${docId}-${ordinal}`,
    docId,
    ordinal,
    text,
    contentHash: `${docId}${ordinal}`,
    metadata: { title, headingPath: 'Intro' } as Chunk['metadata'],
  };
}

forEachDialect('ChunkStore', (stores) => {
  async function open(): Promise<{ store: ChunkStore; other: ChunkStore }> {
    const created = await stores.create();
    return { store: new ChunkStore(await created.connect()), other: new ChunkStore(await created.connect()) };
  }

  it('finds chunks by full-text search with stemming, best match first', async () => {
    const { store } = await open();
    await store.saveDocument(doc('a', '/kb/a.md', 2), [chunk('a', 0, 'Deploying the service to production'), chunk('a', 1, 'Lunch menu')]);
    await store.saveDocument(doc('b', '/kb/b.md'), [chunk('b', 0, 'Deployment deploys deployed: the deploy guide')]);
    const hits = await store.searchLexical('how do I deploy?', 10);
    expect(hits.map((h) => h.id)).toEqual(['b-0', 'a-0']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('replaces a document’s chunks and index rows when it is saved again', async () => {
    const { store, other } = await open();
    await store.saveDocument(doc('a', '/kb/a.md', 2), [chunk('a', 0, 'old words here'), chunk('a', 1, 'more old words')]);
    await store.saveDocument(doc('a', '/kb/a.md'), [chunk('a', 0, 'brand new text')]);
    expect(await other.chunkIdsOf('a')).toEqual(['a-0']);
    expect(await other.searchLexical('old', 10)).toEqual([]);
    expect((await other.searchLexical('brand', 10)).map((h) => h.id)).toEqual(['a-0']);
    expect(await other.counts()).toEqual({ documents: 1, chunks: 1 });
    expect(await other.getDocument('a')).toEqual(doc('a', '/kb/a.md'));
  });

  it('deletes a document with its chunks and lists documents by location prefix', async () => {
    const { store } = await open();
    await store.saveDocument(doc('a', '/kb/x/a.md'), [chunk('a', 0, 'alpha')]);
    await store.saveDocument(doc('b', '/kb/y/b.md'), [chunk('b', 0, 'beta')]);
    await store.saveDocument(doc('c', '/kb/x%/c.md'), [chunk('c', 0, 'gamma')]);
    expect((await store.listDocuments('files', '/kb/x/')).map((d) => d.id)).toEqual(['a']);
    expect((await store.listDocuments('notion')).map((d) => d.id)).toEqual([]);
    await store.deleteDocument('a');
    expect(await store.getDocument('a')).toBeUndefined();
    expect(await store.searchLexical('alpha', 10)).toEqual([]);
    expect((await store.listDocuments('files')).map((d) => d.id)).toEqual(['b', 'c']);
    expect(await store.sourceCounts('files')).toEqual({ documents: 2, chunks: 2, lastIndexedAt: '2026-01-01T00:00:00Z' });
    expect(await store.sourceCounts('notion')).toEqual({ documents: 0, chunks: 0 });
  });

  it('marks a document seen without touching its chunks', async () => {
    const { store } = await open();
    await store.saveDocument(doc('a', '/a'), [chunk('a', 0, 'alpha')]);
    const before = await store.chunkRowsAfter(0, 10);
    await store.touchDocument('a', 'f2');
    expect((await store.getDocument('a'))?.fingerprint).toBe('f2');
    expect(await store.chunkRowsAfter(0, 10)).toEqual(before);
  });

  it('treats search operators in questions as plain words', async () => {
    const { store } = await open();
    await store.saveDocument(doc('a', '/kb/a.md'), [chunk('a', 0, 'NEAR the column title OR body')]);
    await expect(store.searchLexical('title: "NEAR( AND * OR - & | ! <-> \'', 10)).resolves.toBeInstanceOf(Array);
    expect(toFtsQuery('a "b" c*')).toBe('"a" OR "b" OR "c"');
    expect(await store.searchLexical('???', 10)).toEqual([]);
  });

  it('filters full-text results by metadata like the vector store', async () => {
    const { store } = await open();
    await store.saveDocument(doc('a', '/a'), [{ ...chunk('a', 0, 'deploy guide'), metadata: { ...chunk('a', 0, '').metadata, source: 'files' } }]);
    await store.saveDocument(doc('b', '/b'), [{ ...chunk('b', 0, 'deploy guide'), metadata: { ...chunk('b', 0, '').metadata, source: 'notion' } }]);
    expect((await store.searchLexical('deploy', 10, { source: 'notion' })).map((h) => h.id)).toEqual(['b-0']);
    expect(await store.searchLexical('deploy', 10)).toHaveLength(2);
  });

  it('pages through every chunk for rebuilding the vector index, and returns chunks in the order asked', async () => {
    const { store } = await open();
    for (let i = 0; i < 5; i += 1) await store.saveDocument(doc(`d${i}`, `/kb/${i}`), [chunk(`d${i}`, 0, `text ${i}`)]);
    const pages: Chunk[][] = [];
    for await (const page of store.allChunks(2)) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((c) => c.docId)).toEqual(['d0', 'd1', 'd2', 'd3', 'd4']);
    expect((await store.getChunks(['d3-0', 'missing', 'd1-0'])).map((c) => c.id)).toEqual(['d3-0', 'd1-0']);
    const many = Array.from({ length: 600 }, (_, i) => `d${i % 7}-0`);
    expect(await store.getChunks(many)).toHaveLength(many.filter((id) => id !== 'd5-0' && id !== 'd6-0').length);
  });

  it('reads the chunks of a document at given ordinals, in document order, skipping those that do not exist', async () => {
    const { store, other } = await open();
    await store.saveDocument(doc('a', '/kb/a.md', 3), [chunk('a', 0, 'zero'), chunk('a', 1, 'one'), chunk('a', 2, 'two')]);
    await store.saveDocument(doc('b', '/kb/b.md'), [chunk('b', 0, 'other document')]);
    expect((await other.chunksAt('a', [2, -1, 0])).map((c) => c.id)).toEqual(['a-0', 'a-2']);
    expect((await other.chunksAt('b', [1])).map((c) => c.id)).toEqual([]);
    expect(await other.chunksAt('a', [])).toEqual([]);
  });

  it('names the indexed content: the same documents give the same version, on any connection', async () => {
    const { store, other } = await open();
    await store.saveDocument(doc('a', '/a'), [chunk('a', 0, 'alpha')]);
    const first = await store.indexVersion();
    expect(await other.indexVersion()).toBe(first);
    await other.saveDocument({ ...doc('a', '/a'), contentHash: 'h2' }, [chunk('a', 0, 'alpha two')]);
    expect(await store.indexVersion()).not.toBe(first);
    await other.saveDocument(doc('a', '/a'), [chunk('a', 0, 'alpha')]);
    expect(await store.indexVersion()).toBe(first);
  });

  it('never reuses a rowid, so an in-memory index can tell a replaced chunk from an old one', async () => {
    const { store, other } = await open();
    await store.saveDocument(doc('a', '/a'), [chunk('a', 0, 'first version')]);
    const first = (await store.chunkRowsAfter(0, 10)).map((r) => r.rowid);
    await other.saveDocument(doc('a', '/a'), [chunk('a', 0, 'second version')]);
    const second = await store.chunkRowsAfter(0, 10);
    expect(second.map((r) => r.chunk.text)).toEqual(['second version']);
    expect(second[0]!.rowid).toBeGreaterThan(first[0]!);
    await store.deleteDocument('a');
    await other.saveDocument(doc('b', '/b'), [chunk('b', 0, 'third')]);
    const third = await store.chunkRowidsUpTo(Number.MAX_SAFE_INTEGER);
    expect(third).toHaveLength(1);
    expect(third[0]).toBeGreaterThan(second[0]!.rowid);
    expect(await store.chunkCountUpTo(third[0]!)).toBe(1);
    expect(await store.chunkCountUpTo(third[0]! - 1)).toBe(0);
  });

  it('moves the chunk generation with every change to the chunk table, whoever makes it', async () => {
    const { store, other } = await open();
    const generations = [await store.chunksGeneration()];
    await other.saveDocument(doc('a', '/a'), [chunk('a', 0, 'alpha')]);
    generations.push(await store.chunksGeneration());
    await other.touchDocument('a', 'f2');
    expect(await store.chunksGeneration()).toBe(generations.at(-1));
    await other.deleteDocument('a');
    generations.push(await store.chunksGeneration());
    expect(new Set(generations).size).toBe(3);
  });

  it('hands out distinct, ascending rowids to writers on two connections at once', async () => {
    const { store, other } = await open();
    const docs = Array.from({ length: 8 }, (_, i) => `d${i}`);
    const save = (id: string, i: number) =>
      (i % 2 === 0 ? store : other).saveDocument(
        doc(id, `/${id}`, 3),
        [0, 1, 2].map((n) => chunk(id, n, `${id} text ${n}`)),
      );
    // SQLite's writers take turns on the database lock, each in its own process: two connections of one process
    // interleaving their transactions would only wait on each other, so there they write one after the other.
    if (stores.dialect === 'postgres') await Promise.all(docs.map(save));
    else for (const [i, id] of docs.entries()) await save(id, i);
    const rows = await store.chunkRowsAfter(0, 100);
    expect(rows).toHaveLength(24);
    expect(new Set(rows.map((r) => r.rowid)).size).toBe(24);
    // A document's chunks are one run of consecutive ids: each writer took its ids in one step.
    for (const id of docs) {
      const ids = rows.filter((r) => r.chunk.docId === id).map((r) => r.rowid);
      expect(ids).toEqual([ids[0]!, ids[0]! + 1, ids[0]! + 2]);
    }
  });
});
