/** Token budgets for chunking. Chunk ids depend on these, so the indexer records them with the collection. */
export interface ChunkOptions {
  /** Hard ceiling for one chunk (cl100k tokens). */
  maxTokens: number;
  /** Whole sentences repeated from the end of one chunk at the start of the next when prose is cut mid-flow. */
  overlapTokens: number;
  /** Pieces smaller than this (a lone heading, an import block, a one-line type) join a neighbour. */
  minTokens: number;
}

// Short, focused chunks retrieve better with USE-lite embeddings and BM25 than long ones.
export const DEFAULT_CHUNK_OPTIONS: Readonly<ChunkOptions> = Object.freeze({
  maxTokens: 256,
  overlapTokens: 32,
  minTokens: 32,
});

/** Fills in defaults and rejects budgets that cannot produce sensible chunks. */
export function resolveChunkOptions(options: Partial<ChunkOptions> = {}): ChunkOptions {
  const maxTokens = options.maxTokens ?? DEFAULT_CHUNK_OPTIONS.maxTokens;
  // Defaults shrink with a small budget; only values given explicitly can be rejected.
  const resolved: ChunkOptions = {
    maxTokens,
    overlapTokens: options.overlapTokens ?? Math.min(DEFAULT_CHUNK_OPTIONS.overlapTokens, Math.floor(maxTokens / 4)),
    minTokens: options.minTokens ?? Math.min(DEFAULT_CHUNK_OPTIONS.minTokens, Math.floor(maxTokens / 4)),
  };
  const { overlapTokens, minTokens } = resolved;
  if (!Number.isInteger(maxTokens) || maxTokens < 16) {
    throw new RangeError(`chunk options: maxTokens must be an integer of at least 16, got ${maxTokens}`);
  }
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens > maxTokens / 2) {
    throw new RangeError(`chunk options: overlapTokens must be an integer between 0 and maxTokens/2 (${maxTokens / 2}), got ${overlapTokens}`);
  }
  if (!Number.isInteger(minTokens) || minTokens < 0 || minTokens > maxTokens) {
    throw new RangeError(`chunk options: minTokens must be an integer between 0 and maxTokens (${maxTokens}), got ${minTokens}`);
  }
  return resolved;
}
