import fs from 'node:fs';
import { AnswerPipeline } from '../rag/answer-question.ts';
import { DEFAULT_PRICES, parsePriceTable, type PriceTable } from '../rag/cost/price-table.ts';
import { createGeminiClient } from '../rag/gemini/gemini-client.ts';
import { ExtractiveGenerator } from '../rag/generate/extractive-generator.ts';
import { GeminiGenerator } from '../rag/generate/gemini-generator.ts';
import { GeminiRewriter } from '../rag/question/gemini-rewriter.ts';
import { HeuristicRewriter } from '../rag/question/rewrite-question.ts';
import { createRetrieval } from '../rag/retrieve/create-retrieval.ts';
import { ConfigError } from './config.ts';
import type { Runtime } from './runtime.ts';

/**
 * The query path for this configuration: Gemini rewriting, reranking and generation when a key is set,
 * the offline defaults (heuristic rewriter, feature reranker, extractive answerer) otherwise.
 */
export function createAnswerPipeline(runtime: Pick<Runtime, 'config' | 'log' | 'chunks' | 'vectors' | 'embedder'>): AnswerPipeline {
  const { config, log, chunks, vectors, embedder } = runtime;
  const { apiKey, baseUrl, model } = config.gemini;
  const { retriever, reranker } = createRetrieval({
    chunks,
    vectors,
    embedder,
    gemini: apiKey ? { client: createGeminiClient({ apiKey, baseUrl }), model } : undefined,
    onDegraded: (stage, error) => log.warn({ stage, err: error.message }, `${stage} failed; answering without it`),
  });
  const extractive = new ExtractiveGenerator();
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
