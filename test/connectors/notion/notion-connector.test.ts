import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../app/logger.ts';
import type { SourceListing, SyncCursor } from '../../../connectors/connector.ts';
import { createNotionConnector, type NotionConnectorOptions } from '../../../connectors/notion/notion-connector.ts';
import type { DocumentCandidate, ListingFailure } from '../../../rag/index/indexer.ts';
import { readFixture } from '../../helpers/fixture.ts';
import { block, notionError, rateLimited, startFakeNotion, type FakeNotion, type NotionRequest } from '../../fakes/fake-notion.ts';

// Listing Notion through the real SDK against the fake: what a full and an incremental listing return, what they
// cost in requests, and how the connector behaves when Notion rate-limits, fails, hangs or refuses the token.

let fake: FakeNotion;
beforeEach(async () => {
  fake = await startFakeNotion({ maxPageSize: 3 });
});
afterEach(() => fake.close());

const minute = (n: number) => new Date(Date.UTC(2024, 0, 1, 0, n)).toISOString();

function connector(options: Partial<NotionConnectorOptions> = {}, token = 'secret_fake') {
  return createNotionConnector({ token, baseUrl: fake.url }, createLogger('silent'), { requestsPerSecond: 1000, retryBaseDelayMs: 1, ...options });
}

function list(options: Partial<NotionConnectorOptions> = {}, cursor: SyncCursor = {}, full = false): Promise<SourceListing> {
  return connector(options).list({ cursor, full, signal: new AbortController().signal });
}

const candidates = (listing: SourceListing) => listing.inputs.filter((i): i is DocumentCandidate => 'load' in i);
const failures = (listing: SourceListing) => listing.inputs.filter((i): i is ListingFailure => 'error' in i);
const ids = (listing: SourceListing) =>
  candidates(listing)
    .map((c) => c.id)
    .sort();
const isSearch = (r: NotionRequest) => r.path === '/v1/search';

function seedWorkspace(pages = 7): string[] {
  return Array.from({ length: pages }, (_, i) => fake.addPage({ title: `Page ${i}`, editedAt: minute(i), blocks: [block.paragraph(`Body ${i}`)] }));
}

describe('listing a Notion workspace', () => {
  it('lists every page and data-source entry on the first sync and marks the whole source complete', async () => {
    const pages = seedWorkspace(4);
    const source = fake.addDataSource({ title: 'Tasks', editedAt: minute(1) });
    const entries = Array.from({ length: 5 }, (_, i) =>
      fake.addPage({ title: `Task ${i}`, parent: { dataSourceId: source }, editedAt: minute(10 + i) }),
    );
    const listing = await list();
    expect(ids(listing)).toEqual([...pages, ...entries].map((id) => `notion:${id}`).sort());
    expect(listing.completeUnder).toEqual(['notion:']);
    expect(listing.deleted).toEqual([]);
    expect(candidates(listing).find((c) => c.id === `notion:${entries[0]}`)!.location).toBe(`notion:ds:${source}/${entries[0]}`);
    expect(candidates(listing).find((c) => c.id === `notion:${pages[0]}`)!.fingerprint).toBe(minute(0));
    expect(listing.cursor).toMatchObject({ watermark: minute(14), workspace: 'Acme' });
    // Search (10 results, 3 per response: 4 requests), the data source's entries (2), the bot user (1).
    expect(fake.requests.map((r) => r.path)).toEqual([
      ...Array(4).fill('/v1/search'),
      `/v1/data_sources/${source}/query`,
      `/v1/data_sources/${source}/query`,
      '/v1/users/me',
    ]);
  });

  it('lists only what changed since the watermark, in two requests when nothing changed', async () => {
    const pages = seedWorkspace(20);
    const first = await list();
    fake.requests.length = 0;

    const unchanged = await list({}, first.cursor);
    expect(fake.requests.map((r) => `${r.path} ${JSON.stringify(r.body.filter ?? {})}`)).toEqual(['/v1/search {}', '/v1/search {"in_trash":true}']);
    // The newest page sits at the watermark and is listed again; its fingerprint makes it free to skip.
    expect(ids(unchanged)).toEqual([`notion:${pages[19]}`]);
    expect(unchanged.completeUnder).toEqual([]);
    expect(unchanged.cursor).toEqual(first.cursor);

    fake.editPage(pages[3]!, { editedAt: minute(100), blocks: [block.paragraph('New body')] });
    fake.trashPage(pages[5]!, minute(101));
    fake.requests.length = 0;
    const changed = await list({}, first.cursor);
    expect(ids(changed)).toEqual([`notion:${pages[3]}`, `notion:${pages[19]}`].sort());
    expect(changed.deleted).toEqual([`notion:${pages[5]}`]);
    expect(changed.cursor.watermark).toBe(minute(100));
    expect(fake.requests.filter(isSearch)).toHaveLength(2);
  });

  it('keeps the changes the search found when the trash search fails, and names the failed step', async () => {
    const pages = seedWorkspace(4);
    const first = await list();
    fake.editPage(pages[1]!, { editedAt: minute(100), blocks: [block.paragraph('New body')] });
    const recorded = readFixture('notion/retrieve_page_wrong_format.json');
    fake.fail((r) => isSearch(r) && JSON.stringify(r.body.filter ?? {}).includes('in_trash'), { status: 400, body: recorded }, Infinity);
    const changed = await list({}, first.cursor);
    expect(ids(changed)).toContain(`notion:${pages[1]}`);
    expect(failures(changed).map((f) => [f.location, f.error.message])).toEqual([
      ['notion:trash', expect.stringMatching(/^searching the trash for pages deleted since \S+ failed \(HTTP 400\): path failed validation/)],
    ]);
    expect(changed.deleted).toEqual([]);
  });

  it('runs a full listing when asked, and again once the last one is older than the full-listing period', async () => {
    seedWorkspace(3);
    let now = Date.parse('2025-06-01T00:00:00.000Z');
    const first = await list({ now: () => now, fullListingEveryMs: 60_000 });
    expect(first.cursor.fullListedAt).toBe('2025-06-01T00:00:00.000Z');
    now += 30_000;
    const soon = await list({ now: () => now, fullListingEveryMs: 60_000 }, first.cursor);
    expect(soon.completeUnder).toEqual([]);
    now += 60_000;
    const later = await list({ now: () => now, fullListingEveryMs: 60_000 }, first.cursor);
    expect(later.completeUnder).toEqual(['notion:']);
    expect(later.cursor.fullListedAt).toBe('2025-06-01T00:01:30.000Z');
    const forced = await list({ now: () => now }, soon.cursor, true);
    expect(forced.completeUnder).toEqual(['notion:']);
  });

  it('keeps pages edited within the settle window loadable again, since Notion times have minute precision', async () => {
    const now = Date.parse('2025-06-01T12:00:30.000Z');
    const recent = fake.addPage({ title: 'Just edited', editedAt: '2025-06-01T12:00:00.000Z' });
    const old = fake.addPage({ title: 'Old', editedAt: '2025-05-01T12:00:00.000Z' });
    const listing = await list({ now: () => now, settleMs: 120_000 });
    const byId = new Map(candidates(listing).map((c) => [c.id, c]));
    expect(byId.get(`notion:${old}`)!.fingerprint).toBe('2025-05-01T12:00:00.000Z');
    expect(byId.get(`notion:${recent}`)!.fingerprint).toBe('2025-06-01T12:00:00.000Z|settling@2025-06-01T12:00:30.000Z');
    // The watermark stays before the settle cutoff, so the next sync lists the recent page again.
    expect(listing.cursor.watermark).toBe('2025-06-01T11:58:30.000Z');
  });

  it('reports a data source it cannot query as a listing failure and leaves the rest complete', async () => {
    seedWorkspace(2);
    const broken = fake.addDataSource({ title: 'Secret', editedAt: minute(5) });
    const fine = fake.addDataSource({ title: 'Open', editedAt: minute(6) });
    fake.addPage({ title: 'Open entry', parent: { dataSourceId: fine }, editedAt: minute(7) });
    fake.fail((r) => r.path === `/v1/data_sources/${broken}/query`, notionError(404, 'object_not_found', 'Could not find data_source.'), Infinity);
    const listing = await list();
    expect(failures(listing)).toHaveLength(1);
    expect(failures(listing)[0]!.error.message).toMatch(
      /listing the entries of data source "Secret" failed \(HTTP 404\): Could not find data_source/,
    );
    expect(listing.completeUnder.sort()).toEqual([`notion:ds:${fine}/`, 'notion:pages/'].sort());
    expect(candidates(listing)).toHaveLength(3);
  });
});

describe('calling Notion politely', () => {
  it('waits as long as a 429 Retry-After asks, then carries on', async () => {
    seedWorkspace(2);
    fake.fail(isSearch, rateLimited(1));
    const started = Date.now();
    const listing = await list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(candidates(listing)).toHaveLength(2);
    const searches = fake.requests.filter(isSearch);
    expect(searches[1]!.at - searches[0]!.at).toBeGreaterThanOrEqual(1_000);
  });

  it('retries server errors on search (a read, though a POST) a bounded number of times', async () => {
    seedWorkspace(1);
    fake.fail(isSearch, notionError(503, 'service_unavailable', 'Notion is unavailable.'), 2);
    expect(candidates(await list())).toHaveLength(1);
    fake.fail(isSearch, notionError(500, 'internal_server_error', 'Boom.'), Infinity);
    fake.requests.length = 0;
    await expect(list({ attempts: 3 })).rejects.toThrow(/Notion search failed after 3 attempts: Boom/);
    expect(fake.requests.filter(isSearch)).toHaveLength(3);
  });

  it('gives up on a request that hangs past its timeout', async () => {
    seedWorkspace(1);
    fake.fail(isSearch, { status: 200, body: {}, delayMs: 2_000 }, Infinity);
    const started = Date.now();
    await expect(list({ timeoutMs: 150, attempts: 2 })).rejects.toThrow(/Notion search failed after 2 attempts: timed out after 150 ms/);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('spaces requests to the configured average rate', async () => {
    seedWorkspace(9);
    await list({ requestsPerSecond: 20 });
    const times = fake.requests.map((r) => r.at);
    expect(times.length).toBeGreaterThanOrEqual(4);
    // Measured where the requests arrive, so each time carries the network's jitter, and the first request also
    // carries the connection setup (tens of milliseconds on a loaded machine). Without the limiter the requests arrive
    // within a few milliseconds of each other; with it, the span after the first must hold 50 ms per gap at 20/s, less
    // one gap's worth of jitter.
    const spaced = times.slice(1);
    expect(spaced.at(-1)! - spaced[0]!).toBeGreaterThanOrEqual((spaced.length - 1) * 50 - 50);
  });

  it('names NOTION_TOKEN when Notion rejects it, without printing it', async () => {
    seedWorkspace(1);
    const failing = connector({}, 'secret_wrong').list({ cursor: {}, full: false, signal: new AbortController().signal });
    await expect(failing).rejects.toThrow(/Notion rejected NOTION_TOKEN \(401 unauthorized\): API token is invalid/);
    await expect(failing).rejects.not.toThrow(/secret_wrong/);
  });

  it('stops at once when the sync is cancelled', async () => {
    seedWorkspace(1);
    fake.setLatency(1_000);
    const controller = new AbortController();
    const listing = connector().list({ cursor: {}, full: false, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop now')), 50);
    const started = Date.now();
    await expect(listing).rejects.toThrow(/stop now/);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('refuses to be built without a token', () => {
    expect(() => createNotionConnector({}, createLogger('silent'))).toThrow(/NOTION_TOKEN/);
  });
});
