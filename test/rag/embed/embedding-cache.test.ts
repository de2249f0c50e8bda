import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../app/database.ts';
import { CachedEmbedder } from '../../../rag/embed/embedding-cache.ts';
import { GeminiEmbedder } from '../../../rag/embed/gemini-embedder.ts';
import { startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

let gemini: FakeGemini;
let db: Db;
const tmp = tempDir('lore-cache-');

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'k' });
  db = openDatabase(tmp.dir);
});
afterAll(async () => {
  db.close();
  await gemini.close();
  tmp.cleanup();
});

const texts = () => gemini.requests.flatMap((r) => r.texts);

describe('CachedEmbedder', () => {
  it('embeds each distinct text once and returns vectors in input order', async () => {
    const embedder = new CachedEmbedder(new GeminiEmbedder({ apiKey: 'k', baseUrl: gemini.url, dimensions: 8 }), db);
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

  it('survives a restart and keeps queries and documents apart', async () => {
    const reopened = new CachedEmbedder(new GeminiEmbedder({ apiKey: 'k', baseUrl: gemini.url, dimensions: 8 }), db);
    const before = gemini.requests.length;
    await reopened.embed(['alpha'], 'document');
    expect(gemini.requests.length).toBe(before);
    await reopened.embed(['alpha'], 'query');
    expect(gemini.requests.length).toBe(before + 1);
  });

  it('keeps the vectors of different embedders apart', async () => {
    const other = new CachedEmbedder(new GeminiEmbedder({ apiKey: 'k', baseUrl: gemini.url, dimensions: 4 }), db);
    const [vector] = await other.embed(['alpha'], 'document');
    expect(vector).toHaveLength(4);
  });
});
