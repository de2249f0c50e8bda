// Offline answer relevance: how close the answer's meaning is to the question's, as the cosine of their embeddings
// from the runtime's own embedder, rescaled so that an on-topic answer scores near 1 and an off-topic one near 0.
// A non-answer (the abstention) is not relevant to a question that has an answer: it scores 0, as in RAGAS.
import { isAbstention } from '../../rag/cite/abstention.ts';
import { stripCitationMarkers } from '../../rag/cite/parse-citations.ts';
import type { Embedder } from '../../rag/types.ts';

export interface CosineScale {
  /** Cosine at or below which an answer is off-topic (score 0). */
  floor: number;
  /** Cosine at or above which it is squarely on-topic (score 1). */
  ceiling: number;
}

/**
 * Measured with USE-lite on the golden questions against their reference answers (cosine p05 0.42, median 0.67)
 * and against the reference of another question (median 0.35, p95 0.52).
 */
export const USE_LITE_SCALE: CosineScale = { floor: 0.3, ceiling: 0.6 };
/** Other embedders are uncalibrated here: autoevals' convention for embedding similarity (0.7 and up). */
export const DEFAULT_SCALE: CosineScale = { floor: 0.7, ceiling: 1 };

export function scaleFor(embedderId: string): CosineScale {
  return embedderId.startsWith('use-lite') ? USE_LITE_SCALE : DEFAULT_SCALE;
}

export interface AnswerRelevance {
  score: number;
  cosine: number;
}

export async function answerRelevance(question: string, answer: string, embedder: Embedder): Promise<AnswerRelevance> {
  const text = stripCitationMarkers(answer).trim();
  if (text === '' || isAbstention(text)) return { score: 0, cosine: 0 };
  const [q, a] = await Promise.all([embedder.embed([question], 'query'), embedder.embed([text], 'document')]);
  const cosine = cosineOf(q[0]!, a[0]!);
  const { floor, ceiling } = scaleFor(embedder.id);
  return { score: clamp((cosine - floor) / (ceiling - floor)), cosine };
}

function cosineOf(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

function clamp(value: number): number {
  return Math.min(1, Math.max(0, value));
}
