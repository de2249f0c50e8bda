import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../../app/config.ts';
import { createLogger } from '../../../app/logger.ts';
import { openRuntime, type Runtime } from '../../../app/runtime.ts';
import { createSyncService, SyncBusyError, type SyncProgress, type SyncService } from '../../../app/sync-service.ts';
import { SyncStateStore } from '../../../connectors/sync/sync-state-store.ts';
import { startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';
import { block, notionError, property, startFakeNotion, type FakeNotion } from '../../fakes/fake-notion.ts';
import { holdLeaseInChild } from '../../helpers/lease-contention.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { cleanSyncState as cleanSyncStateOf, indexState as indexStateOf } from '../../helpers/sync-index-state.ts';

// The sync engine end to end with the Notion connector: real index (SQLite + embedded Chroma), the real Notion
// SDK against the fake, embeddings from the fake Gemini. The steps build on each other like a workspace's life:
// first sync, nothing changed, edits, trash, unsharing, a page that fails, an interrupted sync, two at once.

let gemini: FakeGemini;
let notion: FakeNotion;
let runtime: Runtime;
let service: SyncService;
const tmp = tempDir('lore-notion-sync-');
const pages: string[] = [];
let entries: string[] = [];

const minute = (n: number) => new Date(Date.UTC(2024, 0, 1, 0, n)).toISOString();
const TUNING = { notion: { requestsPerSecond: 1000, retryBaseDelayMs: 1, attempts: 2 } };

function configFor(dataDir: string): Config {
  fs.mkdirSync(path.join(tmp.dir, 'no-files'), { recursive: true });
  return loadConfig({
    LORE_DATA_DIR: dataDir,
    LORE_FILES_PATHS: path.join(tmp.dir, 'no-files'),
    LORE_EMBEDDER: 'gemini',
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: gemini.url,
    NOTION_TOKEN: 'secret_fake',
    NOTION_BASE_URL: notion.url,
  });
}

const indexState = (target: Runtime) => indexStateOf(target, 'notion');
const cleanSyncState = () => cleanSyncStateOf(configFor(path.join(tmp.dir, `clean-${Date.now()}`)), 'notion', TUNING);

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  notion = await startFakeNotion();
  notion.addUser('0000cafe-0000-4000-8000-000000000001', 'Grace Hopper');
  for (let i = 0; i < 6; i++) {
    pages.push(
      notion.addPage({
        title: `Runbook ${i}`,
        createdBy: '0000cafe-0000-4000-8000-000000000001',
        editedAt: minute(i),
        blocks: [
          block.heading(2, `Procedure ${i}`),
          block.paragraph(`Step one of runbook ${i}: check the dashboard for service ${i}.`),
          block.bullet(`Escalate to team ${i}`),
        ],
      }),
    );
  }
  const tasks = notion.addDataSource({ title: 'Tasks', editedAt: minute(10) });
  entries = [0, 1, 2].map((i) =>
    notion.addPage({
      title: `Task ${i}`,
      parent: { dataSourceId: tasks },
      editedAt: minute(11 + i),
      properties: { Status: property.status(i === 0 ? 'Done' : 'Open') },
    }),
  );
  runtime = await openRuntime(configFor(path.join(tmp.dir, 'data')), createLogger('silent'));
  service = createSyncService(runtime, TUNING);
}, 120_000);

afterAll(async () => {
  await runtime?.close();
  await notion?.close();
  await gemini?.close();
  tmp.cleanup();
});

describe('syncing Notion through the engine', () => {
  it('indexes every page and entry on the first sync, with progress and a summary', async () => {
    const events: SyncProgress[] = [];
    const [report] = await service.sync('notion', { onProgress: (e) => events.push(e) });
    expect(report).toMatchObject({ source: 'notion', added: 9, updated: 0, unchanged: 0, deleted: 0, failed: [] });
    expect(report!.durationMs).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({ source: 'notion', phase: 'listing' });
    expect(events.some((e) => e.phase === 'indexing' && e.total === 9)).toBe(true);
    expect(events.at(-1)).toMatchObject({ phase: 'done', done: 9, total: 9 });

    const state = await indexState(runtime);
    expect(state.docIds).toEqual([...pages, ...entries].map((id) => `notion:${id}`).sort());
    expect(state.vectors).toBe(state.chunkIds.length);
    const [chunk] = await runtime.chunks.getChunks([state.chunkIds[0]!]);
    expect(chunk!.metadata).toMatchObject({ source: 'notion', workspace: 'Acme', url: expect.stringMatching(/^https:\/\/www\.notion\.so\//) });

    const status = (await service.status()).find((s) => s.source === 'notion')!;
    expect(status).toMatchObject({ configured: true, documents: 9, running: false, lastSummary: { added: 9 } });
    expect(status.chunks).toBe(state.chunkIds.length);
    expect(status.lastSyncAt).toBeDefined();
  });

  it('re-syncs an unchanged workspace with two requests and no change to the index', async () => {
    const before = await indexState(runtime);
    notion.requests.length = 0;
    const [report] = await service.sync('notion');
    expect(report).toMatchObject({ added: 0, updated: 0, deleted: 0, failed: [] });
    expect(notion.requests.map((r) => r.path)).toEqual(['/v1/search', '/v1/search']);
    expect(await indexState(runtime)).toEqual(before);
  });

  it('picks up an edited page and a new one', async () => {
    notion.editPage(pages[1]!, { editedAt: minute(30), blocks: [block.paragraph('Runbook one now says: restart the ingest worker.')] });
    pages.push(
      notion.addPage({ title: 'New page', editedAt: minute(31), blocks: [block.paragraph('Freshly written guidance about certificates.')] }),
    );
    const [report] = await service.sync('notion');
    expect(report).toMatchObject({ added: 1, updated: 1, deleted: 0, failed: [] });
    const hits = await runtime.chunks.searchLexical('restart ingest worker', 3);
    expect((await runtime.chunks.getChunks([hits[0]!.id]))[0]!.docId).toBe(`notion:${pages[1]}`);
    const edited = (await runtime.chunks.getChunks(await runtime.chunks.chunkIdsOf(`notion:${pages[1]}`))).map((c) => c.text).join('\n');
    expect(edited).toContain('restart the ingest worker');
    expect(edited).not.toContain('check the dashboard');
  });

  it('removes a page moved to the trash, chunks and vectors both', async () => {
    const before = await indexState(runtime);
    const trashedChunks = await runtime.chunks.chunkIdsOf(`notion:${pages[2]}`);
    notion.trashPage(pages[2]!, minute(40));
    const [report] = await service.sync('notion');
    expect(report).toMatchObject({ deleted: 1, failed: [] });
    const after = await indexState(runtime);
    expect(after.docIds).not.toContain(`notion:${pages[2]}`);
    expect(after.chunkIds).toEqual(before.chunkIds.filter((id) => !trashedChunks.includes(id)));
    expect(after.vectors).toBe(after.chunkIds.length);
  });

  it('removes a page no longer shared at the next full listing, and --full reloads without re-embedding', async () => {
    notion.unsharePage(pages[3]!);
    const [incremental] = await service.sync('notion');
    expect(incremental!.deleted).toBe(0);
    const embedCalls = gemini.requests.length;
    const [full] = await service.sync('notion', { full: true });
    expect(full).toMatchObject({ added: 0, updated: 0, deleted: 1, failed: [] });
    expect(full!.unchanged).toBe(8);
    expect(gemini.requests.length).toBe(embedCalls);
    expect(await indexState(runtime)).toEqual(await cleanSyncState());
  });

  it('reports a page that fails to render, keeps the others, and converges once it renders again', async () => {
    const store = new SyncStateStore(runtime.sql);
    const cursorBefore = (await store.get('notion')).cursor;
    notion.editPage(pages[4]!, { editedAt: minute(50), blocks: [block.paragraph('Runbook four, revised: drain the queue first.')] });
    notion.editPage(pages[5]!, { editedAt: minute(51), blocks: [block.paragraph('Runbook five, revised: rotate the keys.')] });
    notion.fail((r) => r.path === `/v1/blocks/${pages[4]}/children`, notionError(500, 'internal_server_error', 'Unexpected error.'), Infinity);

    const [failed] = await service.sync('notion');
    expect(failed!.updated).toBe(1);
    expect(failed!.failed).toEqual([
      { path: `notion:pages/${pages[4]}`, error: expect.stringMatching(/Notion block children failed after 2 attempts: Unexpected error/) },
    ]);
    // Nothing is committed past a failure: the next sync lists the failed page again.
    expect((await store.get('notion')).cursor).toEqual(cursorBefore);
    expect((await store.get('notion')).lastSummary!.failed).toHaveLength(1);

    notion.clearFailures();
    const [recovered] = await service.sync('notion');
    expect(recovered).toMatchObject({ updated: 1, failed: [] });
    expect((await store.get('notion')).cursor.watermark).toBe(minute(51));
    expect(await indexState(runtime)).toEqual(await cleanSyncState());
  });

  it('resumes an interrupted sync and converges to exactly the chunks of a clean sync', async () => {
    for (const [i, id] of [pages[0], entries[1], entries[2], pages[6]].entries()) {
      notion.editPage(id!, { editedAt: minute(60 + i), blocks: [block.paragraph(`Interrupted edit ${i}: the new procedure has ${i + 2} steps.`)] });
    }
    const controller = new AbortController();
    const interrupted = service.sync('notion', {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.phase === 'indexing' && e.done === 2) controller.abort(new Error('killed mid-sync'));
      },
    });
    await expect(interrupted).rejects.toThrow(/killed mid-sync/);
    expect((await service.status()).find((s) => s.source === 'notion')!.running).toBe(false);
    expect((await new SyncStateStore(runtime.sql).get('notion')).lastError).toBe('interrupted');

    const [resumed] = await service.sync('notion');
    expect(resumed!.failed).toEqual([]);
    expect(resumed!.updated).toBeGreaterThanOrEqual(2);
    expect(resumed!.added + resumed!.updated).toBeLessThanOrEqual(4);
    expect(await indexState(runtime)).toEqual(await cleanSyncState());
  });

  it('refuses a second sync of the same source while one runs, in this process and from another', async () => {
    notion.setLatency(300);
    const first = service.sync('notion');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(service.sync('notion')).rejects.toBeInstanceOf(SyncBusyError);
    expect((await service.status()).find((s) => s.source === 'notion')!.running).toBe(true);
    // Other sources are not held up by it.
    await expect(service.sync('files')).resolves.toHaveLength(1);
    await first;
    notion.setLatency(0);

    const child = await holdLeaseInChild('sync_locks', 'notion', { location: runtime.config.dataDir });
    try {
      const busy = await service.sync('notion').catch((error: unknown) => error);
      expect(busy).toBeInstanceOf(SyncBusyError);
      expect((busy as Error).message).toMatch(new RegExp(`a sync of notion is already running \\(process ${child.pid} on `));
    } finally {
      await child.kill();
    }
    await expect(service.sync('notion')).resolves.toHaveLength(1);
  }, 30_000);
});
