import type { ChunkStore } from '../store/chunk-store.ts';
import type { RetrievedChunk, Retriever, SearchQuery } from '../types.ts';
import type { DenseSearch } from './dense-search.ts';
import { fuse, type FusionWeights, type ScoredId } from './fusion.ts';
import learned from './fusion-weights.json' with { type: 'json' };
import { weightedQueryTerms, type LexicalIndex } from './lexical-index.ts';
import { matchesFilter } from './metadata-filter.ts';

/** Learned on the development sets by `lore bench fit-reranker` (cross-validated; see rag/rerank/README.md). */
export const DEFAULT_FUSION_WEIGHTS: FusionWeights = Object.freeze({ lexical: learned.lexical, dense: learned.dense });

export interface HybridRetrieverOptions {
  lexical: LexicalIndex;
  /** Text and metadata of the hits. */
  chunks: Pick<ChunkStore, 'getChunks'>;
  /** Without it, retrieval is lexical only. */
  dense?: DenseSearch;
  weights?: FusionWeights;
  /** Candidates each side contributes before fusion. Default: `k`, at least 100. */
  candidatesPerSide?: number;
  /** Weight of terms only the expansions bring, against 1 for the question's own terms. Default 0.3. */
  expansionWeight?: number;
  /** How much an expansion's dense hit is discounted against the question's own. Default 0.9. */
  denseExpansionDiscount?: number;
  /** At most this many expansions are searched densely (each costs a vector query). Default 3. */
  maxDenseExpansions?: number;
  /** Called when dense search fails; retrieval then goes on with the lexical side alone. */
  onDenseFailure?: (error: Error) => void;
}

/**
 * Dense + lexical retrieval, fused with learned weights. Both sides apply the query's `where` filter, and
 * every returned chunk is checked against it once more: a chunk the asker may not see never gets through,
 * whichever side found it.
 */
export class HybridRetriever implements Retriever {
  private readonly weights: FusionWeights;

  constructor(private readonly options: HybridRetrieverOptions) {
    this.weights = options.weights ?? DEFAULT_FUSION_WEIGHTS;
  }

  async retrieve(query: SearchQuery, k: number): Promise<RetrievedChunk[]> {
    if (k <= 0) return [];
    const perSide = this.options.candidatesPerSide ?? Math.max(k, 100);
    const terms = weightedQueryTerms(query.text, query.expansions, this.options.expansionWeight ?? 0.3);
    const { lexical: index } = this.options;
    // The lexical index catches up with the store first (what another replica or process indexed since), while the
    // question is embedded.
    const [lexical, dense] = await Promise.all([
      index.refresh().then(() => index.search(terms, perSide, query.where)),
      this.searchDense(query, perSide),
    ]);
    const fused = fuse(lexical, dense, this.weights).slice(0, k);
    const byId = new Map((await this.options.chunks.getChunks(fused.map((c) => c.id))).map((chunk) => [chunk.id, chunk]));
    return fused.flatMap((candidate): RetrievedChunk[] => {
      const chunk = byId.get(candidate.id);
      // Gone since it was found (deleted by a concurrent sync), or outside the filter: never returned.
      if (!chunk || (query.where && !matchesFilter(chunk.metadata, query.where))) return [];
      return [
        {
          id: chunk.id,
          docId: chunk.docId,
          text: chunk.text,
          metadata: chunk.metadata,
          signals: { lexical: candidate.lexical, dense: candidate.dense, fused: candidate.fused },
          score: candidate.fused,
        },
      ];
    });
  }

  private async searchDense(query: SearchQuery, k: number): Promise<ScoredId[]> {
    const { dense } = this.options;
    if (!dense || this.weights.dense <= 0) return [];
    try {
      const expansions = query.expansions.filter((e) => e.trim() && e !== query.text).slice(0, this.options.maxDenseExpansions ?? 3);
      const vectors = await dense.embed([query.text, ...expansions]);
      const lists = await Promise.all(vectors.map((vector) => dense.search(vector, k, query.where)));
      const discount = this.options.denseExpansionDiscount ?? 0.9;
      const best = new Map<string, number>();
      lists.forEach((hits, i) => {
        for (const hit of hits) {
          const score = i === 0 ? hit.score : hit.score * discount;
          if (score > (best.get(hit.id) ?? -Infinity)) best.set(hit.id, score);
        }
      });
      return [...best]
        .map(([id, score]) => ({ id, score }))
        .sort((a, b) => b.score - a.score)
        .slice(0, k);
    } catch (error) {
      if (!this.options.onDenseFailure) throw error;
      this.options.onDenseFailure(error instanceof Error ? error : new Error(String(error)));
      return [];
    }
  }
}
