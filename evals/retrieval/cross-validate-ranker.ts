import type { Qrels } from './beir-dataset.ts';
import { fitLinearRanker, rankDocuments, type TrainingQuery } from './fit-linear-ranker.ts';
import { evaluateRankings, type RetrievalMetrics } from './ir-metrics.ts';
import { crossValidate } from './k-fold.ts';

export type LabelledQuery = TrainingQuery & { id: string };

/**
 * Held-out quality of the linear ranker: for each of `folds` folds, weights are fitted on the others
 * (starting from `initial`) and the fold's queries are ranked with them. The figures are what the
 * learning procedure achieves on questions it has not seen.
 */
export function crossValidatedMetrics(
  queries: readonly LabelledQuery[],
  qrels: Qrels,
  folds: number,
  initial: readonly number[],
  frozen?: readonly boolean[],
): RetrievalMetrics {
  const rankings = crossValidate(
    queries,
    folds,
    (training) => fitLinearRanker(training, { initial, frozen }),
    (weights, query) => rankDocuments(query, weights),
  );
  return evaluateRankings(rankings, qrels);
}
