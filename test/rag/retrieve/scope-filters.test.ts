import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChromaServer, type ChromaServer } from '../../../app/chroma-server.ts';
import { openDatabase, type Db } from '../../../app/database.ts';
import { createLogger } from '../../../app/logger.ts';
import { DEFAULT_TOPICS } from '../../../rag/enrich/topics.ts';
import { Indexer, type DocumentCandidate } from '../../../rag/index/indexer.ts';
import { DenseSearch } from '../../../rag/retrieve/dense-search.ts';
import { HybridRetriever } from '../../../rag/retrieve/hybrid-retriever.ts';
import { LexicalIndex, weightedQueryTerms } from '../../../rag/retrieve/lexical-index.ts';
import { matchesFilter } from '../../../rag/retrieve/metadata-filter.ts';
import { ChromaStore } from '../../../rag/store/chroma-store.ts';
import { ChunkStore } from '../../../rag/store/chunk-store.ts';
import { sqliteDatabase } from '../../../app/storage/sqlite-database.ts';
import type { MetadataFilter, SourceDocument, SourceKind } from '../../../rag/types.ts';
import { HashingEmbedder } from '../../helpers/hashing-embedder.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

// Filters against a real embedded Chroma: a chunk outside the asker's scope must not come back from
// either side, and the lexical side's in-process filter must agree with Chroma's on every record.

const DIMENSION = 64;

const tmp = tempDir('lore-scope-');
let server: ChromaServer;
let db: Db;
let chunks: ChunkStore;
let vectors: ChromaStore;
let lexical: LexicalIndex;
let retriever: HybridRetriever;
const embedder = new HashingEmbedder(DIMENSION);

const QUESTION = 'How do we rotate the production database password?';

function doc(id: string, source: SourceKind, text: string, metadata: Record<string, string | number | boolean> = {}): SourceDocument {
  return { id, source, title: id, url: `https://example.test/${id}`, format: 'markdown', extension: 'md', text, sizeBytes: text.length, metadata };
}

const DOCS: SourceDocument[] = [
  // The restricted page is the best match on both sides: if a filter leaks, it is what leaks.
  doc('notion:secrets', 'notion', `# Secrets\n\n${QUESTION} Rotate the production database password with the vault CLI.`, {
    team: 'security',
    year: 2025,
  }),
  doc('files:runbook', 'files', '# Runbook\n\nTo rotate the database password, run the rotation job and update the service config.', {
    team: 'infra',
    year: 2024,
  }),
  doc('files:onboarding', 'files', '# Onboarding\n\nNew engineers get database read access after the security training.', { year: 2023 }),
  doc('github:readme', 'github', '# README\n\nThe production database is Postgres; passwords live in the vault.', { team: 'infra', stars: 12 }),
];

beforeAll(async () => {
  server = await startChromaServer(path.join(tmp.dir, 'chroma'), createLogger('silent'));
  db = openDatabase(tmp.dir);
  chunks = new ChunkStore(sqliteDatabase(db));
  vectors = ChromaStore.fromUrl(server.url, 'scope');
  const indexer = new Indexer({ chunks, vectors, embedder, topics: DEFAULT_TOPICS });
  await indexer.alignVectors();
  const candidates = DOCS.map((d): DocumentCandidate => ({ id: d.id, location: d.id, fingerprint: d.text, load: async () => d }));
  const summary = await indexer.index(candidates, { source: 'files' });
  expect(summary.failed).toEqual([]);
  lexical = new LexicalIndex(chunks);
  await lexical.refresh();
  retriever = new HybridRetriever({ lexical, chunks, dense: new DenseSearch(embedder, vectors), weights: { lexical: 0.5, dense: 0.5 } });
});
afterAll(async () => {
  db?.close();
  await server?.stop();
  tmp.cleanup();
});

describe('scope filters on both sides', () => {
  it('finds the restricted page when nothing is filtered (so the filtered runs below prove something)', async () => {
    const all = await retriever.retrieve({ text: QUESTION, expansions: [] }, 10);
    expect(all[0]!.docId).toBe('notion:secrets');
  });

  it('never returns a chunk from a source the asker may not see, from either side', async () => {
    const where: MetadataFilter = { source: { $in: ['files', 'github'] } };
    const results = await retriever.retrieve({ text: QUESTION, expansions: ['vault password rotation'] }, 10);
    expect(results.some((r) => r.metadata.source === 'notion')).toBe(true);

    const scoped = await retriever.retrieve({ text: QUESTION, expansions: ['vault password rotation'], where }, 10);
    expect(scoped.length).toBeGreaterThan(0);
    expect(scoped.every((r) => r.metadata.source !== 'notion')).toBe(true);
    expect(scoped[0]!.docId).toBe('files:runbook');

    const lexicalHits = lexical.search(weightedQueryTerms(QUESTION), 10, where);
    expect(lexicalHits.map((h) => h.docId)).not.toContain('notion:secrets');
    const [vector] = await embedder.embed([QUESTION]);
    const denseHits = await new DenseSearch(embedder, vectors).search(vector!, 10, where);
    expect(denseHits.length).toBeGreaterThan(0);
    expect(denseHits.map((h) => h.id)).not.toContain((await chunks.chunkIdsOf('notion:secrets'))[0]);
  });

  it('evaluates every filter exactly as Chroma does, missing fields and types included', async () => {
    const stored = await chunks.getChunks((await Promise.all(DOCS.map((d) => chunks.chunkIdsOf(d.id)))).flat());
    const [anyVector] = await embedder.embed(['database']);
    const filters: MetadataFilter[] = [
      { source: 'files' },
      { source: { $ne: 'notion' } },
      { team: { $ne: 'infra' } },
      { team: { $in: ['infra', 'security'] } },
      { year: { $gte: 2024 } },
      { year: { $lte: 2024 } },
      { stars: { $gte: 1 } },
      { year: '2024' },
      { $or: [{ source: 'github' }, { year: { $lte: 2023 } }] },
      { $and: [{ source: { $in: ['files', 'notion'] } }, { team: { $ne: 'security' } }] },
      { source: 'files', year: 2024 },
    ];
    for (const where of filters) {
      const chroma = (await vectors.nearest(anyVector!, stored.length, where)).map((h) => h.id).sort();
      const ours = stored
        .filter((c) => matchesFilter(c.metadata, where))
        .map((c) => c.id)
        .sort();
      expect({ where, ids: ours }).toEqual({ where, ids: chroma });
    }
  });
});
