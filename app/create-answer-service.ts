import { errorMessage } from '../rag/errors.ts';
import { createRateLimiter } from '../rag/gemini/rate-limiter.ts';
import { createAnswerPipelines } from './answer-pipeline.ts';
import { MemoryAnswerCache, type AnswerCache } from './answer-cache.ts';
import { AnswerService } from './answer-service.ts';
import type { Metrics } from './metrics.ts';
import { OnlineQuality } from './online-quality.ts';
import { QueryLog } from './query-log.ts';
import type { Runtime } from './runtime.ts';
import type { SharedBottleneck } from './shared-state.ts';
import { SqlSpendLedger, type SpendLedger } from './spend-ledger.ts';

export interface AnswerServiceParts {
  metrics?: Metrics;
  /** Shared stores for many replicas (Redis); otherwise memory (cache) and the store (spend). */
  cache?: AnswerCache;
  ledger?: SpendLedger;
  /** Shares the Gemini generation quota (requests per minute, per model) with the other replicas. */
  bottleneck?: SharedBottleneck;
}

/** Each generator's own defaults (GeminiGenerator), as one quota for the whole deployment. */
const GENERATION_QUOTA = { requestsPerMinute: 60, maxConcurrent: 4 };

/** The answer service for this configuration: cache, budget, query log, online quality and metrics. */
export function createAnswerService(runtime: Runtime, parts: AnswerServiceParts = {}): AnswerService {
  const { config, log, sql, chunks } = runtime;
  const { metrics, bottleneck } = parts;
  const onRoute = (route: 'simple' | 'complex', model: string) => metrics?.increment('lore_model_routes_total', { route, model });
  const queryLog = new QueryLog(sql, config.queryLogDays);
  // Rows past the retention go at start too, not only as new questions arrive; in the background, as bookkeeping.
  queryLog.prune().catch((error: unknown) => log.warn({ err: errorMessage(error) }, 'pruning the query log failed'));
  const { pipeline, offline } = createAnswerPipelines(runtime, {
    onRoute,
    ...(bottleneck
      ? {
          generationLimiter: (model: string) =>
            createRateLimiter({ ...GENERATION_QUOTA, shared: { id: `lore-gemini-generate-${model}`, datastore: bottleneck } }),
        }
      : {}),
  });
  return new AnswerService({
    pipeline,
    extractive: offline,
    indexVersion: () => chunks.indexVersion(),
    ...(config.cache.ttlSeconds > 0
      ? { cache: { store: parts.cache ?? new MemoryAnswerCache(config.cache.maxEntries), ttlMs: config.cache.ttlSeconds * 1000 } }
      : {}),
    ...(config.dailyBudgetUsd > 0 ? { budget: { dailyUsd: config.dailyBudgetUsd, ledger: parts.ledger ?? new SqlSpendLedger(sql) } } : {}),
    queryLog,
    quality: new OnlineQuality({
      metrics,
      log: log.child({ component: 'quality' }),
      window: config.quality.window,
      alertBelow: config.quality.alertBelow,
    }),
    ...(metrics ? { metrics } : {}),
    log: log.child({ component: 'answers' }),
  });
}
