// A verified answer (a person's reply saved as the answer to a question asked in the same channel) is preferred over
// documents when it matches a later question: when the ranking kept it among the passages the answer may use, it
// goes first, so the answer quotes the person who answered rather than a page that merely mentions the topic.
// "Matches" is the ranking's word, not a score threshold: the reranker put it among the very best few. Among the
// top k alone would not do: a channel with few verified answers sees one in almost every top 8, related or not.
import type { RetrievedChunk } from '../types.ts';

/** How high the ranking must put a verified answer for it to go first. */
export const VERIFIED_WITHIN = 3;

export function preferVerified(ranked: readonly RetrievedChunk[], k: number): RetrievedChunk[] {
  const top = ranked.slice(0, Math.min(k, VERIFIED_WITHIN));
  const verified = top.filter((chunk) => chunk.metadata.source === 'verified');
  if (verified.length === 0 || top[0]?.metadata.source === 'verified') return [...ranked];
  const best = Math.max(...ranked.map((chunk) => chunk.score));
  // Moved first with the best score, so that later steps which read scores keep it there.
  const lifted = verified.map((chunk) => ({ ...chunk, score: Math.max(chunk.score, best) }));
  return [...lifted, ...ranked.filter((chunk) => !verified.includes(chunk))];
}
