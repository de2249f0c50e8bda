import type { Reranker, RetrievedChunk, SearchQuery } from '../types.ts';
import learned from './feature-weights.json' with { type: 'json' };
import { FEATURE_NAMES, rankFeatures, type FeatureName, type TermStatistics } from './rank-features.ts';

/** A linear ranking function: one weight per feature (features missing from the record weigh 0). */
export type FeatureWeights = Readonly<Partial<Record<FeatureName, number>>>;

/** Fitted by `lore bench fit-reranker` on the development sets (see rag/rerank/README.md). */
export const DEFAULT_FEATURE_WEIGHTS: FeatureWeights = Object.freeze({ ...learned.weights });

export interface FeatureRerankerOptions {
  weights?: FeatureWeights;
  /** Clock for the recency feature. */
  now?: () => number;
}

/**
 * The offline reranker: a weighted sum of lexical, dense, title/heading, proximity, length and recency
 * features (rank-features.ts), with weights learned on the development sets. Fast enough to re-score a
 * few hundred candidates per question in milliseconds, and it needs no model files or network.
 */
export class FeatureReranker implements Reranker {
  readonly id = 'features';
  private readonly weights: number[];
  private readonly now: () => number;

  constructor(
    private readonly stats: TermStatistics,
    options: FeatureRerankerOptions = {},
  ) {
    const weights = options.weights ?? DEFAULT_FEATURE_WEIGHTS;
    this.weights = FEATURE_NAMES.map((name) => weights[name] ?? 0);
    this.now = options.now ?? Date.now;
  }

  async rerank(query: SearchQuery, candidates: RetrievedChunk[]): Promise<RetrievedChunk[]> {
    if (candidates.length === 0) return [];
    const rows = rankFeatures(query, candidates, this.stats, this.now());
    const scored = candidates.map((candidate, i) => {
      const score = rows[i]!.reduce((sum, value, j) => sum + value * this.weights[j]!, 0);
      return { ...candidate, signals: { ...candidate.signals, rerank: score }, score };
    });
    // Stable for equal scores: the retriever's order decides ties.
    return scored
      .map((c, i) => ({ c, i }))
      .sort((a, b) => b.c.score - a.c.score || a.i - b.i)
      .map(({ c }) => c);
  }
}
