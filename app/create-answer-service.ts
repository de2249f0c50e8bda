import { createAnswerPipeline } from './answer-pipeline.ts';
import { MemoryAnswerCache, type AnswerCache } from './answer-cache.ts';
import { AnswerService } from './answer-service.ts';
import type { Metrics } from './metrics.ts';
import { OnlineQuality } from './online-quality.ts';
import { QueryLog } from './query-log.ts';
import type { Runtime } from './runtime.ts';
import { SqliteSpendLedger, type SpendLedger } from './spend-ledger.ts';

export interface AnswerServiceParts {
  metrics?: Metrics;
  /** Shared stores for many replicas (Redis); otherwise memory (cache) and SQLite (spend). */
  cache?: AnswerCache;
  ledger?: SpendLedger;
}

/** The answer service for this configuration: cache, budget, query log, online quality and metrics. */
export function createAnswerService(runtime: Runtime, parts: AnswerServiceParts = {}): AnswerService {
  const { config, log, db, chunks } = runtime;
  const { metrics } = parts;
  const onRoute = (route: 'simple' | 'complex', model: string) => metrics?.increment('lore_model_routes_total', { route, model });
  return new AnswerService({
    pipeline: createAnswerPipeline(runtime, { onRoute }),
    extractive: createAnswerPipeline(runtime, { offline: true }),
    indexVersion: () => chunks.indexVersion(),
    ...(config.cache.ttlSeconds > 0
      ? { cache: { store: parts.cache ?? new MemoryAnswerCache(config.cache.maxEntries), ttlMs: config.cache.ttlSeconds * 1000 } }
      : {}),
    ...(config.dailyBudgetUsd > 0 ? { budget: { dailyUsd: config.dailyBudgetUsd, ledger: parts.ledger ?? new SqliteSpendLedger(db) } } : {}),
    queryLog: new QueryLog(db, config.queryLogDays),
    quality: new OnlineQuality({ metrics, log: log.child({ component: 'quality' }), window: config.quality.window, alertBelow: config.quality.alertBelow }),
    ...(metrics ? { metrics } : {}),
    log: log.child({ component: 'answers' }),
  });
}
