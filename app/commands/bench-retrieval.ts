import { loadQrels, loadQueries, type BeirQuery, type Qrels } from '../../evals/retrieval/beir-dataset.ts';
import { crossValidatedMetrics, type LabelledQuery } from '../../evals/retrieval/cross-validate-ranker.ts';
import { evaluateRankings, roundMetrics, type RetrievalMetrics } from '../../evals/retrieval/ir-metrics.ts';
import { FeatureReranker } from '../../rag/rerank/feature-reranker.ts';
import { rankFeatures } from '../../rag/rerank/rank-features.ts';
import { FIT_FROZEN, FIT_START } from './fit-start.ts';
import { DenseSearch } from '../../rag/retrieve/dense-search.ts';
import { rankDocuments } from '../../rag/retrieve/document-ranking.ts';
import { HybridRetriever } from '../../rag/retrieve/hybrid-retriever.ts';
import { LexicalIndex, LUCENE_BM25_PARAMS, weightedQueryTerms } from '../../rag/retrieve/lexical-index.ts';
import type { RetrievedChunk, SearchQuery } from '../../rag/types.ts';
import type { Config } from '../config.ts';
import { EXIT_OK } from '../exit-codes.ts';
import type { Logger } from '../logger.ts';
import { createEmbedder } from '../runtime.ts';
import { beirId, openBenchCorpus } from '../../evals/retrieval/bench-corpus.ts';

export interface BenchRetrievalOptions {
  corpus: string;
  queries: string;
  qrels: string;
  json: boolean;
  /** Folds for cross-validating the learned reranker on these qrels (0 or 1: skip). */
  folds: number;
}

/**
 * Candidates each side contributes; the reranker sees their union (up to twice this), as in `lore ask`.
 * The fitted weights are learned on exactly these candidate lists.
 */
export const CANDIDATES_PER_SIDE = 100;
const CANDIDATES = 2 * CANDIDATES_PER_SIDE;

export interface BenchRetrievalResult extends RetrievalMetrics {
  p50Ms: number;
  p95Ms: number;
  indexSeconds: number;
  /** Plain BM25 (Lucene-style: k1 0.9, b 0.4, stopwords, stemming), the baseline. */
  bm25: RetrievalMetrics;
  /** Hybrid retrieval with fusion only, before the reranker. */
  fusion: RetrievalMetrics;
  /** The reranker re-fitted k-fold on these qrels, each fold scored by weights that never saw it. */
  crossValidated?: RetrievalMetrics & { folds: number };
}

/**
 * `lore bench retrieval`: indexes a BEIR corpus into its own collection (reused when unchanged), then
 * scores the full query pipeline (hybrid retrieval + feature reranker) against the qrels, next to the
 * plain BM25 baseline. Latency is retrieve + rerank per question, with the question embedded afresh.
 */
export async function benchRetrieval(config: Config, log: Logger, options: BenchRetrievalOptions): Promise<number> {
  const qrels = loadQrels(options.qrels);
  const queries = loadQueries(options.queries).filter((q) => qrels.has(q.id));
  if (queries.length === 0) throw new Error(`${options.queries}: no query has judgements in ${options.qrels}`);
  const say = (text: string) => !options.json && process.stderr.write(`${text}\n`);

  const corpus = await openBenchCorpus(config, log, options.corpus, !options.json);
  // Questions are embedded without the cache: a benchmark re-run must not time cached vectors.
  const queryEmbedder = createEmbedder(config, log);
  try {
    const { runtime } = corpus;
    const started = performance.now();
    const lexical = new LexicalIndex(runtime.chunks);
    await lexical.refresh();
    const size = lexical.size();
    const indexSeconds = corpus.indexSeconds + (performance.now() - started) / 1000;
    say(`${corpus.documents} documents (${corpus.failed} failed), ${size.passages} passages, indexed in ${indexSeconds.toFixed(1)} s`);

    const bm25 = baseline(lexical, queries, qrels);
    const retriever = new HybridRetriever({
      lexical,
      chunks: runtime.chunks,
      dense: new DenseSearch(queryEmbedder, runtime.vectors),
      candidatesPerSide: CANDIDATES_PER_SIDE,
    });
    const reranker = new FeatureReranker(lexical);
    // One question first, untimed: loads the embedding model.
    await retriever.retrieve({ text: queries[0]!.text, expansions: [] }, 1);

    const fused = new Map<string, string[]>();
    const reranked = new Map<string, string[]>();
    const latencies: number[] = [];
    const labelled: LabelledQuery[] = [];
    for (const query of queries) {
      const search: SearchQuery = { text: query.text, expansions: [] };
      const t0 = performance.now();
      const candidates = await retriever.retrieve(search, CANDIDATES);
      const ranked = await reranker.rerank(search, candidates);
      latencies.push(performance.now() - t0);
      fused.set(query.id, documentIds(candidates));
      reranked.set(query.id, documentIds(ranked));
      if (options.folds > 1) labelled.push(toLabelled(query, search, candidates, lexical, qrels));
    }

    const result: BenchRetrievalResult = {
      ...roundMetrics(evaluateRankings(reranked, qrels)),
      p50Ms: roundTo(percentile(latencies, 0.5), 1),
      p95Ms: roundTo(percentile(latencies, 0.95), 1),
      indexSeconds: roundTo(indexSeconds, 1),
      bm25: roundMetrics(bm25),
      fusion: roundMetrics(evaluateRankings(fused, qrels)),
    };
    if (options.folds > 1) {
      result.crossValidated = { ...roundMetrics(crossValidatedMetrics(labelled, qrels, options.folds, FIT_START, FIT_FROZEN)), folds: options.folds };
    }
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else printTable(result, say);
    return EXIT_OK;
  } finally {
    await queryEmbedder.close();
    await corpus.runtime.close();
  }
}

function baseline(lexical: LexicalIndex, queries: readonly BeirQuery[], qrels: Qrels): RetrievalMetrics {
  const tuned = lexical.parameters;
  lexical.setParameters(LUCENE_BM25_PARAMS);
  try {
    const rankings = new Map<string, string[]>();
    for (const query of queries) {
      const hits = lexical.search(weightedQueryTerms(query.text), CANDIDATES);
      rankings.set(query.id, [...new Set(hits.map((hit) => beirId(hit.docId)))]);
    }
    return evaluateRankings(rankings, qrels);
  } finally {
    lexical.setParameters(tuned);
  }
}

function toLabelled(query: BeirQuery, search: SearchQuery, candidates: RetrievedChunk[], lexical: LexicalIndex, qrels: Qrels): LabelledQuery {
  return {
    id: query.id,
    features: rankFeatures(search, candidates, lexical),
    documents: candidates.map((c) => beirId(c.docId)),
    relevant: qrels.get(query.id)!,
    weight: 1,
  };
}

function documentIds(ranked: readonly RetrievedChunk[]): string[] {
  return rankDocuments(ranked).map((d) => beirId(d.docId));
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function printTable(result: BenchRetrievalResult, say: (text: string) => void): void {
  const row = (label: string, m: RetrievalMetrics) =>
    say(
      `${label.padEnd(26)} ${m['ndcg@10'].toFixed(4).padStart(8)} ${m['recall@10'].toFixed(4).padStart(10)} ` +
        `${m['recall@100'].toFixed(4).padStart(11)} ${m['mrr@10'].toFixed(4).padStart(7)}`,
    );
  say(`${''.padEnd(26)} ${'nDCG@10'.padStart(8)} ${'recall@10'.padStart(10)} ${'recall@100'.padStart(11)} ${'MRR@10'.padStart(7)}`);
  row('BM25 (baseline)', result.bm25);
  row('hybrid fusion', result.fusion);
  row('hybrid + rerank (shipped)', result);
  if (result.crossValidated) row(`hybrid + rerank (${result.crossValidated.folds}-fold CV)`, result.crossValidated);
  say(`${result.queries} queries; retrieve + rerank p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms; indexing ${result.indexSeconds} s`);
}
