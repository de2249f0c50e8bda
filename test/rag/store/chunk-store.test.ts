import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../app/database.ts';
import { ChunkStore, toFtsQuery, type StoredDocument } from '../../../rag/store/chunk-store.ts';
import type { Chunk } from '../../../rag/types.ts';

let dir: string;
let db: Db;
let store: ChunkStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lore-chunks-'));
  db = openDatabase(dir);
  store = new ChunkStore(db);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function doc(id: string, location: string): StoredDocument {
  return {
    id,
    source: 'files',
    location,
    title: id,
    url: `file://${location}`,
    contentHash: 'h',
    fingerprint: 'f',
    chunkCount: 1,
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

describe('ChunkStore', () => {
  it('finds chunks by BM25 with stemming, best match first', () => {
    store.saveDocument(doc('a', '/kb/a.md'), [chunk('a', 0, 'Deploying the service to production'), chunk('a', 1, 'Lunch menu')]);
    store.saveDocument(doc('b', '/kb/b.md'), [chunk('b', 0, 'Deployment deploys deployed: the deploy guide')]);
    const hits = store.searchLexical('how do I deploy?', 10);
    expect(hits.map((h) => h.id)).toEqual(['b-0', 'a-0']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('replaces a document’s chunks and index rows when it is saved again', () => {
    store.saveDocument(doc('a', '/kb/a.md'), [chunk('a', 0, 'old words here'), chunk('a', 1, 'more old words')]);
    store.saveDocument(doc('a', '/kb/a.md'), [chunk('a', 0, 'brand new text')]);
    expect(store.chunkIdsOf('a')).toEqual(['a-0']);
    expect(store.searchLexical('old', 10)).toEqual([]);
    expect(store.searchLexical('brand', 10).map((h) => h.id)).toEqual(['a-0']);
    expect(store.counts()).toEqual({ documents: 1, chunks: 1 });
  });

  it('deletes a document with its chunks and lists documents by location prefix', () => {
    store.saveDocument(doc('a', '/kb/x/a.md'), [chunk('a', 0, 'alpha')]);
    store.saveDocument(doc('b', '/kb/y/b.md'), [chunk('b', 0, 'beta')]);
    expect(store.listDocuments('files', '/kb/x/').map((d) => d.id)).toEqual(['a']);
    store.deleteDocument('a');
    expect(store.getDocument('a')).toBeUndefined();
    expect(store.searchLexical('alpha', 10)).toEqual([]);
    expect(store.listDocuments('files').map((d) => d.id)).toEqual(['b']);
  });

  it('treats FTS5 operators in questions as plain words', () => {
    store.saveDocument(doc('a', '/kb/a.md'), [chunk('a', 0, 'NEAR the column title OR body')]);
    expect(() => store.searchLexical('title: "NEAR( AND * OR -', 10)).not.toThrow();
    expect(toFtsQuery('a "b" c*')).toBe('"a" OR "b" OR "c"');
    expect(store.searchLexical('???', 10)).toEqual([]);
  });

  it('pages through every chunk for rebuilding the vector index', () => {
    for (let i = 0; i < 5; i += 1) store.saveDocument(doc(`d${i}`, `/kb/${i}`), [chunk(`d${i}`, 0, `text ${i}`)]);
    const pages = [...store.allChunks(2)];
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((c) => c.docId)).toEqual(['d0', 'd1', 'd2', 'd3', 'd4']);
  });
});

describe('ChunkStore rowids', () => {
  it('never reuses a rowid, so an in-memory index can tell a replaced chunk from an old one', () => {
    store.saveDocument(doc('a', '/a'), [chunk('a', 0, 'first version')]);
    const first = store.chunkRowsAfter(0, 10).map((r) => r.rowid);
    store.saveDocument(doc('a', '/a'), [chunk('a', 0, 'second version')]);
    const second = store.chunkRowsAfter(0, 10);
    expect(second.map((r) => r.chunk.text)).toEqual(['second version']);
    expect(second[0]!.rowid).toBeGreaterThan(first[0]!);
    store.deleteDocument('a');
    store.saveDocument(doc('b', '/b'), [chunk('b', 0, 'third')]);
    expect(store.chunkRowids()[0]).toBeGreaterThan(second[0]!.rowid);
    expect(store.chunkTableState()).toEqual({ count: 1, maxRowid: store.chunkRowids()[0] });
  });

  it('filters FTS5 results by metadata like the vector store', () => {
    store.saveDocument(doc('a', '/a'), [{ ...chunk('a', 0, 'deploy guide'), metadata: { ...chunk('a', 0, '').metadata, source: 'files' } }]);
    store.saveDocument(doc('b', '/b'), [{ ...chunk('b', 0, 'deploy guide'), metadata: { ...chunk('b', 0, '').metadata, source: 'notion' } }]);
    expect(store.searchLexical('deploy', 10, { source: 'notion' }).map((h) => h.id)).toEqual(['b-0']);
    expect(store.searchLexical('deploy', 10).length).toBe(2);
  });
});
