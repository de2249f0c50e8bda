import type { SyncSource } from '../../rag/contracts/sources.ts';
import { errorMessage } from '../../rag/errors.ts';
import { readChatConfig } from '../config.ts';
import { listenOnConfiguredHost } from '../http/create-server.ts';
import { isLoopbackHost } from '../http/loopback.ts';
import { EXIT_OK } from '../exit-codes.ts';
import type { Lore } from '../lore.ts';
import { Metrics } from '../metrics.ts';
import { BottleneckKeyLimiter } from '../rate-limit/key-limiter.ts';
import { openSharedState, type SharedState } from '../shared-state.ts';
import type { Runtime } from '../runtime.ts';
import { Leases } from '../../rag/store/leases.ts';
import { logSyncReport, SyncBusyError, type SyncService } from '../sync-service.ts';
import { startSyncSchedule } from '../sync-schedule.ts';
import { progressBar } from '../progress.ts';

// Chat is connected by app/connect-chat.ts; tests that connect chat alone import it from here too.
export { connectChat, type ChatConnections, type ConnectChatOptions } from '../connect-chat.ts';

/**
 * Runs Lore as a service: brings the configured sources up to date (on a first run that is the
 * sample knowledge base), serves the HTTP API, connects the chat platforms whose tokens are set, and shuts
 * everything down cleanly on SIGINT/SIGTERM. Every part is built by the composition root (app/lore.ts).
 */
export async function start(lore: Lore): Promise<number> {
  // With REDIS_URL, replicas share rate limits, the answer cache and the budget; an unreachable Redis fails the
  // start here, before the slow first index, rather than letting this replica run on private limits.
  const shared = await openSharedState(lore.config, lore.log);
  try {
    return await serve(lore, shared);
  } finally {
    await shared.close();
  }
}

async function serve(lore: Lore, shared: SharedState): Promise<number> {
  const { runtime, config, log } = lore;
  const { chunks } = runtime;
  // The chat configuration is checked before the slow first index, so a mistake in it fails at once.
  const chatConfig = readChatConfig(config.chatConfigFile);
  const metrics = new Metrics();
  // The budget alert compares today's spend with it (0: no budget).
  metrics.set('lore_budget_limit_usd', {}, config.dailyBudgetUsd);
  // One sync service for the whole process: one rate limiter per source, one lock holder.
  const sync = await lore.sync({ metrics });
  await syncFilesFirst(runtime, sync);
  // Notion, GitHub and web are synced by one replica, the holder of the schedule: at once when it takes the schedule
  // (at start, or on taking over from a replica that died), then every interval. On SQLite this process holds it.
  const schedule = startSyncSchedule(sync, {
    intervalMinutes: config.syncIntervalMinutes,
    log,
    leases: new Leases(runtime.sql),
    first: (signal) => syncRemoteSources(runtime, sync, signal),
  });

  const answers = lore.answers({ metrics, cache: shared.cache, ledger: shared.ledger, bottleneck: shared.bottleneck });
  const chat = await lore.chat({ sync, pipeline: answers, chatConfig, metrics, sharedLimits: shared.bottleneck }).catch(async (error: unknown) => {
    await schedule.stop();
    throw error;
  });
  // Shared by every replica; otherwise the server keeps its own in-process limiter.
  const limiter = shared.bottleneck
    ? new BottleneckKeyLimiter({ perMinute: config.api.ratePerMinute, burst: config.api.burst, datastore: shared.bottleneck })
    : undefined;
  try {
    const server = await lore.http({
      answers,
      metrics,
      rawRoutes: chat.routes,
      platforms: chat.platformStatus,
      ...(limiter ? { limiter } : {}),
    });
    try {
      await listenOnConfiguredHost(server, config.host, config.port);
    } catch (error) {
      await server.close();
      throw error;
    }
    log.info(
      { host: config.host, port: config.port, chat: chat.platforms, ...(await chunks.counts()) },
      `Lore is running: http://${browsableHost(config.host)}:${config.port}/ (the playground; the API at /query)`,
    );

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    log.info({ signal }, 'shutting down');
    // No new requests; answers in flight finish first.
    await server.close();
  } finally {
    await schedule.stop();
    await chat.close();
    await limiter?.close();
  }
  return EXIT_OK;
}

/**
 * Local files are synced before Lore serves (on a first run that is the sample knowledge base), so the first
 * question already has an index. A sync of them already running elsewhere (`lore sync files`) is not waited for.
 */
async function syncFilesFirst(runtime: Runtime, sync: SyncService): Promise<void> {
  const { config, log, chunks } = runtime;
  const firstRun = (await chunks.counts()).documents === 0;
  log.info({ paths: config.filesPaths, firstRun }, firstRun ? 'indexing the configured files for the first time' : 'syncing the configured files');
  const bar = progressBar('Indexing', true);
  try {
    const [report] = await sync.sync('files', {
      onProgress: (event) => {
        if (event.phase === 'indexing') bar.update({ done: event.done, total: event.total, current: event.message });
      },
    });
    if (report) logSyncReport(log, report, 'files synced');
  } catch (error) {
    if (!(error instanceof SyncBusyError)) throw error;
    log.warn({ source: 'files' }, 'another process is syncing the files: serving the index as it is');
  } finally {
    bar.stop();
  }
}

/**
 * Notion, GitHub and web sync in the background: a first Notion sync at its 3 requests/s can take many
 * minutes, and Lore answers from what is indexed meanwhile. Stops when `signal` aborts (shutdown, or the schedule
 * handed to another replica).
 */
async function syncRemoteSources(runtime: Runtime, sync: SyncService, signal: AbortSignal): Promise<void> {
  const { log } = runtime;
  const remote = sync.configuredSources().filter((source) => source !== 'files');
  for (const source of remote) {
    if (signal.aborted) return;
    try {
      const [report] = await sync.sync(source as SyncSource, { signal });
      if (report) logSyncReport(log, report, 'source synced');
    } catch (error) {
      if (signal.aborted) return;
      log.error({ source, err: errorMessage(error) }, 'sync failed; the next scheduled sync retries it');
    }
  }
}

/** The host to print in the playground's address: a wildcard or loopback address is reached as localhost. */
function browsableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || isLoopbackHost(host)) return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
