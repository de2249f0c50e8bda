import { createHash } from 'node:crypto';

/**
 * Which of `k` folds a query belongs to: a hash of its id, so folds are the same on every run and
 * machine, and do not depend on the order of the queries file.
 */
export function foldOf(queryId: string, k: number): number {
  return createHash('sha256').update(queryId).digest().readUInt32BE(0) % k;
}

/**
 * k-fold cross-validation: for each fold, fit on the other folds and score the held-out fold; returns
 * every query's held-out result. Nothing a query is scored with was fitted on that query.
 */
export function crossValidate<Q extends { id: string }, M, R>(
  queries: readonly Q[],
  k: number,
  fit: (training: Q[]) => M,
  score: (model: M, query: Q) => R,
): Map<string, R> {
  const results = new Map<string, R>();
  for (let fold = 0; fold < k; fold++) {
    const heldOut = queries.filter((q) => foldOf(q.id, k) === fold);
    if (heldOut.length === 0) continue;
    const model = fit(queries.filter((q) => foldOf(q.id, k) !== fold));
    for (const query of heldOut) results.set(query.id, score(model, query));
  }
  return results;
}
