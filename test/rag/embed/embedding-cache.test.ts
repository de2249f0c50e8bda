import { afterAll, beforeAll, expect, it } from 'vitest';
import { CachedEmbedder } from '../../../rag/embed/embedding-cache.ts';
import { GeminiEmbedder } from '../../../rag/embed/gemini-embedder.ts';
import { startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';
import { forEachDialect } from '../../helpers/sql-stores.ts';

// The embedding cache on SQLite and PostgreSQL alike: each connection stands for a process or replica sharing the store,
// which embeds a text once whichever of them asked first.

let gemini: FakeGemini;

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'k' });
});
afterAll(async () => {
  await gemini.close();
});

/** The texts the embedder was asked for from now on. */
function embedded(): () => string[] {
  const before = gemini.requests.length;
  return () => gemini.requests.slice(before).flatMap((r) => r.texts);
}

const gemini8 = () => new GeminiEmbedder({ apiKey: 'k', baseUrl: gemini.url, dimensions: 8 });

forEachDialect('CachedEmbedder', (stores) => {
  it('embeds each distinct text once and returns vectors in input order', async () => {
    const embedder = new CachedEmbedder(gemini8(), await (await stores.create()).connect());
    const texts = embedded();
    const first = await embedder.embed(['alpha', 'beta', 'alpha'], 'document');
    expect(texts()).toEqual(['alpha', 'beta']);
    expect(first[0]).toEqual(first[2]);
    expect(first[0]).not.toEqual(first[1]);

    const second = await embedder.embed(['beta', 'gamma', 'alpha'], 'document');
    expect(texts()).toEqual(['alpha', 'beta', 'gamma']);
    expect(second[0]).toEqual(first[1]);
    expect(second[2]).toEqual(first[0]);
    expect(embedder.hits).toBe(2);
    expect(embedder.misses).toBe(3);
  });

  it('returns a cached vector exactly as it returned it fresh (float32)', async () => {
    const store = await stores.create();
    const [fresh] = await new CachedEmbedder(gemini8(), await store.connect()).embed(['delta'], 'document');
    const texts = embedded();
    const [cached] = await new CachedEmbedder(gemini8(), await store.connect()).embed(['delta'], 'document');
    expect(texts()).toEqual([]);
    expect(cached).toEqual(fresh);
    expect(cached).toHaveLength(8);
  });

  it('shares what one process embedded with the others, and keeps queries and documents apart', async () => {
    const store = await stores.create();
    await new CachedEmbedder(gemini8(), await store.connect()).embed(['alpha'], 'document');
    const other = new CachedEmbedder(gemini8(), await store.connect());
    const texts = embedded();
    await other.embed(['alpha'], 'document');
    expect(texts()).toEqual([]);
    await other.embed(['alpha'], 'query');
    expect(texts()).toEqual(['alpha']);
  });

  it('keeps the vectors of different embedders apart', async () => {
    const db = await (await stores.create()).connect();
    await new CachedEmbedder(gemini8(), db).embed(['alpha'], 'document');
    const [vector] = await new CachedEmbedder(new GeminiEmbedder({ apiKey: 'k', baseUrl: gemini.url, dimensions: 4 }), db).embed(
      ['alpha'],
      'document',
    );
    expect(vector).toHaveLength(4);
  });

  it('stores and finds a batch larger than one statement carries, with two processes embedding it at once', async () => {
    const store = await stores.create();
    const texts = Array.from({ length: 450 }, (_, i) => `passage ${i}`);
    const [one, two] = [new CachedEmbedder(gemini8(), await store.connect()), new CachedEmbedder(gemini8(), await store.connect())];
    const [a, b] = await Promise.all([one.embed(texts, 'document'), two.embed([...texts].reverse(), 'document')]);
    expect(a).toHaveLength(450);
    expect(b.reverse()).toEqual(a);
    const asked = embedded();
    const third = new CachedEmbedder(gemini8(), await store.connect());
    expect(await third.embed(texts, 'document')).toEqual(a);
    expect(asked()).toEqual([]);
    expect(third.hits).toBe(450);
  });
});
