import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../app/database.ts';
import { sqliteDatabase } from '../../../app/storage/sqlite-database.ts';
import type { Bm25Params } from '../../../rag/retrieve/bm25.ts';
import { DEFAULT_BM25_PARAMS, LexicalIndex, weightedQueryTerms, type LexicalSource } from '../../../rag/retrieve/lexical-index.ts';
import { ChunkStore } from '../../../rag/store/chunk-store.ts';
import { forEachDialect } from '../../helpers/sql-stores.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { fixtureDocument, type FixtureDoc } from './chunk-fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
let db: Db;
let store: ChunkStore;

beforeEach(() => {
  tmp = tempDir('lore-lexical-');
  db = openDatabase(tmp.dir);
  store = new ChunkStore(sqliteDatabase(db));
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

async function save(...docs: FixtureDoc[]): Promise<void> {
  await saveTo(store, ...docs);
}

async function saveTo(target: ChunkStore, ...docs: FixtureDoc[]): Promise<void> {
  for (const doc of docs) {
    const { stored, chunks } = fixtureDocument(doc);
    await target.saveDocument(stored, chunks);
  }
}

/** An index over `source`, caught up with it. */
async function indexOf(source: LexicalSource, bm25?: Bm25Params): Promise<LexicalIndex> {
  const index = new LexicalIndex(source, bm25);
  await index.refresh();
  return index;
}

function params(overrides: { k1?: number; b?: number; title?: number; text?: number; documentWeight?: number } = {}): Bm25Params {
  const b = overrides.b ?? 0.75;
  return {
    k1: overrides.k1 ?? 1.2,
    documentWeight: overrides.documentWeight ?? 0,
    fields: { title: { weight: overrides.title ?? 1, b }, headings: { weight: 1, b }, text: { weight: overrides.text ?? 1, b } },
  };
}

const search = (index: LexicalIndex, query: string, k = 10) => index.search(weightedQueryTerms(query), k);
const scoreOf = (index: LexicalIndex, query: string, id: string) => search(index, query, 100).find((h) => h.id === id)?.score ?? 0;

// Filler that shares no terms with the queries keeps lengths equal where a test compares term frequency.
const filler = (n: number) => Array.from({ length: n }, (_, i) => `filler${i}`).join(' ');

describe('LexicalIndex BM25', () => {
  it('saturates term frequency: each further occurrence adds less, and no amount exceeds the IDF', async () => {
    await save(
      { id: 'one', chunks: [`apple ${filler(19)}`] },
      { id: 'two', chunks: [`apple apple ${filler(18)}`] },
      { id: 'three', chunks: [`apple apple apple ${filler(17)}`] },
      { id: 'many', chunks: [`${'apple '.repeat(20)}`] },
      { id: 'other', chunks: [`pear ${filler(19)}`] },
    );
    const index = await indexOf(store, params({ b: 0 }));
    const [s1, s2, s3, s20] = ['one#0', 'two#0', 'three#0', 'many#0'].map((id) => scoreOf(index, 'apple', id)) as [number, number, number, number];
    expect(s1).toBeLessThan(s2);
    expect(s2).toBeLessThan(s3);
    expect(s3).toBeLessThan(s20);
    expect(s2 - s1).toBeGreaterThan(s3 - s2);
    expect(s20).toBeLessThan(index.idf('appl'));
  });

  it('weighs rare terms above common ones (IDF)', async () => {
    await save(
      { id: 'common-1', chunks: ['server restart'] },
      { id: 'common-2', chunks: ['server logs'] },
      { id: 'common-3', chunks: ['server disk'] },
      { id: 'rare', chunks: ['kerberos ticket'] },
    );
    const index = await indexOf(store);
    expect(index.idf('kerbero')).toBeGreaterThan(index.idf('server'));
    expect(search(index, 'server kerberos')[0]!.id).toBe('rare#0');
  });

  it('prefers the shorter passage for the same term frequency, unless b is 0', async () => {
    await save({ id: 'short', chunks: [`quota ${filler(3)}`] }, { id: 'long', chunks: [`quota ${filler(60)}`] });
    const normalised = await indexOf(store, params({ b: 0.75 }));
    expect(scoreOf(normalised, 'quota', 'short#0')).toBeGreaterThan(scoreOf(normalised, 'quota', 'long#0'));
    const flat = await indexOf(store, params({ b: 0 }));
    expect(scoreOf(flat, 'quota', 'short#0')).toBeCloseTo(scoreOf(flat, 'quota', 'long#0'), 10);
  });

  it('applies field weights: a title match can outrank a text match or be worth less', async () => {
    await save({ id: 'in-title', title: 'Billing', chunks: [filler(10)] }, { id: 'in-text', title: 'Other', chunks: [`billing ${filler(9)}`] });
    const titleHeavy = await indexOf(store, params({ title: 3 }));
    expect(search(titleHeavy, 'billing').map((h) => h.id)).toEqual(['in-title#0', 'in-text#0']);
    titleHeavy.setParameters(params({ title: 0.2 }));
    expect(search(titleHeavy, 'billing').map((h) => h.id)).toEqual(['in-text#0', 'in-title#0']);
  });

  it('finds passages through stemming, and a question made only of stopwords finds nothing', async () => {
    await save({ id: 'doc', chunks: ['The service reconnects after dropped connections.'] });
    const index = await indexOf(store);
    expect(search(index, 'connection dropping').map((h) => h.id)).toEqual(['doc#0']);
    expect(search(index, 'what is the')).toEqual([]);
  });

  it('lets the whole document lift its passages when documentWeight is set', async () => {
    await save(
      { id: 'focused', chunks: ['vacation policy approval', 'vacation policy carry over', 'unrelated holiday list'] },
      { id: 'stray', chunks: ['vacation policy mention', 'parking rules', 'cafeteria menu'] },
    );
    const index = await indexOf(store, params({ documentWeight: 0 }));
    const passageOnly = scoreOf(index, 'vacation policy', 'focused#0') - scoreOf(index, 'vacation policy', 'stray#0');
    index.setParameters(params({ documentWeight: 1 }));
    const withDocument = scoreOf(index, 'vacation policy', 'focused#0') - scoreOf(index, 'vacation policy', 'stray#0');
    expect(withDocument).toBeGreaterThan(passageOnly);
  });

  it('counts expansion-only terms below the question’s own terms', async () => {
    const terms = weightedQueryTerms('reset password', ['credential recovery', 'reset password']);
    expect(terms).toEqual([
      { term: 'reset', weight: 1 },
      { term: 'password', weight: 1 },
      { term: 'credenti', weight: 0.3 },
      { term: 'recoveri', weight: 0.3 },
    ]);
  });
});

describe('LexicalIndex filters', () => {
  it('never returns a chunk whose metadata fails the where filter', async () => {
    await save(
      { id: 'public', source: 'files', chunks: ['release checklist steps'] },
      { id: 'secret', source: 'notion', chunks: ['release checklist steps and more release checklist'] },
    );
    const index = await indexOf(store);
    expect(index.search(weightedQueryTerms('release checklist'), 10, { source: 'files' }).map((h) => h.id)).toEqual(['public#0']);
    expect(index.search(weightedQueryTerms('release checklist'), 10, { source: { $ne: 'notion' } }).map((h) => h.id)).toEqual(['public#0']);
    expect(index.search(weightedQueryTerms('release checklist'), 10, { source: { $in: ['github'] } })).toEqual([]);
  });

  it('uses the textbook BM25 defaults unless told otherwise', () => {
    expect(new LexicalIndex(store).parameters).toBe(DEFAULT_BM25_PARAMS);
    expect(DEFAULT_BM25_PARAMS.k1).toBe(1.2);
  });
});

/** The store as the index reads it, counting the reads that go past the generation. */
function counted(source: ChunkStore): { source: LexicalSource; reads: () => number } {
  let reads = 0;
  return {
    source: {
      chunksGeneration: () => source.chunksGeneration(),
      chunkRowsAfter: (after, limit) => (reads++, source.chunkRowsAfter(after, limit)),
      chunkCountUpTo: (upTo) => (reads++, source.chunkCountUpTo(upTo)),
      chunkRowidsUpTo: (upTo) => (reads++, source.chunkRowidsUpTo(upTo)),
    },
    reads: () => reads,
  };
}

forEachDialect('LexicalIndex freshness', (stores) => {
  async function open(): Promise<{ reader: ChunkStore; writer: ChunkStore }> {
    const created = await stores.create();
    return { reader: new ChunkStore(await created.connect()), writer: new ChunkStore(await created.connect()) };
  }

  it('sees documents another connection adds, replaces and deletes once refreshed, without being rebuilt', async () => {
    const { reader, writer } = await open();
    const index = await indexOf(reader);
    expect(search(index, 'zebra')).toEqual([]);

    await saveTo(writer, { id: 'animals', chunks: ['zebra stripes'] });
    // Searches stay on the last refresh: synchronous, and no store read on the way.
    expect(search(index, 'zebra')).toEqual([]);
    await index.refresh();
    expect(search(index, 'zebra').map((h) => h.id)).toEqual(['animals#0']);

    // Same document, new text, saved as the highest rows again: must not be mistaken for the old rows.
    await saveTo(writer, { id: 'animals', chunks: ['giraffe necks'] });
    await index.refresh();
    expect(search(index, 'zebra')).toEqual([]);
    expect(search(index, 'giraffe').map((h) => h.id)).toEqual(['animals#0']);

    await writer.deleteDocument('animals');
    await index.refresh();
    expect(search(index, 'giraffe')).toEqual([]);
    expect(index.size()).toEqual({ passages: 0, documents: 0 });
  });

  it('costs one lookup of the chunk generation when nothing changed', async () => {
    const { reader, writer } = await open();
    await saveTo(writer, { id: 'a', chunks: ['alpha beta', 'gamma'] });
    const { source, reads } = counted(reader);
    const index = await indexOf(source);
    const afterBuild = reads();
    expect(afterBuild).toBeGreaterThan(0);
    await index.refresh();
    await index.refresh();
    expect(reads()).toBe(afterBuild);
    expect(index.size()).toEqual({ passages: 2, documents: 1 });
    // A document marked seen (its fingerprint) changes no chunk: still nothing to read.
    await writer.touchDocument('a', 'seen again');
    await index.refresh();
    expect(reads()).toBe(afterBuild);
  });

  it('catches up with writers on other connections that write while it refreshes', async () => {
    const { reader, writer } = await open();
    const index = await indexOf(reader);
    const ids = Array.from({ length: 12 }, (_, i) => `doc${i}`);
    const writes = (async () => {
      for (const id of ids) await saveTo(writer, { id, chunks: [`${id} shared words`, `${id} more words`] });
      for (const id of ids.slice(0, 4)) await writer.deleteDocument(id);
    })();
    const refreshes = (async () => {
      for (let i = 0; i < 10; i++) await index.refresh();
    })();
    await Promise.all([writes, refreshes]);
    // Every change committed before a refresh is in the index once it resolves.
    await index.refresh();
    expect(index.size()).toEqual({ passages: 16, documents: 8 });
    expect(new Set(search(index, 'shared', 100).map((h) => h.id.split('#')[0]))).toEqual(new Set(ids.slice(4)));
  });

  it('waits for a refresh in progress and then refreshes again, so a caller always sees what was committed before it asked', async () => {
    const { reader, writer } = await open();
    const index = new LexicalIndex(reader);
    const first = index.refresh();
    await saveTo(writer, { id: 'late', chunks: ['okapi'] });
    await Promise.all([first, index.refresh()]);
    expect(search(index, 'okapi').map((h) => h.id)).toEqual(['late#0']);
  });
});
