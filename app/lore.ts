// The composition root: Lore built from a validated configuration (app/config.ts). Every entry point builds what it
// needs here and nowhere else: `lore start` (answers, sync, chat, HTTP), `lore ask`
// (answers), the benchmarks (app/commands/bench-*.ts) and the release gate (evals/knowledge-bases.ts), so the gate
// answers with the very pipeline `lore ask` answers with.
import type { FastifyInstance } from 'fastify';
import type { AnswerPipeline } from '../rag/answer-question.ts';
import { createAnswerPipeline, createAnswerPipelines, type PipelineOptions } from './answer-pipeline.ts';
import type { AnswerService } from './answer-service.ts';
import type { Config } from './config.ts';
import type { ChatConnections, ConnectChatOptions } from './connect-chat.ts';
import { createAnswerService, type AnswerServiceParts } from './create-answer-service.ts';
import type { HttpServerOptions } from './http/create-server.ts';
import type { Logger } from './logger.ts';
import { openRuntime, type Runtime, type RuntimeOptions } from './runtime.ts';
import type { SyncService, SyncServiceOptions } from './sync-service.ts';

// The sync (every source's SDK), chat and the server load when asked for: `lore ask` starts without them.

/** Lore on one runtime (database, embedder, vectors, index): the parts each entry point asks for. */
export interface Lore {
  readonly config: Config;
  readonly log: Logger;
  readonly runtime: Runtime;
  /**
   * The answer service every surface answers through (`lore ask`, HTTP, chat): the answer cache, the daily budget,
   * the query log and the online quality scores around the configured pipelines of `answerPipelines`.
   */
  answers(parts?: AnswerServiceParts): AnswerService;
  /**
   * The configured pipeline and its offline twin (for a spent budget), as the answer service wraps them. The release
   * gate answers with `pipeline`: the same answers, neither cached, charged to the budget nor written to the query log.
   */
  answerPipelines(options?: Omit<PipelineOptions, 'offline'>): { pipeline: AnswerPipeline; offline: AnswerPipeline };
  /** One pipeline with options of its own (`lore bench answers`: offline, or with the oracle generator). */
  answerPipeline(options?: PipelineOptions): AnswerPipeline;
  /** The sync of the configured sources: one per process (one rate limiter per source, one lock holder). */
  sync(options?: SyncServiceOptions): Promise<SyncService>;
  /** The chat platforms whose tokens are configured, over one conversation layer (started, not yet connected). */
  chat(options: ConnectChatOptions): Promise<ChatConnections>;
  /** The HTTP API and playground over these answers, ready to listen. */
  http(options: Omit<HttpServerOptions, 'runtime'>): Promise<FastifyInstance>;
  /** Releases the runtime. */
  close(): Promise<void>;
}

/** Opens the runtime for `config` and composes Lore on it; `close()` releases it. */
export async function openLore(config: Config, log: Logger, options: RuntimeOptions = {}): Promise<Lore> {
  return composeLore(await openRuntime(config, log, options));
}

/** Lore on a runtime already open (tests open theirs with fakes). */
export function composeLore(runtime: Runtime): Lore {
  return {
    config: runtime.config,
    log: runtime.log,
    runtime,
    answers: (parts = {}) => createAnswerService(runtime, parts),
    answerPipelines: (options = {}) => createAnswerPipelines(runtime, options),
    answerPipeline: (options = {}) => createAnswerPipeline(runtime, options),
    sync: async (options = {}) => (await import('./sync-service.ts')).createSyncService(runtime, options),
    chat: async (options) => (await import('./connect-chat.ts')).connectChat(runtime, options),
    http: async (options) => (await import('./http/create-server.ts')).createHttpServer({ runtime, ...options }),
    close: () => runtime.close(),
  };
}
