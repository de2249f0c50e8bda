import { ndcgAt } from './ir-metrics.ts';

// Learns the weights of a linear ranking function by coordinate ascent directly on nDCG@10 (Metzler &
// Croft's method): few parameters, no gradient through the sort, and every weight stays non-negative,
// because each feature is built so that more means more relevant. A weight that does not pay its way stays 0.

export interface TrainingQuery {
  /** One row per candidate passage. */
  features: readonly (readonly number[])[];
  /** The document each candidate belongs to: a document ranks by its best candidate. */
  documents: readonly string[];
  /** Relevant documents and their grades (those not among the candidates count as missed). */
  relevant: ReadonlyMap<string, number>;
  /** Share of the objective: e.g. 1 / (queries in its dataset) so that every dataset counts equally. */
  weight: number;
}

export interface FitOptions {
  initial: readonly number[];
  /** Features whose weight stays as given (e.g. ones the training data cannot inform). */
  frozen?: readonly boolean[];
  rounds?: number;
}

/** Documents ranked by the best candidate score under `weights`. */
export function rankDocuments(query: TrainingQuery, weights: readonly number[]): string[] {
  const best = new Map<string, number>();
  query.features.forEach((row, i) => {
    let score = 0;
    for (let j = 0; j < weights.length; j++) score += weights[j]! * row[j]!;
    const doc = query.documents[i]!;
    if (score > (best.get(doc) ?? -Infinity)) best.set(doc, score);
  });
  return [...best].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([doc]) => doc);
}

/** Weighted mean nDCG@10 of the queries under `weights`. */
export function objective(queries: readonly TrainingQuery[], weights: readonly number[]): number {
  let total = 0;
  let weightSum = 0;
  for (const query of queries) {
    total += query.weight * ndcgAt(rankDocuments(query, weights), query.relevant, 10);
    weightSum += query.weight;
  }
  return weightSum > 0 ? total / weightSum : 0;
}

const STEPS = [-1, -0.5, -0.25, -0.1, -0.05, -0.02, 0.02, 0.05, 0.1, 0.25, 0.5, 1];

export function fitLinearRanker(queries: readonly TrainingQuery[], options: FitOptions): number[] {
  const weights = [...options.initial];
  let best = objective(queries, weights);
  for (let round = 0; round < (options.rounds ?? 6); round++) {
    let improved = false;
    for (let j = 0; j < weights.length; j++) {
      if (options.frozen?.[j]) continue;
      const scale = weights.reduce((sum, w) => sum + Math.abs(w), 0) || 1;
      const tried = new Set<number>();
      let bestValue = weights[j]!;
      for (const step of [...STEPS.map((s) => weights[j]! + s * scale), 0]) {
        const value = Math.max(0, step);
        if (tried.has(value) || value === weights[j]) continue;
        tried.add(value);
        const candidate = [...weights];
        candidate[j] = value;
        const score = objective(queries, candidate);
        // A change must beat the current best by a margin, so that noise-level gains do not move weights.
        if (score > best + 1e-5) {
          best = score;
          bestValue = value;
        }
      }
      if (bestValue !== weights[j]) {
        weights[j] = bestValue;
        improved = true;
      }
    }
    if (!improved) break;
  }
  const norm = weights.reduce((sum, w) => sum + w, 0) || 1;
  return weights.map((w) => w / norm);
}
