import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../app/database.ts';
import { sqliteDatabase } from '../../../app/storage/sqlite-database.ts';
import { assembleContext } from '../../../rag/context/assemble-context.ts';
import { sectionNeighbours } from '../../../rag/context/section-neighbours.ts';
import { ChunkStore } from '../../../rag/store/chunk-store.ts';
import type { Chunk, RetrievedChunk } from '../../../rag/types.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { fixtureDocument } from '../retrieve/chunk-fixtures.ts';

// A section longer than a chunk is stored as several chunks; the one a question finds is shown with the rest of its
// section, read from the chunk store, and never in place of a passage that was found.

let tmp: ReturnType<typeof tempDir>;
let db: Db;
let store: ChunkStore;
const leave = fixtureDocument({
  id: 'leave',
  chunks: [
    ['About leave', 'You are entitled to 12 weeks of paid parental leave.'],
    ['About leave', 'You sign an agreement to return to work for at least 12 weeks afterwards.'],
    ['Requesting leave', 'Email the request form to HR.'],
  ],
});
const scoped = fixtureDocument({
  id: 'scoped',
  source: 'notion',
  chunks: [
    ['Budget', 'The travel budget is set each quarter.'],
    ['Budget', 'Unspent budget does not roll over.'],
  ],
});

beforeEach(async () => {
  tmp = tempDir('lore-sections-');
  db = openDatabase(tmp.dir);
  store = new ChunkStore(sqliteDatabase(db));
  for (const doc of [leave, scoped]) await store.saveDocument(doc.stored, doc.chunks);
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

function found(chunk: Chunk, score: number): RetrievedChunk {
  return { id: chunk.id, docId: chunk.docId, text: chunk.text, metadata: chunk.metadata, signals: { fused: score }, score };
}

describe('sectionNeighbours', () => {
  it('reads the chunks before and after a found one that share its heading path, not the next section', async () => {
    const neighbours = await sectionNeighbours([found(leave.chunks[0] as Chunk, 0.9)], store);
    expect(neighbours.map((c) => c.id)).toEqual(['leave#1']);
    const fromMiddle = await sectionNeighbours([found(leave.chunks[1] as Chunk, 0.9)], store);
    expect(fromMiddle.map((c) => c.id)).toEqual(['leave#0']);
  });

  it('returns each neighbour once and never a chunk that was found itself', async () => {
    const neighbours = await sectionNeighbours([found(leave.chunks[0] as Chunk, 0.9), found(leave.chunks[1] as Chunk, 0.8)], store);
    expect(neighbours).toEqual([]);
  });

  it('leaves out a neighbour outside the question’s filter', async () => {
    const only = { source: { $in: ['files'] } };
    const chunk = found(scoped.chunks[0] as Chunk, 0.9);
    expect((await sectionNeighbours([chunk], store)).map((c) => c.id)).toEqual(['scoped#1']);
    expect(await sectionNeighbours([chunk], store, only)).toEqual([]);
  });
});

describe('assembleContext with section neighbours', () => {
  const first = found(leave.chunks[0] as Chunk, 0.9);
  const other = found(fixtureDocument({ id: 'other', chunks: ['Lunch is served at noon.'] }).chunks[0] as Chunk, 0.5);

  it('joins a neighbour to the passage it continues, in document order', async () => {
    const neighbours = await sectionNeighbours([first, other], store);
    const passages = assembleContext([first, other], { maxTokens: 1000, sectionNeighbours: neighbours, sectionTokens: 200 });
    expect(passages.map((p) => p.chunkIds)).toEqual([['leave#0', 'leave#1'], ['other#0']]);
    expect(passages[0]?.text).toBe(
      'You are entitled to 12 weeks of paid parental leave.\n\nYou sign an agreement to return to work for at least 12 weeks afterwards.',
    );
  });

  it('adds a neighbour only within its own allowance, never in place of a found passage', async () => {
    const neighbours = await sectionNeighbours([first, other], store);
    const without = assembleContext([first, other], { maxTokens: 40 });
    expect(without.map((p) => p.chunkIds)).toEqual([['leave#0'], ['other#0']]);
    expect(assembleContext([first, other], { maxTokens: 40, sectionNeighbours: neighbours, sectionTokens: 5 })).toEqual(without);
    const joined = assembleContext([first, other], { maxTokens: 40, sectionNeighbours: neighbours, sectionTokens: 40 });
    expect(joined.map((p) => p.chunkIds)).toEqual([['leave#0', 'leave#1'], ['other#0']]);
  });
});
