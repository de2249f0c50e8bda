// BM25F: per-field term frequencies are length-normalised, weighted and summed before one saturation,
// so a term repeated in the title and the text cannot count twice the way summing per-field BM25 would.

export type FieldName = 'title' | 'headings' | 'text';
export const FIELDS: readonly FieldName[] = ['title', 'headings', 'text'];

export interface FieldParams {
  /** How much one occurrence in this field counts, relative to one in the text. */
  weight: number;
  /** Length normalisation: 0 ignores the field's length, 1 divides fully by length / average length. */
  b: number;
}

export interface Bm25Params {
  /** Term-frequency saturation: small values make the first occurrence count most. */
  k1: number;
  fields: Readonly<Record<FieldName, FieldParams>>;
  /**
   * Weight of the whole document's score added to each of its chunks' scores: a passage from a document
   * that is about the query as a whole is more likely the answer than a stray mention elsewhere.
   */
  documentWeight: number;
}

/** Lucene's non-negative IDF: rare terms weigh most, a term in every passage still weighs a little. */
export function idf(passageCount: number, passagesWithTerm: number): number {
  return Math.log(1 + (passageCount - passagesWithTerm + 0.5) / (passagesWithTerm + 0.5));
}

/** How much longer than usual a field is, damped by `b`: the divisor of its term frequencies. */
export function lengthNorm(length: number, averageLength: number, b: number): number {
  if (averageLength <= 0) return 1;
  return 1 - b + (b * length) / averageLength;
}

/** Field-weighted, length-normalised term frequency of one term in one passage. */
export function weightedTermFrequency(
  frequencies: Readonly<Record<FieldName, number>>,
  norms: Readonly<Record<FieldName, number>>,
  params: Bm25Params,
): number {
  let total = 0;
  for (const field of FIELDS) {
    const tf = frequencies[field];
    if (tf > 0) total += (params.fields[field].weight * tf) / norms[field];
  }
  return total;
}

/** Saturating term score: grows with frequency but never past `idf`. */
export function termScore(termIdf: number, weightedTf: number, k1: number): number {
  return weightedTf <= 0 ? 0 : (termIdf * weightedTf) / (weightedTf + k1);
}
