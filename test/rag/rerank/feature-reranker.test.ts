import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_WEIGHTS, FeatureReranker } from '../../../rag/rerank/feature-reranker.ts';
import { FEATURE_NAMES, rankFeatures, type TermStatistics } from '../../../rag/rerank/rank-features.ts';
import type { ChunkMetadata, RetrievedChunk, SearchQuery } from '../../../rag/types.ts';

const stats: TermStatistics = {
  // Every term equally informative, except the ubiquitous "use".
  idf: (term) => (term === 'us' ? 0.1 : 2),
  averageLength: (field) => (field === 'text' ? 30 : 4),
};

function candidate(id: string, title: string, text: string, signals: RetrievedChunk['signals'], extra: Partial<ChunkMetadata> = {}): RetrievedChunk {
  const metadata = { title, headingPath: '', modifiedAtMs: 0, source: 'files', docId: id, ...extra } as ChunkMetadata;
  return { id, docId: id, text, metadata, signals, score: signals.fused ?? 0 };
}

const feature = (rows: number[][], row: number, name: (typeof FEATURE_NAMES)[number]) => rows[row]![FEATURE_NAMES.indexOf(name)]!;
const ask = (text: string): SearchQuery => ({ text, expansions: [] });

describe('rank features', () => {
  it('rewards the question’s terms in the title, close together and in order', () => {
    const rows = rankFeatures(
      ask('rotate database password'),
      [
        candidate('a', 'Rotate the database password', 'Run the job to rotate database password values.', { lexical: 5 }),
        candidate('b', 'Networking', 'The password policy is strict. Many pages later the database is mentioned, and rotation.', { lexical: 5 }),
      ],
      stats,
    );
    expect(feature(rows, 0, 'titleBm25')).toBeGreaterThan(feature(rows, 1, 'titleBm25'));
    expect(feature(rows, 0, 'proximity')).toBe(1);
    expect(feature(rows, 0, 'phrase')).toBe(1);
    expect(feature(rows, 1, 'phrase')).toBe(0);
    expect(feature(rows, 0, 'window')).toBeGreaterThan(feature(rows, 1, 'window'));
    for (const value of rows.flat()) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
  });

  it('scales signals within the candidate list and gives absent dense hits the lowest cosine', () => {
    const rows = rankFeatures(
      ask('anything'),
      [
        candidate('a', 't', 'x', { lexical: 10, dense: 0.8 }),
        candidate('b', 't', 'x', { lexical: 5, dense: 0.4 }),
        candidate('c', 't', 'x', { lexical: 2 }),
      ],
      stats,
    );
    expect(rows.map((r) => feature([r], 0, 'lexical'))).toEqual([1, 0.5, 0.2]);
    expect(rows.map((r) => feature([r], 0, 'dense'))).toEqual([1, 0, 0]);
    expect(rows.map((r) => feature([r], 0, 'cosine'))).toEqual([0.8, 0.4, 0.4]);
  });

  it('prefers recently modified documents and is neutral when the date is unknown', () => {
    const now = Date.UTC(2026, 0, 1);
    const rows = rankFeatures(
      ask('holiday'),
      [
        candidate('new', 't', 'x', {}, { modifiedAtMs: now - 86_400_000 }),
        candidate('old', 't', 'x', {}, { modifiedAtMs: now - 3 * 365 * 86_400_000 }),
        candidate('unknown', 't', 'x', {}),
      ],
      stats,
      now,
    );
    expect(feature(rows, 0, 'recency')).toBeGreaterThan(0.99);
    expect(feature(rows, 1, 'recency')).toBeCloseTo(0.125, 2);
    expect(feature(rows, 2, 'recency')).toBe(0);
  });
});

describe('FeatureReranker', () => {
  // Each question has one right passage; fusion puts a keyword-stuffed passage above it.
  const cases: { question: string; relevant: string; candidates: RetrievedChunk[] }[] = [
    {
      question: 'configure single sign-on with Okta',
      relevant: 'sso',
      candidates: [
        candidate('stuffed', 'Vendor list', 'Okta Okta Okta invoices. Okta renewal. Okta seats, Okta contacts.', {
          lexical: 9,
          dense: 0.3,
          fused: 0.9,
        }),
        candidate('sso', 'Configure single sign-on with Okta', 'To configure single sign-on, add Lore as an app in Okta.', {
          lexical: 7,
          dense: 0.5,
          fused: 0.8,
        }),
      ],
    },
    {
      question: 'how long are backups retained',
      relevant: 'retention',
      candidates: [
        candidate('noise', 'Changelog', 'Backups backups: retained logs, long lists, backup tooling renamed, retained flags.', {
          lexical: 8,
          dense: 0.2,
          fused: 0.85,
        }),
        candidate('retention', 'Backup retention', 'Backups are retained for 35 days.', { lexical: 6, dense: 0.45, fused: 0.7 }),
      ],
    },
  ];

  it('ranks the answering passage first where plain fusion does not', async () => {
    const reranker = new FeatureReranker(stats);
    let fusionHits = 0;
    let rerankHits = 0;
    for (const { question, relevant, candidates } of cases) {
      if (candidates[0]!.id === relevant) fusionHits += 1;
      const reranked = await reranker.rerank(ask(question), candidates);
      if (reranked[0]!.id === relevant) rerankHits += 1;
      expect(reranked[0]!.signals.rerank).toBe(reranked[0]!.score);
      expect(reranked[0]!.signals.fused).toBeDefined();
    }
    expect(fusionHits).toBe(0);
    expect(rerankHits).toBe(cases.length);
  });

  it('follows its weights: with only the fused lexical signal it keeps the fusion order', async () => {
    const lexicalOnly = new FeatureReranker(stats, { weights: { lexical: 1 } });
    const { question, candidates } = cases[0]!;
    expect((await lexicalOnly.rerank(ask(question), candidates)).map((c) => c.id)).toEqual(['stuffed', 'sso']);
    expect(await lexicalOnly.rerank(ask(question), [])).toEqual([]);
  });

  it('ships learned weights for every feature, none negative', () => {
    for (const name of FEATURE_NAMES) expect(DEFAULT_FEATURE_WEIGHTS[name]).toBeGreaterThanOrEqual(0);
    expect(DEFAULT_FEATURE_WEIGHTS.lexical).toBeGreaterThan(0);
  });
});
