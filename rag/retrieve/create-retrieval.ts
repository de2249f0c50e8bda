import { FeatureReranker } from '../rerank/feature-reranker.ts';
import { GeminiReranker, type GenerateContentClient } from '../rerank/gemini-reranker.ts';
import type { ChunkStore } from '../store/chunk-store.ts';
import type { Embedder, Reranker, TokenUsage } from '../types.ts';
import { DenseSearch, type NearestNeighbours } from './dense-search.ts';
import { HybridRetriever } from './hybrid-retriever.ts';
import { LexicalIndex } from './lexical-index.ts';

export interface RetrievalOptions {
  chunks: ChunkStore;
  vectors: NearestNeighbours;
  /** Embeds questions ('query' purpose); the one that built the vector index. */
  embedder: Embedder;
  /** When set, Gemini reranks the feature reranker's best candidates. */
  gemini?: { client: GenerateContentClient; model?: string; onUsage?: (usage: TokenUsage) => void };
  /** Dense search or Gemini reranking failed; the answer goes on without it. */
  onDegraded?: (stage: 'dense' | 'rerank', error: Error) => void;
}

export interface Retrieval {
  lexical: LexicalIndex;
  retriever: HybridRetriever;
  reranker: Reranker;
  /** The feature reranker: `reranker` itself offline, the first stage of Gemini's when keyed. */
  features: FeatureReranker;
}

/**
 * The query-side stack with its shipped defaults: hybrid retrieval (learned fusion) and the feature
 * reranker, or Gemini over it when keyed. The retriever refreshes the lexical index before each search; call
 * `lexical.refresh()` at start-up to build it before the first question rather than during it.
 */
export function createRetrieval(options: RetrievalOptions): Retrieval {
  const lexical = new LexicalIndex(options.chunks);
  const retriever = new HybridRetriever({
    lexical,
    chunks: options.chunks,
    dense: new DenseSearch(options.embedder, options.vectors),
    onDenseFailure: (error) => options.onDegraded?.('dense', error),
  });
  const features = new FeatureReranker(lexical);
  const reranker = options.gemini
    ? new GeminiReranker({
        client: options.gemini.client,
        model: options.gemini.model,
        first: features,
        onUsage: options.gemini.onUsage,
        onFailure: (error) => options.onDegraded?.('rerank', error),
      })
    : features;
  return { lexical, retriever, reranker, features };
}
