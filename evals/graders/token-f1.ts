// Offline correctness: F1 of the content terms (stemmed, stopwords out) of the answer against the reference answer,
// the SQuAD measure on content words. A quoted answer and a paraphrased reference share their key terms, an invented
// answer shares few. Markers and Lore's abstention sentence are not content.
import { isAbstention } from '../../rag/cite/abstention.ts';
import { contentTerms } from '../../rag/cite/content-terms.ts';
import { stripCitationMarkers } from '../../rag/cite/parse-citations.ts';

export interface TokenF1 {
  score: number;
  precision: number;
  recall: number;
}

export function tokenF1(answer: string, reference: string): TokenF1 {
  const predicted = isAbstention(answer) ? [] : contentTerms(stripCitationMarkers(answer));
  const expected = contentTerms(reference);
  if (predicted.length === 0 || expected.length === 0) return { score: 0, precision: 0, recall: 0 };
  const remaining = new Map<string, number>();
  for (const term of expected) remaining.set(term, (remaining.get(term) ?? 0) + 1);
  let common = 0;
  for (const term of predicted) {
    const left = remaining.get(term) ?? 0;
    if (left > 0) {
      common += 1;
      remaining.set(term, left - 1);
    }
  }
  if (common === 0) return { score: 0, precision: 0, recall: 0 };
  const precision = common / predicted.length;
  const recall = common / expected.length;
  return { score: (2 * precision * recall) / (precision + recall), precision, recall };
}
