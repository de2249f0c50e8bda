// Dense and lexical scores live on different scales (cosine in [-1, 1], BM25 unbounded and query-dependent),
// so each list is first mapped to [0, 1] within this query, then mixed with weights learned on the
// development sets. Equal-weight rank fusion is deliberately not used: with a weak embedder it lets a
// poor dense list outvote a good lexical one (docs/architecture.md: SciFact 0.68 -> 0.45).

export interface ScoredId {
  id: string;
  score: number;
}

export interface FusionWeights {
  lexical: number;
  dense: number;
}

export interface FusedCandidate {
  id: string;
  fused: number;
  lexical?: number;
  dense?: number;
}

/** Scores divided by the best one: the top lexical hit gets 1, a term-less chunk would get 0. */
export function scaleByMax(hits: readonly ScoredId[]): Map<string, number> {
  const best = hits.reduce((max, hit) => Math.max(max, hit.score), 0);
  return new Map(hits.map((hit) => [hit.id, best > 0 ? Math.max(0, hit.score) / best : 0]));
}

/**
 * Scores mapped linearly so the best is 1 and the worst returned is 0: cosines of a weak embedder sit in a
 * narrow band, and only their spread within the query says anything.
 */
export function scaleMinMax(hits: readonly ScoredId[]): Map<string, number> {
  if (hits.length === 0) return new Map();
  const scores = hits.map((hit) => hit.score);
  const max = Math.max(...scores);
  const min = Math.min(...scores);
  const spread = max - min;
  return new Map(hits.map((hit) => [hit.id, spread > 0 ? (hit.score - min) / spread : 1]));
}

/** Weighted sum of the scaled scores; a chunk one side did not return counts 0 on that side. Best first. */
export function fuse(lexical: readonly ScoredId[], dense: readonly ScoredId[], weights: FusionWeights): FusedCandidate[] {
  const lexicalScaled = scaleByMax(lexical);
  const denseScaled = scaleMinMax(dense);
  const rawLexical = new Map(lexical.map((hit) => [hit.id, hit.score]));
  const rawDense = new Map(dense.map((hit) => [hit.id, hit.score]));
  const ids = new Set([...lexicalScaled.keys(), ...denseScaled.keys()]);
  const fused = [...ids].map((id) => ({
    id,
    fused: weights.lexical * (lexicalScaled.get(id) ?? 0) + weights.dense * (denseScaled.get(id) ?? 0),
    lexical: rawLexical.get(id),
    dense: rawDense.get(id),
  }));
  // Ties go to the id so that equal scores never reorder between runs.
  return fused.sort((a, b) => b.fused - a.fused || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
