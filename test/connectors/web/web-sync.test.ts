import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../app/config.ts';
import { createLogger } from '../../../app/logger.ts';
import { openRuntime, type Runtime } from '../../../app/runtime.ts';
import { createSyncService, type SyncService } from '../../../app/sync-service.ts';
import { createWebConnector } from '../../../connectors/web/web-connector.ts';
import { startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';
import { sitemapXml, startFakeWeb, type FakeWeb } from '../../fakes/fake-web.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

// The web connector through the sync engine: a small site behind a sitemap, indexed for real (SQLite +
// embedded Chroma, embeddings from the fake Gemini), then re-synced unchanged, edited and shrunk.

let gemini: FakeGemini;
let site: FakeWeb;
let runtime: Runtime;
let service: SyncService;
const tmp = tempDir('lore-web-sync-');

const article = (title: string, text: string) =>
  `<html><head><title>${title}</title></head><body><nav>Menu</nav><main><h1>${title}</h1><p>${text}</p></main></body></html>`;

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  site = await startFakeWeb();
  site.set('/status', { body: article('Status page', 'All systems are operational; incidents are posted here.') });
  site.set('/pricing', {
    body: article('Pricing', 'The team plan costs 8 dollars per seat per month.'),
    lastModified: 'Wed, 01 May 2024 12:00:00 GMT',
  });
  site.set('/faq', { body: article('FAQ', 'Exports are available as CSV from the settings page.') });
  site.set('/sitemap.xml', { body: sitemapXml(['/status', '/pricing', '/faq'].map((p) => `${site.url}${p}`)), contentType: 'application/xml' });
  fs.mkdirSync(path.join(tmp.dir, 'no-files'), { recursive: true });
  const config = loadConfig({
    LORE_DATA_DIR: path.join(tmp.dir, 'data'),
    LORE_FILES_PATHS: path.join(tmp.dir, 'no-files'),
    LORE_EMBEDDER: 'gemini',
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: gemini.url,
  });
  runtime = await openRuntime(config, createLogger('silent'));
  const web = createWebConnector({ urls: [`${site.url}/sitemap.xml`], allowPrivate: true }, pino({ level: 'silent' }));
  service = createSyncService(runtime, { connectors: { web } });
}, 120_000);

afterAll(async () => {
  await runtime?.close();
  await site?.close();
  await gemini?.close();
  tmp.cleanup();
});

const docIds = () => runtime.db!.prepare("SELECT id FROM documents WHERE source = 'web' ORDER BY id").pluck().all() as string[];

describe('syncing web pages through the engine', () => {
  it('indexes the pages of a sitemap with their site, dates and links', async () => {
    const [report] = await service.sync('web');
    expect(report).toMatchObject({ source: 'web', added: 3, updated: 0, deleted: 0, failed: [] });
    expect(docIds()).toEqual(['/faq', '/pricing', '/status'].map((p) => `web:${site.url}${p}`));
    const [chunk] = await runtime.chunks.getChunks(await runtime.chunks.chunkIdsOf(`web:${site.url}/pricing`));
    expect(chunk!.metadata).toMatchObject({
      source: 'web',
      title: 'Pricing',
      url: `${site.url}/pricing`,
      site: '127.0.0.1',
      modifiedAt: '2024-05-01T12:00:00.000Z',
    });
    expect(chunk!.text).not.toContain('Menu');
  });

  it('re-syncs an unchanged site with conditional requests answered 304, changing nothing', async () => {
    site.resetRequests();
    const [report] = await service.sync('web');
    expect(report).toMatchObject({ added: 0, updated: 0, unchanged: 3, deleted: 0, failed: [] });
    expect(site.requests.filter((r) => !r.path.endsWith('.xml') && !r.path.endsWith('.txt')).map((r) => r.status)).toEqual([304, 304, 304]);
  });

  it('updates an edited page and removes one dropped from the sitemap', async () => {
    site.set('/pricing', {
      body: article('Pricing', 'The team plan now costs 10 dollars per seat per month.'),
      lastModified: 'Sat, 01 Jun 2024 12:00:00 GMT',
    });
    site.set('/sitemap.xml', { body: sitemapXml(['/status', '/pricing'].map((p) => `${site.url}${p}`)), contentType: 'application/xml' });
    const [report] = await service.sync('web');
    expect(report).toMatchObject({ added: 0, updated: 1, unchanged: 1, deleted: 1, failed: [] });
    expect(docIds()).toEqual(['/pricing', '/status'].map((p) => `web:${site.url}${p}`));
    const text = (await runtime.chunks.getChunks(await runtime.chunks.chunkIdsOf(`web:${site.url}/pricing`))).map((c) => c.text).join('\n');
    expect(text).toContain('10 dollars');
  });
});
