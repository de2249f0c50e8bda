import type Bottleneck from 'bottleneck';
import { AnswerPipeline } from '../rag/answer-question.ts';
import { createGeminiClient } from '../rag/gemini/gemini-client.ts';
import { ExtractiveGenerator } from '../rag/generate/extractive-generator.ts';
import { analyzeText } from '../rag/retrieve/analyze-text.ts';
import type { LexicalIndex } from '../rag/retrieve/lexical-index.ts';
import { GeminiGenerator } from '../rag/generate/gemini-generator.ts';
import { RoutingGenerator } from '../rag/generate/route-by-complexity.ts';
import { GeminiRewriter } from '../rag/question/gemini-rewriter.ts';
import { HeuristicRewriter } from '../rag/question/rewrite-question.ts';
import { createRetrieval, type Retrieval } from '../rag/retrieve/create-retrieval.ts';
import { WithoutDocuments } from '../rag/retrieve/without-documents.ts';
import type { Generator, Vocabulary } from '../rag/types.ts';
import type { Runtime } from './runtime.ts';
import { errorMessage } from '../rag/errors.ts';

export interface PipelineOptions {
  /** No model calls at all (the daily budget is spent): heuristic rewriting, feature reranking, extractive answers. */
  offline?: boolean;
  /** Told which model each generated answer was routed to. */
  onRoute?: (route: 'simple' | 'complex', model: string) => void;
  /** The request limiter for a model's generations (shared by replicas through Redis); each generator's own otherwise. */
  generationLimiter?: (model: string) => Bottleneck;
  /** Answers with this generator instead of the configured one; everything else stays (`lore bench answers --generator oracle`). */
  generator?: Generator;
  /** The offline answerer's least focus coverage (`lore bench answers --cross-validate` tries several). */
  minCoverage?: number;
  /** Documents retrieval never returns (`lore bench answers --near-misses` hides each question's gold documents). */
  hiddenDocuments?: (docId: string) => boolean;
}

/**
 * How many tokens beyond the context budget a model is given to read the rest of the sections it was shown (about
 * three chunks). Measured with the faithful fake model on real-docs-dev: 600 and 1,000 post the same answers.
 */
const SECTION_TOKENS = 600;

/**
 * The query path for this configuration: Gemini rewriting, reranking and generation when a key is set (a
 * cheaper model for simple questions when GEMINI_SIMPLE_MODEL is set), the offline defaults (heuristic rewriter,
 * feature reranker, extractive answerer) otherwise.
 */
export function createAnswerPipeline(runtime: PipelineRuntime, options: PipelineOptions = {}): AnswerPipeline {
  const apiKey = options.offline ? undefined : runtime.config.gemini.apiKey;
  return assemble(runtime, retrievalFor(runtime, apiKey), apiKey, options);
}

/**
 * The configured pipeline and its offline twin (for when the daily budget is spent), over one retriever and so
 * one in-memory lexical index. Without a key they are the same pipeline.
 */
export function createAnswerPipelines(
  runtime: PipelineRuntime,
  options: Omit<PipelineOptions, 'offline'> = {},
): { pipeline: AnswerPipeline; offline: AnswerPipeline } {
  const { apiKey } = runtime.config.gemini;
  const retrieval = retrievalFor(runtime, apiKey);
  const pipeline = assemble(runtime, retrieval, apiKey, options);
  if (!apiKey) return { pipeline, offline: pipeline };
  return { pipeline, offline: assemble(runtime, { ...retrieval, reranker: retrieval.features }, undefined, options) };
}

type PipelineRuntime = Pick<Runtime, 'config' | 'log' | 'chunks' | 'vectors' | 'embedder'>;

function retrievalFor(runtime: PipelineRuntime, apiKey: string | undefined): Retrieval {
  const { config, log, chunks, vectors, embedder } = runtime;
  const { baseUrl, model } = config.gemini;
  return createRetrieval({
    chunks,
    vectors,
    embedder,
    gemini: apiKey ? { client: createGeminiClient({ apiKey, baseUrl }), model } : undefined,
    onDegraded: (stage, error) => log.warn({ stage, err: error.message }, `${stage} failed; answering without it`),
  });
}

function assemble(runtime: PipelineRuntime, retrieval: Retrieval, apiKey: string | undefined, options: PipelineOptions): AnswerPipeline {
  const { config, log } = runtime;
  const { baseUrl, model } = config.gemini;
  const vocabulary = lexicalVocabulary(retrieval.lexical);
  const extractive = new ExtractiveGenerator({
    vocabulary,
    ...(options.minCoverage !== undefined ? { minCoverage: options.minCoverage } : {}),
  });
  const generator = options.generator ?? (apiKey ? geminiGenerator(apiKey, config.gemini, options) : extractive);
  return new AnswerPipeline({
    retriever: options.hiddenDocuments ? new WithoutDocuments(retrieval.retriever, options.hiddenDocuments) : retrieval.retriever,
    reranker: retrieval.reranker,
    // A model reads a section whole; the offline answerer quotes spans, and more of them only blur which answers.
    ...(generator === extractive ? {} : { sections: { chunks: runtime.chunks, tokens: SECTION_TOKENS } }),
    generator,
    fallback: extractive,
    rewriter: apiKey ? new GeminiRewriter({ apiKey, baseUrl, model }) : new HeuristicRewriter(),
    prices: config.prices,
    lowTrustSources: config.lowTrustSources,
    deadlineMs: config.answerDeadlineSeconds * 1000,
    vocabulary,
    onWarning: (message, error) => log.warn({ err: errorMessage(error) }, message),
  });
}

function geminiGenerator(apiKey: string, gemini: Runtime['config']['gemini'], options: PipelineOptions): Generator {
  const limiter = (model: string) => (options.generationLimiter ? { limiter: options.generationLimiter(model) } : {});
  const complex = new GeminiGenerator({ apiKey, baseUrl: gemini.baseUrl, model: gemini.model, ...limiter(gemini.model) });
  if (!gemini.simpleModel) return complex;
  const simple = new GeminiGenerator({ apiKey, baseUrl: gemini.baseUrl, model: gemini.simpleModel, ...limiter(gemini.simpleModel) });
  return new RoutingGenerator({ simple, complex, onRoute: options.onRoute });
}

/** The knowledge base's vocabulary for the offline answerer: a word's rarity as the lexical index knows it. */
function lexicalVocabulary(lexical: LexicalIndex): Vocabulary {
  return {
    idf(word: string): number | undefined {
      const [term] = analyzeText(word);
      return term === undefined ? undefined : lexical.idf(term);
    },
  };
}
