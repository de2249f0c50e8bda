import type { Embedder, MetadataFilter } from '../types.ts';
import type { ScoredId } from './fusion.ts';

/** The part of a vector store dense search needs: nearest ids by cosine, honouring a `where` filter. */
export interface NearestNeighbours {
  nearest(vector: number[], k: number, where?: MetadataFilter): Promise<ScoredId[]>;
}

/**
 * Semantic search: questions are embedded with the 'query' purpose (asymmetric embedders such as Gemini
 * embed questions and passages differently) and looked up in the vector store under the same `where`
 * filter the lexical side applies.
 */
export class DenseSearch {
  constructor(
    private readonly embedder: Embedder,
    private readonly vectors: NearestNeighbours,
  ) {}

  /** One embedding call for the question and its expansions together. */
  embed(texts: string[]): Promise<number[][]> {
    return this.embedder.embed(texts, 'query');
  }

  search(vector: number[], k: number, where?: MetadataFilter): Promise<ScoredId[]> {
    return k > 0 ? this.vectors.nearest(vector, k, where) : Promise.resolve([]);
  }
}
