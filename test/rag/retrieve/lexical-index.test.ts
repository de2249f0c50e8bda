import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../app/database.ts';
import type { Bm25Params } from '../../../rag/retrieve/bm25.ts';
import { DEFAULT_BM25_PARAMS, LexicalIndex, weightedQueryTerms } from '../../../rag/retrieve/lexical-index.ts';
import { ChunkStore } from '../../../rag/store/chunk-store.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { fixtureDocument, type FixtureDoc } from './chunk-fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
let db: Db;
let store: ChunkStore;

beforeEach(() => {
  tmp = tempDir('lore-lexical-');
  db = openDatabase(tmp.dir);
  store = new ChunkStore(db);
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

function save(...docs: FixtureDoc[]): void {
  for (const doc of docs) {
    const { stored, chunks } = fixtureDocument(doc);
    store.saveDocument(stored, chunks);
  }
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
  it('saturates term frequency: each further occurrence adds less, and no amount exceeds the IDF', () => {
    save(
      { id: 'one', chunks: [`apple ${filler(19)}`] },
      { id: 'two', chunks: [`apple apple ${filler(18)}`] },
      { id: 'three', chunks: [`apple apple apple ${filler(17)}`] },
      { id: 'many', chunks: [`${'apple '.repeat(20)}`] },
      { id: 'other', chunks: [`pear ${filler(19)}`] },
    );
    const index = new LexicalIndex(store, params({ b: 0 }));
    const [s1, s2, s3, s20] = ['one#0', 'two#0', 'three#0', 'many#0'].map((id) => scoreOf(index, 'apple', id)) as [number, number, number, number];
    expect(s1).toBeLessThan(s2);
    expect(s2).toBeLessThan(s3);
    expect(s3).toBeLessThan(s20);
    expect(s2 - s1).toBeGreaterThan(s3 - s2);
    expect(s20).toBeLessThan(index.idf('appl'));
  });

  it('weighs rare terms above common ones (IDF)', () => {
    save(
      { id: 'common-1', chunks: ['server restart'] },
      { id: 'common-2', chunks: ['server logs'] },
      { id: 'common-3', chunks: ['server disk'] },
      { id: 'rare', chunks: ['kerberos ticket'] },
    );
    const index = new LexicalIndex(store);
    expect(index.idf('kerbero')).toBeGreaterThan(index.idf('server'));
    expect(search(index, 'server kerberos')[0]!.id).toBe('rare#0');
  });

  it('prefers the shorter passage for the same term frequency, unless b is 0', () => {
    save({ id: 'short', chunks: [`quota ${filler(3)}`] }, { id: 'long', chunks: [`quota ${filler(60)}`] });
    const normalised = new LexicalIndex(store, params({ b: 0.75 }));
    expect(scoreOf(normalised, 'quota', 'short#0')).toBeGreaterThan(scoreOf(normalised, 'quota', 'long#0'));
    const flat = new LexicalIndex(store, params({ b: 0 }));
    expect(scoreOf(flat, 'quota', 'short#0')).toBeCloseTo(scoreOf(flat, 'quota', 'long#0'), 10);
  });

  it('applies field weights: a title match can outrank a text match or be worth less', () => {
    save({ id: 'in-title', title: 'Billing', chunks: [filler(10)] }, { id: 'in-text', title: 'Other', chunks: [`billing ${filler(9)}`] });
    const titleHeavy = new LexicalIndex(store, params({ title: 3 }));
    expect(search(titleHeavy, 'billing').map((h) => h.id)).toEqual(['in-title#0', 'in-text#0']);
    titleHeavy.setParameters(params({ title: 0.2 }));
    expect(search(titleHeavy, 'billing').map((h) => h.id)).toEqual(['in-text#0', 'in-title#0']);
  });

  it('finds passages through stemming, and a question made only of stopwords finds nothing', () => {
    save({ id: 'doc', chunks: ['The service reconnects after dropped connections.'] });
    const index = new LexicalIndex(store);
    expect(search(index, 'connection dropping').map((h) => h.id)).toEqual(['doc#0']);
    expect(search(index, 'what is the')).toEqual([]);
  });

  it('lets the whole document lift its passages when documentWeight is set', () => {
    save(
      { id: 'focused', chunks: ['vacation policy approval', 'vacation policy carry over', 'unrelated holiday list'] },
      { id: 'stray', chunks: ['vacation policy mention', 'parking rules', 'cafeteria menu'] },
    );
    const index = new LexicalIndex(store, params({ documentWeight: 0 }));
    const passageOnly = scoreOf(index, 'vacation policy', 'focused#0') - scoreOf(index, 'vacation policy', 'stray#0');
    index.setParameters(params({ documentWeight: 1 }));
    const withDocument = scoreOf(index, 'vacation policy', 'focused#0') - scoreOf(index, 'vacation policy', 'stray#0');
    expect(withDocument).toBeGreaterThan(passageOnly);
  });

  it('counts expansion-only terms below the question’s own terms', () => {
    const terms = weightedQueryTerms('reset password', ['credential recovery', 'reset password']);
    expect(terms).toEqual([
      { term: 'reset', weight: 1 },
      { term: 'password', weight: 1 },
      { term: 'credenti', weight: 0.3 },
      { term: 'recoveri', weight: 0.3 },
    ]);
  });
});

describe('LexicalIndex filters and freshness', () => {
  it('never returns a chunk whose metadata fails the where filter', () => {
    save(
      { id: 'public', source: 'files', chunks: ['release checklist steps'] },
      { id: 'secret', source: 'notion', chunks: ['release checklist steps and more release checklist'] },
    );
    const index = new LexicalIndex(store);
    expect(index.search(weightedQueryTerms('release checklist'), 10, { source: 'files' }).map((h) => h.id)).toEqual(['public#0']);
    expect(index.search(weightedQueryTerms('release checklist'), 10, { source: { $ne: 'notion' } }).map((h) => h.id)).toEqual(['public#0']);
    expect(index.search(weightedQueryTerms('release checklist'), 10, { source: { $in: ['github'] } })).toEqual([]);
  });

  it('sees documents another connection adds, replaces and deletes, without being rebuilt', () => {
    const index = new LexicalIndex(store);
    expect(search(index, 'zebra')).toEqual([]);
    const writerDb = openDatabase(tmp.dir);
    const writer = new ChunkStore(writerDb);
    try {
      const first = fixtureDocument({ id: 'animals', chunks: ['zebra stripes'] });
      writer.saveDocument(first.stored, first.chunks);
      expect(search(index, 'zebra').map((h) => h.id)).toEqual(['animals#0']);

      // Same document, new text, saved as the highest rows again: must not be mistaken for the old rows.
      const second = fixtureDocument({ id: 'animals', chunks: ['giraffe necks'] });
      writer.saveDocument(second.stored, second.chunks);
      expect(search(index, 'zebra')).toEqual([]);
      expect(search(index, 'giraffe').map((h) => h.id)).toEqual(['animals#0']);

      writer.deleteDocument('animals');
      expect(search(index, 'giraffe')).toEqual([]);
      expect(index.size()).toEqual({ passages: 0, documents: 0 });
    } finally {
      writerDb.close();
    }
  });

  it('uses the textbook BM25 defaults unless told otherwise', () => {
    expect(new LexicalIndex(store).parameters).toBe(DEFAULT_BM25_PARAMS);
    expect(DEFAULT_BM25_PARAMS.k1).toBe(1.2);
  });
});
