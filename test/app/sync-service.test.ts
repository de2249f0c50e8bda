import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../app/config.ts';
import { createLogger } from '../../app/logger.ts';
import { Metrics } from '../../app/metrics.ts';
import { openRuntime, type Runtime } from '../../app/runtime.ts';
import { createSyncService, SyncBusyError, type SyncTarget } from '../../app/sync-service.ts';
import type { Connector } from '../../connectors/connector.ts';
import { syncLockLeases } from '../../connectors/sync/sync-lock.ts';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.ts';
import { metricValue } from '../helpers/metric-series.ts';
import { tempDir } from '../helpers/temp-dir.ts';

// The sync service as `lore sync`, `lore start` and chat commands use it: which sources are configured,
// clear errors for the others, `all` going on past a failing source, and status (the schedule: sync-schedule.test.ts).

let gemini: FakeGemini;
let runtime: Runtime;
const tmp = tempDir('lore-sync-service-');
const docs = path.join(tmp.dir, 'docs');

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  fs.mkdirSync(docs);
  fs.writeFileSync(path.join(docs, 'guide.md'), '# Guide\n\nBackups are kept for thirty days.\n');
  runtime = await openRuntime(
    loadConfig({
      LORE_DATA_DIR: path.join(tmp.dir, 'data'),
      LORE_FILES_PATHS: docs,
      LORE_EMBEDDER: 'gemini',
      GEMINI_API_KEY: 'test-key',
      GEMINI_BASE_URL: gemini.url,
    }),
    createLogger('silent'),
  );
}, 120_000);
afterAll(async () => {
  await runtime?.close();
  await gemini?.close();
  tmp.cleanup();
});

function withConfig(env: Record<string, string>): Runtime {
  return { ...runtime, config: loadConfig({ LORE_DATA_DIR: path.join(tmp.dir, 'data'), LORE_FILES_PATHS: docs, ...env }) };
}

describe('the sync service', () => {
  it('knows which sources are configured', () => {
    expect(createSyncService(withConfig({})).configuredSources()).toEqual(['files']);
    expect(createSyncService(withConfig({ NOTION_TOKEN: 'secret_x' })).configuredSources()).toEqual(['files', 'notion']);
    expect(createSyncService(withConfig({ GITHUB_TOKEN: 'ghp_x' })).configuredSources()).toEqual(['files']);
    expect(
      createSyncService(withConfig({ GITHUB_TOKEN: 'ghp_x', GITHUB_REPOS: 'acme/docs', LORE_WEB_URLS: 'https://example.com/' })).configuredSources(),
    ).toEqual(['files', 'github', 'web']);
  });

  it('refuses to sync a source that is not configured, naming the variable to set', async () => {
    const service = createSyncService(withConfig({ GITHUB_TOKEN: 'ghp_x' }));
    await expect(service.sync('notion')).rejects.toThrow(ConfigError);
    await expect(service.sync('notion')).rejects.toThrow(/Cannot sync notion: it is not configured \(set NOTION_TOKEN\)/);
    await expect(service.sync('github')).rejects.toThrow(/set GITHUB_REPOS\)/);
    await expect(service.sync('web')).rejects.toThrow(/set LORE_WEB_URLS\)/);
    await expect(service.sync('upload' as SyncTarget)).rejects.toThrow(/Unknown sync source "upload"/);
  });

  it('syncs the configured files through the engine, and reports status', async () => {
    const service = createSyncService(runtime);
    const [first] = await service.sync('files');
    expect(first).toMatchObject({ source: 'files', added: 1, failed: [] });
    const [again] = await service.sync('files');
    expect(again).toMatchObject({ added: 0, unchanged: 1 });
    const files = (await service.status()).find((s) => s.source === 'files')!;
    expect(files).toMatchObject({ configured: true, documents: 1, running: false, lastSummary: { unchanged: 1 } });
    expect(files.chunks).toBeGreaterThan(0);
    expect((await service.status()).find((s) => s.source === 'notion')).toMatchObject({ configured: false, documents: 0, running: false });
  });

  it('goes on with the other sources when one fails during `all`', async () => {
    const broken: Connector = {
      source: 'notion',
      list: () => Promise.reject(new Error('Notion rejected NOTION_TOKEN (401 unauthorized)')),
    };
    const service = createSyncService(runtime, { connectors: { notion: broken } });
    const reports = await service.sync('all');
    expect(reports.map((r) => r.source)).toEqual(['files', 'notion']);
    expect(reports[1]).toMatchObject({ added: 0, failed: [{ path: 'notion', error: 'Notion rejected NOTION_TOKEN (401 unauthorized)' }] });
    await expect(service.sync('notion')).rejects.toThrow(/401/);
  });
});

describe('the sync metrics', () => {
  let step = 0;
  // The web source as a test connector: its listing is whatever the current step says.
  const web: Connector = {
    source: 'web',
    list: async () => {
      step += 1;
      if (step === 3) throw new Error('web listing timed out after 30 s');
      const page = (n: number) => ({
        id: `web:https://example.test/page-${n}`,
        location: `https://example.test/page-${n}`,
        fingerprint: `v${step}-${n}`,
        load: async () => ({
          id: `web:https://example.test/page-${n}`,
          source: 'web' as const,
          title: `Page ${n}`,
          url: `https://example.test/page-${n}`,
          format: 'markdown' as const,
          extension: 'md',
          text: `# Page ${n}\n\nRevision ${step} of page ${n}: the on-call rota changes on Mondays.`,
          sizeBytes: 60,
        }),
      });
      // Step 1: two pages, both new. Step 2: page 1 changed, page 2 gone, a part of the site could not be listed.
      const inputs = step === 1 ? [page(1), page(2)] : [page(1), { location: 'https://example.test/private/', error: new Error('HTTP 503') }];
      return { inputs, completeUnder: ['https://example.test/'], deleted: [], cursor: { step: String(step) } };
    },
  };

  const runs = (source: string, outcome: string) => (metrics: Metrics) => metricValue(metrics, 'lore_sync_runs_total', { source, outcome });
  const documents = async (metrics: Metrics, source: string) =>
    Object.fromEntries(
      await Promise.all(
        ['added', 'updated', 'deleted', 'failed'].map(async (change) => [
          change,
          await metricValue(metrics, 'lore_sync_documents_total', { source, change }),
        ]),
      ),
    );
  const lastSuccess = (metrics: Metrics, source: string) => metricValue(metrics, 'lore_sync_last_success_timestamp_seconds', { source });

  it('counts runs by outcome and documents by change, times each run, and moves the last success only on a clean sync', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const service = createSyncService(runtime, { connectors: { web }, metrics });
    // Series exist before the first run, so a first failure shows in increase().
    expect(await runs('web', 'failed')(metrics)).toBe(0);
    expect(await runs('files', 'ok')(metrics)).toBe(0);
    expect(await metricValue(metrics, 'lore_sync_interval_seconds')).toBe(3600);

    const before = Math.floor(Date.now() / 1000);
    await service.sync('web');
    expect(await runs('web', 'ok')(metrics)).toBe(1);
    expect(await runs('web', 'partial')(metrics)).toBe(0);
    expect(await documents(metrics, 'web')).toEqual({ added: 2, updated: 0, deleted: 0, failed: 0 });
    const success = (await lastSuccess(metrics, 'web'))!;
    expect(success).toBeGreaterThanOrEqual(before);
    expect(success).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));

    // Finished with a failed item: partial, and the last success stays where it was.
    metrics.set('lore_sync_last_success_timestamp_seconds', { source: 'web' }, 1);
    const [partial] = await service.sync('web');
    expect(partial!.failed).toHaveLength(1);
    expect(await runs('web', 'ok')(metrics)).toBe(1);
    expect(await runs('web', 'partial')(metrics)).toBe(1);
    expect(await documents(metrics, 'web')).toEqual({ added: 2, updated: 1, deleted: 1, failed: 1 });
    expect(await lastSuccess(metrics, 'web')).toBe(1);

    // The listing itself failed: the run is `failed`, and still timed.
    await expect(service.sync('web')).rejects.toThrow(/timed out/);
    expect(await runs('web', 'failed')(metrics)).toBe(1);
    expect(await metricValue(metrics, 'lore_sync_duration_seconds_count', { source: 'web' })).toBe(3);
  });

  it('counts a source failing during `all` as failed, and another process holding the source as no run', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const broken: Connector = { source: 'notion', list: () => Promise.reject(new Error('Notion rejected NOTION_TOKEN (401 unauthorized)')) };
    const service = createSyncService(runtime, { connectors: { notion: broken }, metrics });
    await service.sync('all');
    expect(await runs('files', 'ok')(metrics)).toBe(1);
    expect(await runs('notion', 'failed')(metrics)).toBe(1);

    const held = await syncLockLeases(runtime.sql).acquire('files');
    if (!('lease' in held)) throw new Error('the files lock is taken');
    try {
      await expect(service.sync('files')).rejects.toBeInstanceOf(SyncBusyError);
    } finally {
      await held.lease.release();
    }
    expect(await runs('files', 'ok')(metrics)).toBe(1);
    expect(await runs('files', 'failed')(metrics)).toBe(0);
  });

  it('starts from the last clean sync recorded in the database, so a restart does not look like a stale source', async () => {
    await createSyncService(runtime).sync('files');
    const metrics = new Metrics({ processMetrics: false });
    createSyncService(runtime, { metrics });
    // Read from the store in the background as the service is built.
    await expect.poll(async () => Math.abs(((await lastSuccess(metrics, 'files')) ?? 0) - Date.now() / 1000)).toBeLessThan(60);
  });
});
