// A verified answer (a person's reply saved as the answer to a question asked in the same channel) is preferred over
// documents when it matches a later question: when the ranking kept it among the passages the answer may use, it
// goes first, so the answer quotes the person who answered rather than a page that merely mentions the topic.
// "Matches" is the ranking's word, not a score threshold: the reranker already decided it belongs among the best.
import type { RetrievedChunk } from '../types.ts';

export function preferVerified(ranked: readonly RetrievedChunk[], k: number): RetrievedChunk[] {
  const top = ranked.slice(0, k);
  const verified = top.filter((chunk) => chunk.metadata.source === 'verified');
  if (verified.length === 0 || top[0]?.metadata.source === 'verified') return [...ranked];
  const best = Math.max(...ranked.map((chunk) => chunk.score));
  // Moved first with the best score, so that later steps which read scores keep it there.
  const lifted = verified.map((chunk) => ({ ...chunk, score: Math.max(chunk.score, best) }));
  return [...lifted, ...ranked.filter((chunk) => !verified.includes(chunk))];
}
