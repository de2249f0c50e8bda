import type { Connector } from '../connectors/connector.ts';
import { fileLimits } from '../connectors/files/file-limits.ts';
import { createFilesConnector } from '../connectors/files/files-connector.ts';
import { createGithubConnector, type GithubConnectorOptions } from '../connectors/github/github-connector.ts';
import { createNotionConnector, type NotionConnectorOptions } from '../connectors/notion/notion-connector.ts';
import { runSync } from '../connectors/sync/sync-engine.ts';
import { type SyncLockOptions, syncLockLeases } from '../connectors/sync/sync-lock.ts';
import { SyncStateStore } from '../connectors/sync/sync-state-store.ts';
import { createWebConnector, type WebConnectorOptions } from '../connectors/web/web-connector.ts';
import type { SourceKind } from '../rag/types.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import type { Runtime } from './runtime.ts';
import { SYNC_SOURCES, type SyncSource, type SyncTarget } from '../rag/contracts/sources.ts';
import { SyncBusyError, type SourceStatus, type SourceSyncReport, type SyncProgress } from '../rag/contracts/sync.ts';
import { missingConfiguration, requireConfigured } from './sync-sources.ts';
import { errorMessage } from '../rag/errors.ts';

// The one way anything syncs a source: `lore sync`, the interval in `lore start`, and `/lore sync` in chat
// (which receives this service from app/, since bot/ cannot import connectors). Sources are built from the
// configuration; each sync runs through the engine (per-source lock, cursor, summary), whose lock and state are in the
// runtime's storage seam: what processes sharing it, and replicas sharing a PostgreSQL, see alike.

export { SyncBusyError };
export type { SourceStatus, SourceSyncReport, SyncProgress, SyncTarget };

export interface SyncService {
  configuredSources(): SourceKind[];
  sync(
    target: SyncTarget,
    options?: {
      full?: boolean;
      onProgress?: (e: SyncProgress) => void;
      /** Each source's report as it finishes: callers keep them when a later source stops the sync. */
      onReport?: (report: SourceSyncReport) => void;
      signal?: AbortSignal;
    },
  ): Promise<SourceSyncReport[]>;
  /** Every sync source's status, read from the store replicas share: what is indexed, when it last synced, whether a sync of it runs anywhere. */
  status(): Promise<SourceStatus[]>;
  /** When `source` last finished a sync without failures (ISO-8601), if it ever did. */
  lastSyncAt(source: SourceKind): Promise<string | undefined>;
  /**
   * Calls `listener` after each source's sync that finished (failures of some items or not), whoever started it: the
   * schedule, `lore start`'s first syncs, a chat command. Returns the unsubscribe function.
   */
  onSourceSynced(listener: (report: SourceSyncReport) => void): () => void;
}

/** The report of a source whose sync stopped before it could say more than why. */
export function failedSyncReport(source: SourceKind, error: string, durationMs: number): SourceSyncReport {
  return { source, added: 0, updated: 0, unchanged: 0, deleted: 0, failed: [{ path: source, error }], retryableFailures: 1, durationMs };
}

/** `metrics` is given by `lore start` (served at GET /metrics); the rest is tuning for tests and benchmarks. */
export interface SyncServiceOptions {
  metrics?: Pick<Metrics, 'increment' | 'observe' | 'set'>;
  /** Use these instead of building connectors from the configuration. */
  connectors?: Partial<Record<SyncSource, Connector>>;
  notion?: Partial<Omit<NotionConnectorOptions, 'token' | 'baseUrl'>>;
  github?: GithubConnectorOptions;
  web?: WebConnectorOptions;
  locks?: SyncLockOptions;
}

export function createSyncService(runtime: Runtime, options: SyncServiceOptions = {}): SyncService {
  const { config, log, indexer, sql, chunks } = runtime;
  const state = new SyncStateStore(sql);
  const locks = syncLockLeases(sql, options.locks);
  const built = new Map<SyncSource, Connector>();
  const syncedListeners = new Set<(report: SourceSyncReport) => void>();

  const connectorFor = (source: SyncSource): Connector => {
    const given = options.connectors?.[source];
    if (given) return given;
    let connector = built.get(source);
    if (!connector) {
      connector = buildConnector(source, config, log, options);
      built.set(source, connector);
    }
    return connector;
  };

  const configuredSources = (): SourceKind[] =>
    SYNC_SOURCES.filter((source) => options.connectors?.[source] !== undefined || missingConfiguration(source, config) === undefined);

  const record = syncRecorder(options.metrics);
  if (options.metrics) {
    // The staleness alert compares the last success with the interval (0: syncs only at start).
    options.metrics.set('lore_sync_interval_seconds', {}, config.syncIntervalMinutes * 60);
    for (const source of configuredSources()) record.known(source);
    // The last successes are read in the background (building the service stays synchronous); a sync's own finish waits for them,
    // so that the stored time never overwrites a newer one.
    record.seeded(
      Promise.all(configuredSources().map(async (source) => record.lastSynced(source, (await state.get(source)).lastSyncAt))).catch(
        (error: unknown) =>
          log.warn({ err: errorMessage(error) }, 'could not read when each source last synced; the staleness metrics start at the next sync'),
      ),
    );
  }

  return {
    configuredSources,

    async sync(target, syncOptions = {}) {
      if (target === 'all' || options.connectors?.[target] === undefined) requireConfigured(target, config);
      const sources = target === 'all' ? (configuredSources() as SyncSource[]) : [target];
      const reports: SourceSyncReport[] = [];
      for (const source of sources) {
        const started = Date.now();
        try {
          const report = await runSync(connectorFor(source), { indexer, state, locks }, syncOptions);
          await record.finished(report);
          reports.push(report);
          syncOptions.onReport?.(report);
          for (const listener of syncedListeners) {
            try {
              listener(report);
            } catch (error) {
              log.error({ source, err: errorMessage(error) }, 'a listener of finished syncs failed');
            }
          }
        } catch (error) {
          // Another process syncing this source, or a shutdown, is no failure of the source.
          if (!(error instanceof SyncBusyError) && !syncOptions.signal?.aborted) record.failed(source, Date.now() - started);
          // One source failing (busy, unreachable, bad token) does not keep `all` from syncing the others.
          if (target !== 'all' || syncOptions.signal?.aborted) throw error;
          const message = errorMessage(error);
          log.error({ source, err: message }, 'sync failed');
          const report = failedSyncReport(source, message, Date.now() - started);
          reports.push(report);
          syncOptions.onReport?.(report);
        }
      }
      return reports;
    },

    onSourceSynced(listener) {
      syncedListeners.add(listener);
      return () => {
        syncedListeners.delete(listener);
      };
    },

    status() {
      const configured = new Set(configuredSources());
      return Promise.all(
        SYNC_SOURCES.map(async (source): Promise<SourceStatus> => {
          const [last, holder] = await Promise.all([state.get(source), locks.holder(source)]);
          const { documents, chunks: count } = await chunks.sourceCounts(source);
          return {
            source,
            configured: configured.has(source),
            documents,
            chunks: count,
            lastSyncAt: last.lastSyncAt,
            lastSummary: last.lastSummary,
            running: holder !== undefined,
          };
        }),
      );
    },

    async lastSyncAt(source) {
      return (await state.get(source)).lastSyncAt;
    },
  };
}

/** Seconds: a no-change sync takes well under a second, a first Notion or GitHub sync can take an hour or more. */
const SYNC_DURATION_BUCKETS = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200];

/**
 * The sync metrics. Outcome `ok`: finished with nothing failed; `partial`: finished, some items failed; `failed`:
 * the sync itself did not finish. The last-success time moves when the cursor was committed (no failure that a
 * retry may fix), the same moment the sync state records as `lastSyncAt`.
 */
function syncRecorder(metrics: SyncServiceOptions['metrics']) {
  const lastSuccess = (source: SourceKind, ms: number) => metrics?.set('lore_sync_last_success_timestamp_seconds', { source }, Math.floor(ms / 1000));
  let seeding: Promise<unknown> = Promise.resolve();
  return {
    /** Series exist from the start, so the first failure counts in increase(). */
    known(source: SourceKind): void {
      for (const outcome of ['ok', 'partial', 'failed']) metrics?.increment('lore_sync_runs_total', { source, outcome }, 0);
    },
    /** A restarted process knows when each source last synced: the staleness alert must not wait for the next run. */
    lastSynced(source: SourceKind, lastSyncAt: string | undefined): void {
      const at = lastSyncAt ? Date.parse(lastSyncAt) : Number.NaN;
      if (Number.isFinite(at)) lastSuccess(source, at);
    },
    /** The reading of the stored last successes, which a finished sync waits for. */
    seeded(reading: Promise<unknown>): void {
      seeding = reading;
    },
    async finished(report: SourceSyncReport): Promise<void> {
      if (!metrics) return;
      await seeding;
      const { source } = report;
      metrics.increment('lore_sync_runs_total', { source, outcome: report.failed.length === 0 ? 'ok' : 'partial' });
      const changes = { added: report.added, updated: report.updated, deleted: report.deleted, failed: report.failed.length };
      for (const [change, count] of Object.entries(changes)) metrics.increment('lore_sync_documents_total', { source, change }, count);
      metrics.observe('lore_sync_duration_seconds', { source }, report.durationMs / 1000, SYNC_DURATION_BUCKETS);
      if (report.retryableFailures === 0) lastSuccess(source, Date.now());
    },
    failed(source: SourceKind, durationMs: number): void {
      if (!metrics) return;
      metrics.increment('lore_sync_runs_total', { source, outcome: 'failed' });
      metrics.observe('lore_sync_duration_seconds', { source }, durationMs / 1000, SYNC_DURATION_BUCKETS);
    },
  };
}

function buildConnector(source: SyncSource, config: Config, log: Logger, options: SyncServiceOptions): Connector {
  switch (source) {
    case 'files':
      return createFilesConnector(config.filesPaths, fileLimits(config.limits));
    case 'notion':
      return createNotionConnector(config.notion, log.child({ source: 'notion' }), options.notion);
    case 'github':
      return createGithubConnector(config.github, log.child({ source: 'github' }), options.github);
    case 'web':
      return createWebConnector(config.web, log.child({ source: 'web' }), options.web);
  }
}

/** One info line per finished sync, and a warning per item that was not synced. */
export function logSyncReport(log: Logger, report: SourceSyncReport, message: string): void {
  const { source, added, updated, unchanged, deleted, failed, durationMs } = report;
  log.info({ source, added, updated, unchanged, deleted, failed: failed.length, durationMs }, message);
  for (const failure of failed) log.warn({ source, ...failure }, 'not synced');
}
