import { once } from 'node:events';
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { withTimeout } from '../rag/retry.ts';
import type { AnswerCache } from './answer-cache.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { redactUrl } from './redact-url.ts';
import { RedisAnswerCache } from './redis-answer-cache.ts';
import { RedisSpendLedger } from './redis-spend-ledger.ts';
import type { SpendLedger } from './spend-ledger.ts';
import { errorMessage } from '../rag/errors.ts';

// What several `lore start` replicas share through Redis (REDIS_URL): the answer cache, the daily spend and
// every rate limiter (bottleneck's clustering). Without REDIS_URL nothing is opened and each process keeps
// its own. With it, Redis must answer at start: replicas that silently fell back to private limits and budgets
// would each allow the whole quota.

/** bottleneck options that put a limiter's state in the shared Redis. */
export interface SharedBottleneck {
  datastore: 'ioredis';
  connection: Bottleneck.IORedisConnection;
}

export interface SharedState {
  cache?: AnswerCache;
  ledger?: SpendLedger;
  bottleneck?: SharedBottleneck;
  /** Closes the Redis connections (the limiters on them stop refreshing). */
  close(): Promise<void>;
}

export interface SharedStateOptions {
  /** How long Redis has to accept the connection at start; default 5 s. */
  connectTimeoutMs?: number;
}

export async function openSharedState(config: Pick<Config, 'redisUrl'>, log: Logger, options: SharedStateOptions = {}): Promise<SharedState> {
  const url = config.redisUrl;
  if (!url) return { close: async () => {} };
  const shown = redactRedisUrl(url);
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  let lastError: unknown;
  // Until Redis has answered once, an error is the reason start fails, not a warning.
  let connected = false;
  const throttled = throttledWarning(log.child({ component: 'redis', redis: shown }));
  const warn = (error: unknown) => {
    lastError = error;
    if (connected) throttled(error);
  };

  // Cache and budget: short deadlines (a slow Redis costs a cache miss, not a slow answer) and few retries
  // while reconnecting, so commands fail fast instead of piling up.
  const data = new Redis(url, {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    commandTimeout: 1_000,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    connectionName: 'lore',
  });
  data.on('error', warn);
  try {
    await withTimeout(() => data.connect(), connectTimeoutMs);
    await data.ping();
  } catch (error) {
    data.disconnect();
    throw new Error(`could not connect to Redis at REDIS_URL (${shown}): ${errorMessage(lastError ?? error)}`, { cause: error });
  }

  // The limiters get their own client (bottleneck adds a second one for its pub/sub): their Lua scripts must
  // not queue behind cache traffic, and a limiter may wait a little longer than a cache read.
  const limiterClient = data.duplicate({ lazyConnect: false, commandTimeout: 5_000, connectionName: 'lore-limits' });
  const connection = new Bottleneck.IORedisConnection({ client: limiterClient, Redis });
  connection.on('error', warn);
  try {
    if (limiterClient.status !== 'ready') await withTimeout((signal) => once(limiterClient, 'ready', { signal }), connectTimeoutMs);
  } catch (error) {
    await connection.disconnect(false).catch(() => undefined);
    data.disconnect();
    throw new Error(`could not connect to Redis at REDIS_URL (${shown}) for the rate limits: ${errorMessage(lastError ?? error)}`, { cause: error });
  }
  connected = true;
  log.info({ redis: shown }, 'sharing rate limits, the answer cache and the daily budget through Redis');

  return {
    cache: new RedisAnswerCache(data),
    ledger: new RedisSpendLedger(data),
    bottleneck: { datastore: 'ioredis', connection },
    async close() {
      await withTimeout(() => connection.disconnect(true), 2_000).catch(() => connection.disconnect(false));
      await withTimeout(() => data.quit(), 2_000).catch(() => data.disconnect());
    },
  };
}

/** The URL with its password (if any) masked, for logs and error messages. */
export function redactRedisUrl(url: string): string {
  return redactUrl(url, 'redis://(unparsable URL)');
}

/** One warning per distinct error every 30 s: a Redis that is down reports on every reconnection attempt. */
function throttledWarning(log: Logger): (error: unknown) => void {
  let lastMessage = '';
  let lastAt = 0;
  return (error) => {
    const message = errorMessage(error);
    const now = Date.now();
    if (message === lastMessage && now - lastAt < 30_000) return;
    lastMessage = message;
    lastAt = now;
    log.warn({ err: message }, 'Redis error: shared rate limits, answer cache and budget are degraded until it answers again');
  };
}
