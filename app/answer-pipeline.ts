import fs from 'node:fs';
import { AnswerPipeline } from '../rag/answer-question.ts';
import { DEFAULT_PRICES, parsePriceTable, type PriceTable } from '../rag/cost/price-table.ts';
import { createGeminiClient } from '../rag/gemini/gemini-client.ts';
import { ExtractiveGenerator } from '../rag/generate/extractive-generator.ts';
import { GeminiGenerator } from '../rag/generate/gemini-generator.ts';
import { GeminiRewriter } from '../rag/question/gemini-rewriter.ts';
import { HeuristicRewriter } from '../rag/question/rewrite-question.ts';
import { FeatureReranker } from '../rag/rerank/feature-reranker.ts';
import { GeminiReranker } from '../rag/rerank/gemini-reranker.ts';
import { DenseSearch } from '../rag/retrieve/dense-search.ts';
import { HybridRetriever } from '../rag/retrieve/hybrid-retriever.ts';
import { LexicalIndex } from '../rag/retrieve/lexical-index.ts';
import type { Reranker } from '../rag/types.ts';
import { ConfigError } from './config.ts';
import type { Runtime } from './runtime.ts';

/**
 * The query path for this configuration: Gemini rewriting, reranking and generation when a key is set,
 * the offline defaults (heuristic rewriter, feature reranker, extractive answerer) otherwise.
 */
export function createAnswerPipeline(runtime: Pick<Runtime, 'config' | 'log' | 'chunks' | 'vectors' | 'embedder'>): AnswerPipeline {
  const { config, log, chunks, vectors, embedder } = runtime;
  const lexical = new LexicalIndex(chunks);
  const retriever = new HybridRetriever({
    lexical,
    chunks,
    dense: new DenseSearch(embedder, vectors),
    onDenseFailure: (error) => log.warn({ err: error.message }, 'dense search failed; answering from lexical search alone'),
  });
  const features = new FeatureReranker(lexical);
  const extractive = new ExtractiveGenerator();
  const { apiKey, baseUrl, model } = config.gemini;

  let reranker: Reranker = features;
  if (apiKey) {
    reranker = new GeminiReranker({
      client: createGeminiClient({ apiKey, baseUrl }),
      model,
      first: features,
      onFailure: (error) => log.warn({ err: error.message }, 'Gemini reranking failed; using the feature reranker'),
    });
  }
  return new AnswerPipeline({
    retriever,
    reranker,
    generator: apiKey ? new GeminiGenerator({ apiKey, baseUrl, model }) : extractive,
    fallback: extractive,
    rewriter: apiKey ? new GeminiRewriter({ apiKey, baseUrl, model }) : new HeuristicRewriter(),
    prices: loadPrices(config.pricesFile),
    onWarning: (message, error) => log.warn({ err: error instanceof Error ? error.message : String(error) }, message),
  });
}

function loadPrices(file: string | undefined): PriceTable {
  if (!file) return DEFAULT_PRICES;
  try {
    return parsePriceTable(JSON.parse(fs.readFileSync(file, 'utf8')), DEFAULT_PRICES, file);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: LORE_PRICES_FILE ${(error as Error).message}`);
  }
}
