import { analyzeText } from '../../rag/retrieve/analyze-text.ts';
import type { Embedder } from '../../rag/types.ts';

/** Bag-of-words hashed into a small vector: the same words give the same direction. Instant, for index tests. */
export class HashingEmbedder implements Embedder {
  readonly id = 'hashing-test';
  constructor(readonly dimension = 64) {}
  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((text) => {
      const vector = new Array<number>(this.dimension).fill(0);
      for (const term of analyzeText(text)) {
        let hash = 0;
        for (const char of term) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
        vector[hash % this.dimension]! += 1;
      }
      const norm = Math.hypot(...vector) || 1;
      return vector.map((v) => v / norm);
    });
  }
  async close(): Promise<void> {}
}
