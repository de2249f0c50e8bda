// One list from several rankings, taken in turn: the first of each, then the second of each… A question that
// compares or lists things ("the default port for bun, deno and workers") is searched once per thing, and each
// thing gets its share of the passages however strongly one of them dominates a single search.
import type { RetrievedChunk } from '../types.ts';

/**
 * The chunks of `rankings` in turn, each once (at its best place). Scores are those of `scale` by position (the
 * ranking of the whole question), so a later step that orders by score keeps this order and a confidence read
 * from scores sees the usual range.
 */
export function interleaveRankings(rankings: readonly (readonly RetrievedChunk[])[], scale: readonly RetrievedChunk[]): RetrievedChunk[] {
  const seen = new Set<string>();
  const merged: RetrievedChunk[] = [];
  const longest = Math.max(0, ...rankings.map((ranking) => ranking.length));
  for (let i = 0; i < longest; i++) {
    for (const ranking of rankings) {
      const chunk = ranking[i];
      if (chunk === undefined || seen.has(chunk.id)) continue;
      seen.add(chunk.id);
      merged.push(chunk);
    }
  }
  const lowest = scale.at(-1)?.score;
  return merged.map((chunk, i) => ({ ...chunk, score: scale[i]?.score ?? Math.min(lowest ?? chunk.score, chunk.score) }));
}
