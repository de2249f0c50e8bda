import type { Qrels } from './beir-dataset.ts';

// Standard ranked-retrieval metrics over document ids, as BEIR and TREC tools compute them: binary recall,
// reciprocal rank of the first relevant document, and nDCG with graded gains and the log2 discount.

export interface RetrievalMetrics {
  'ndcg@10': number;
  'recall@10': number;
  'recall@100': number;
  'mrr@10': number;
  queries: number;
}

export function ndcgAt(ranking: readonly string[], relevant: ReadonlyMap<string, number>, k: number): number {
  let dcg = 0;
  ranking.slice(0, k).forEach((id, i) => {
    dcg += (relevant.get(id) ?? 0) / Math.log2(i + 2);
  });
  const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((sum, gain, i) => sum + gain / Math.log2(i + 2), 0);
  return idcg > 0 ? dcg / idcg : 0;
}

export function recallAt(ranking: readonly string[], relevant: ReadonlyMap<string, number>, k: number): number {
  if (relevant.size === 0) return 0;
  return ranking.slice(0, k).filter((id) => relevant.has(id)).length / relevant.size;
}

export function reciprocalRankAt(ranking: readonly string[], relevant: ReadonlyMap<string, number>, k: number): number {
  const first = ranking.slice(0, k).findIndex((id) => relevant.has(id));
  return first < 0 ? 0 : 1 / (first + 1);
}

/** Means over the queries that have judgements; a query missing from `rankings` scores 0 everywhere. */
export function evaluateRankings(rankings: ReadonlyMap<string, readonly string[]>, qrels: Qrels): RetrievalMetrics {
  const ids = [...qrels.keys()];
  const mean = (metric: (ranking: readonly string[], relevant: ReadonlyMap<string, number>) => number) =>
    ids.length === 0 ? 0 : ids.reduce((sum, id) => sum + metric(rankings.get(id) ?? [], qrels.get(id)!), 0) / ids.length;
  return {
    'ndcg@10': mean((r, rel) => ndcgAt(r, rel, 10)),
    'recall@10': mean((r, rel) => recallAt(r, rel, 10)),
    'recall@100': mean((r, rel) => recallAt(r, rel, 100)),
    'mrr@10': mean((r, rel) => reciprocalRankAt(r, rel, 10)),
    queries: ids.length,
  };
}

/** Four decimals: what reports print and what JSON consumers compare. */
export function roundMetrics(metrics: RetrievalMetrics): RetrievalMetrics {
  const round = (value: number) => Math.round(value * 10_000) / 10_000;
  return {
    'ndcg@10': round(metrics['ndcg@10']),
    'recall@10': round(metrics['recall@10']),
    'recall@100': round(metrics['recall@100']),
    'mrr@10': round(metrics['mrr@10']),
    queries: metrics.queries,
  };
}
