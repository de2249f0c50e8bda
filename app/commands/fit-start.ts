import { FEATURE_NAMES } from '../../rag/rerank/rank-features.ts';

// Where every fit of the reranker starts: BM25 alone. Not the shipped weights, which were fitted on all
// development qrels and would leak held-out folds into a cross-validated estimate.
// Recency cannot be learned from benchmark corpora (they carry no dates): it keeps a small prior weight,
// enough to break ties between otherwise equal passages in favour of the current page.
export const FIT_START: readonly number[] = FEATURE_NAMES.map((name) => (name === 'lexical' ? 1 : name === 'recency' ? 0.02 : 0));

export const FIT_FROZEN: readonly boolean[] = FEATURE_NAMES.map((name) => name === 'recency');
