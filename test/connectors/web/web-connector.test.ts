import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceListing, SyncCursor } from '../../../connectors/connector.ts';
import { createWebConnector, type WebConnectorOptions } from '../../../connectors/web/web-connector.ts';
import type { DocumentCandidate, ListingFailure } from '../../../rag/index/indexer.ts';
import { sitemapIndexXml, sitemapXml, startFakeWeb, type FakeWeb } from '../../fakes/fake-web.ts';

// The web connector against a local site: what it lists, what it refuses, what it remembers, and what a
// re-sync costs. The site is on 127.0.0.1, so these tests allow private addresses; the guard itself is
// tested with them refused (below and in address-guard.test.ts).

let site: FakeWeb;
const silent = pino({ level: 'silent' });
const signal = new AbortController().signal;

beforeEach(async () => {
  site = await startFakeWeb();
});
afterEach(async () => {
  await site.close();
});

function connector(urls: string[], options: WebConnectorOptions & { allowPrivate?: boolean } = {}) {
  const { allowPrivate = true, ...rest } = options;
  return createWebConnector({ urls, allowPrivate }, silent, { retryAfterUnitMs: 20, ...rest });
}
const list = (c: ReturnType<typeof connector>, cursor: SyncCursor = {}, full = false): Promise<SourceListing> => c.list({ cursor, full, signal });
const candidates = (listing: SourceListing) => listing.inputs.filter((i): i is DocumentCandidate => !('error' in i));
const failures = (listing: SourceListing) => listing.inputs.filter((i): i is ListingFailure => 'error' in i);
const ids = (listing: SourceListing) => candidates(listing).map((c) => c.id);
const failureMessages = (listing: SourceListing) => failures(listing).map((f) => f.error.message);
const byId = (listing: SourceListing, id: string) => {
  const found = candidates(listing).find((c) => c.id === id);
  if (!found) throw new Error(`no candidate ${id} in ${ids(listing).join(', ')}`);
  return found;
};

const ARTICLE = `<!doctype html><html><head><title>Deploy guide</title><meta name="author" content="Dana Ops"></head>
<body><nav><a href="/">Home</a> | <a href="/docs">Docs</a></nav>
<main><h1>Deploying</h1><p>Run the deploy script, then check the dashboard.</p></main>
<footer>© Example Corp</footer></body></html>`;

const page = (title: string, text: string) => `<html><head><title>${title}</title></head><body><main><p>${text}</p></main></body></html>`;

/** Two pages behind a sitemap, one with an ETag and one with only a Last-Modified. */
function validatedSite() {
  site.set('/etag', { body: page('E', 'with etag') });
  site.set('/dated', { body: page('D', 'with date'), etag: false, lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' });
  site.set('/sitemap.xml', { body: sitemapXml([`${site.url}/etag`, `${site.url}/dated`]), contentType: 'application/xml' });
  return connector([`${site.url}/sitemap.xml`]);
}
const pageRequests = () => site.requests.filter((r) => r.path !== '/sitemap.xml' && r.path !== '/robots.txt');

describe('listing web pages', () => {
  it('lists a configured page and loads its main content with title, author, date and site', async () => {
    site.set('/docs/deploy', { body: ARTICLE, lastModified: 'Tue, 02 Apr 2024 10:00:00 GMT' });
    const url = `${site.url}/docs/deploy`;
    const listing = await list(connector([url]));
    expect(ids(listing)).toEqual([`web:${url}`]);
    expect(failures(listing)).toEqual([]);
    expect(listing.completeUnder).toEqual(['web:']);
    expect(byId(listing, `web:${url}`).fingerprint).toMatch(/^sha256:[0-9a-f]{32}$/);

    const doc = await byId(listing, `web:${url}`).load();
    expect(doc).toMatchObject({
      id: `web:${url}`,
      source: 'web',
      title: 'Deploy guide',
      url,
      format: 'markdown',
      modifiedAt: '2024-04-02T10:00:00.000Z',
      metadata: { site: '127.0.0.1', author: 'Dana Ops' },
    });
    expect(doc.text).toContain('Run the deploy script');
    expect(doc.text).not.toMatch(/Home|Example Corp/);
    // The body fetched while listing is indexed as is: no second request.
    expect(site.requests.filter((r) => r.path === '/docs/deploy')).toHaveLength(1);
    expect(site.requests.every((r) => r.userAgent?.startsWith('LoreBot/'))).toBe(true);
  });

  it('reads a sitemap, keeping only pages on the configured hosts that robots.txt allows', async () => {
    site.set('/robots.txt', { body: 'User-agent: *\nDisallow: /private/\n', contentType: 'text/plain' });
    site.set('/a', { body: page('A', 'alpha') });
    site.set('/b', { body: page('B', 'beta') });
    site.set('/private/c', { body: page('C', 'secret') });
    site.set('/sitemap.xml', {
      body: sitemapXml([
        `${site.url}/a`,
        { loc: `${site.url}/b#section`, lastmod: '2024-05-01' },
        `${site.url}/private/c`,
        'https://elsewhere.example/x',
      ]),
      contentType: 'application/xml',
    });
    const listing = await list(connector([`${site.url}/sitemap.xml`]));
    expect(ids(listing)).toEqual([`web:${site.url}/a`, `web:${site.url}/b`]);
    expect(failures(listing)).toEqual([]);
    expect(listing.completeUnder).toEqual(['web:']);
    expect(site.requests.map((r) => r.path)).not.toContain('/private/c');
    // The sitemap's lastmod dates a page that sends no Last-Modified.
    expect((await byId(listing, `web:${site.url}/b`).load()).modifiedAt).toBe('2024-05-01T00:00:00.000Z');
  });

  it('follows a sitemap index to its sitemaps, gzipped or not, and tells an XHTML page from a sitemap', async () => {
    site.set('/one', { body: page('One', 'first') });
    site.set('/two', { body: page('Two', 'second') });
    site.set('/sitemap-1.xml', { body: sitemapXml([`${site.url}/one`]), contentType: 'application/xml' });
    site.set('/sitemap-2.xml', { body: sitemapXml([`${site.url}/two`]), contentType: 'application/xml', gzip: true });
    site.set('/three', { body: page('Three', 'third') });
    site.set('/sitemap-3.xml.gz', { body: gzipSync(sitemapXml([`${site.url}/three`])), contentType: 'application/x-gzip' });
    site.set('/sitemap_index.xml', {
      body: sitemapIndexXml(['/sitemap-1.xml', '/sitemap-2.xml', '/sitemap-3.xml.gz'].map((p) => `${site.url}${p}`)),
      contentType: 'text/xml',
    });
    site.set('/xhtml', {
      body: '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title></head><body><p>An XHTML page.</p></body></html>',
      contentType: 'application/xhtml+xml',
    });
    const listing = await list(connector([`${site.url}/sitemap_index.xml`, `${site.url}/xhtml`]));
    expect(failures(listing)).toEqual([]);
    expect(ids(listing)).toEqual([`web:${site.url}/one`, `web:${site.url}/three`, `web:${site.url}/two`, `web:${site.url}/xhtml`]);
    expect(listing.completeUnder).toEqual(['web:']);
  });

  it('asks again with the stored ETag or Last-Modified, so an unchanged site answers 304s and keeps its fingerprints', async () => {
    const c = validatedSite();
    const first = await list(c);
    site.resetRequests();

    const second = await list(c, first.cursor);
    const pages = pageRequests();
    expect(pages.map((r) => [r.path, r.status]).sort()).toEqual([
      ['/dated', 304],
      ['/etag', 304],
    ]);
    expect(pages.find((r) => r.path === '/dated')?.ifModifiedSince).toBe('Mon, 01 Jan 2024 00:00:00 GMT');
    expect(candidates(second).map((c2) => [c2.id, c2.fingerprint])).toEqual(candidates(first).map((c1) => [c1.id, c1.fingerprint]));
    expect(second.completeUnder).toEqual(['web:']);
    // Unchanged pages are never loaded by the engine; if one is (a lost document), it is fetched again.
    expect((await byId(second, `web:${site.url}/etag`).load()).text).toContain('with etag');
  });

  it('re-syncs an install whose cursor was stored under the old field names (f, e, m) with conditional GETs, not a re-crawl', async () => {
    const c = validatedSite();
    const first = await list(c);
    const legacy = Object.fromEntries(
      Object.entries(first.cursor).map(([key, value]) => {
        const { fingerprint, etag, lastModified } = JSON.parse(value) as { fingerprint: string; etag?: string; lastModified?: string };
        return [key, JSON.stringify({ f: fingerprint, ...(etag ? { e: etag } : {}), ...(lastModified ? { m: lastModified } : {}) })];
      }),
    );
    expect(Object.keys(legacy).sort()).toEqual([`page:${site.url}/dated`, `page:${site.url}/etag`]);
    site.resetRequests();

    const second = await list(c, legacy);
    expect(
      pageRequests()
        .map((r) => [r.path, r.status])
        .sort(),
    ).toEqual([
      ['/dated', 304],
      ['/etag', 304],
    ]);
    expect(candidates(second).map((c2) => [c2.id, c2.fingerprint])).toEqual(candidates(first).map((c1) => [c1.id, c1.fingerprint]));
    // The cursor is written back under the named fields.
    expect(second.cursor).toEqual(first.cursor);
  });

  it('gives an edited page a new fingerprint and leaves a removed one out of a complete listing', async () => {
    site.set('/keep', { body: page('Keep', 'stays') });
    site.set('/edit', { body: page('Edit', 'old words') });
    site.set('/drop', { body: page('Drop', 'goes away') });
    site.set('/sitemap.xml', { body: sitemapXml(['/keep', '/edit', '/drop'].map((p) => `${site.url}${p}`)), contentType: 'application/xml' });
    const c = connector([`${site.url}/sitemap.xml`]);
    const first = await list(c);
    site.set('/edit', { body: page('Edit', 'new words') });
    site.remove('/drop');

    const second = await list(c, first.cursor);
    expect(ids(second)).toEqual([`web:${site.url}/edit`, `web:${site.url}/keep`]);
    expect(byId(second, `web:${site.url}/edit`).fingerprint).not.toBe(byId(first, `web:${site.url}/edit`).fingerprint);
    expect(byId(second, `web:${site.url}/keep`).fingerprint).toBe(byId(first, `web:${site.url}/keep`).fingerprint);
    expect(second.completeUnder).toEqual(['web:']);
    expect(Object.keys(second.cursor)).not.toContain(`page:${site.url}/drop`);
    expect((await byId(second, `web:${site.url}/edit`).load()).text).toContain('new words');
  });

  it('reads plain text and pages served in another character set', async () => {
    site.set('/notes.txt', { body: 'Plain release notes.\n', contentType: 'text/plain; charset=utf-8' });
    site.set('/latin', {
      body: Buffer.from('<html><head><title>Caf\xe9</title></head><body><p>Cr\xe8me br\xfbl\xe9e</p></body></html>', 'latin1'),
      contentType: 'text/html; charset=ISO-8859-1',
    });
    site.set('/logo.png', { body: Buffer.from([0x89, 0x50, 0x4e, 0x47]), contentType: 'image/png' });
    const urls = ['/notes.txt', '/latin', '/logo.png'].map((p) => `${site.url}${p}`);
    const listing = await list(connector(urls));
    // A plain-text page has no title of its own: its address stands in.
    expect(await byId(listing, `web:${urls[0]}`).load()).toMatchObject({
      format: 'text',
      title: '127.0.0.1/notes.txt',
      text: 'Plain release notes.\n',
    });
    const latin = await byId(listing, `web:${urls[1]}`).load();
    expect(latin.title).toBe('Café');
    expect(latin.text).toContain('Crème brûlée');
    await expect(byId(listing, `web:${urls[2]}`).load()).rejects.toThrow(`${urls[2]}: unsupported content type image/png`);
  });
});

describe('politeness and limits', () => {
  it('honours robots.txt for LoreBot and its crawl delay, and reports a configured page it may not fetch', async () => {
    site.set('/robots.txt', {
      body: 'User-agent: LoreBot\nDisallow: /no\nCrawl-delay: 0.3\n\nUser-agent: *\nDisallow: /\n',
      contentType: 'text/plain',
    });
    site.set('/yes-1', { body: page('Y1', 'one') });
    site.set('/yes-2', { body: page('Y2', 'two') });
    site.set('/no', { body: page('N', 'never') });
    const listing = await list(connector(['/yes-1', '/yes-2', '/no'].map((p) => `${site.url}${p}`)));
    expect(ids(listing)).toEqual([`web:${site.url}/yes-1`, `web:${site.url}/yes-2`]);
    expect(failureMessages(listing)).toEqual([`${site.url}/no: disallowed for LoreBot by robots.txt`]);
    expect(site.requests.map((r) => r.path)).not.toContain('/no');
    const times = site.requests.filter((r) => r.path.startsWith('/yes')).map((r) => r.at);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(250);
  });

  it('crawls nothing from a site whose robots.txt fails, keeps what was indexed, and deletes nothing', async () => {
    site.set('/a', { body: page('A', 'alpha') });
    site.set('/sitemap.xml', { body: sitemapXml([`${site.url}/a`]), contentType: 'application/xml' });
    const c = connector([`${site.url}/sitemap.xml`, `${site.url}/a`], { maxRetries: 0 });
    const first = await list(c);
    site.set('/robots.txt', { status: 503, body: 'down', contentType: 'text/plain' });

    const second = await list(c, first.cursor);
    expect(failureMessages(second)).toEqual([
      expect.stringMatching(/\/a: robots\.txt of .* could not be read/),
      expect.stringMatching(/\/sitemap\.xml: robots\.txt of .* could not be read/),
    ]);
    // The page indexed before stays, unchanged by fingerprint; the unreadable sitemap blocks deletions.
    expect(candidates(second).map((c2) => [c2.id, c2.fingerprint])).toEqual([[`web:${site.url}/a`, byId(first, `web:${site.url}/a`).fingerprint]]);
    expect(second.completeUnder).toEqual([]);
    expect(site.requests.filter((r) => r.path === '/a')).toHaveLength(1);
  });

  it('refuses a page over the size limit, compressed or not, while streaming it', async () => {
    const big = `<html><body><p>${'x'.repeat(300_000)}</p></body></html>`;
    site.set('/big', { body: big, etag: false });
    site.set('/bomb', { body: big, gzip: true });
    site.set('/small', { body: page('S', 'fine') });
    const urls = ['/big', '/bomb', '/small'].map((p) => `${site.url}${p}`);
    const listing = await list(connector(urls, { maxPageBytes: 100_000, maxSitemapBytes: 100_000 }));
    expect(ids(listing)).toEqual([`web:${urls[2]}`]);
    expect(failureMessages(listing)).toEqual([
      `${urls[0]}: response is larger than the 97.7 KB limit`,
      `${urls[1]}: response is larger than the 97.7 KB limit`,
    ]);
  });

  it('follows redirects on the same host, refuses those to other hosts, and stops a redirect loop', async () => {
    site.set('/old', { status: 301, headers: { location: '/new' } });
    site.set('/new', { body: page('New', 'moved here') });
    site.set('/away', { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } });
    site.set('/loop', { status: 302, headers: { location: '/loop' } });
    const urls = ['/old', '/away', '/loop'].map((p) => `${site.url}${p}`);
    const listing = await list(connector(urls));
    expect(ids(listing)).toEqual([`web:${urls[0]}`]);
    const moved = await byId(listing, `web:${urls[0]}`).load();
    expect(moved.url).toBe(`${site.url}/new`);
    expect(moved.id).toBe(`web:${urls[0]}`);
    expect(failureMessages(listing)).toEqual([
      'http://169.254.169.254/latest/meta-data/: 169.254.169.254 is not one of the hosts in LORE_WEB_URLS; only those are fetched',
      `${urls[2]}: more than 5 redirects`,
    ]);
  });

  it('retries a 503 after its Retry-After and a timeout, then gives up with a clear failure', async () => {
    site.set('/busy', { body: page('Busy', 'served at last') });
    site.once('/busy', { status: 503, headers: { 'retry-after': '2' }, body: 'later', contentType: 'text/plain' });
    site.set('/slow', { body: page('Slow', 'too slow'), delayMs: 3000 });
    const urls = [`${site.url}/busy`, `${site.url}/slow`];
    const listing = await list(connector(urls, { timeoutMs: 700, maxRetries: 1 }));
    expect(ids(listing)).toEqual([`web:${urls[0]}`]);
    expect(site.requests.filter((r) => r.path === '/busy').map((r) => r.status)).toEqual([503, 200]);
    expect(failureMessages(listing)).toEqual([`${urls[1]}: timed out`]);
    expect(site.requests.filter((r) => r.path === '/slow')).toHaveLength(2);
  });

  it('fetches a few pages of a site at a time, never more', async () => {
    const urls = Array.from({ length: 8 }, (_, i) => `${site.url}/slow-${i}`);
    for (const [i, url] of urls.entries()) site.set(new URL(url).pathname, { body: page(`S${i}`, `slow ${i}`), delayMs: 80 });
    site.set('/sitemap.xml', { body: sitemapXml(urls), contentType: 'application/xml' });
    const listing = await list(connector([`${site.url}/sitemap.xml`], { perHostConcurrency: 3 }));
    expect(ids(listing)).toHaveLength(8);
    expect(site.maxInFlight).toBe(3);
  });

  it('indexes at most maxPages from sitemaps and then deletes nothing', async () => {
    const urls = Array.from({ length: 5 }, (_, i) => `${site.url}/p${i}`);
    for (const [i, url] of urls.entries()) site.set(new URL(url).pathname, { body: page(`P${i}`, `page ${i}`) });
    site.set('/sitemap.xml', { body: sitemapXml(urls), contentType: 'application/xml' });
    const listing = await list(connector([`${site.url}/sitemap.xml`], { maxPages: 3 }));
    expect(ids(listing)).toHaveLength(2);
    expect(listing.completeUnder).toEqual([]);
  });
});

describe('server-side request forgery guard', () => {
  it('refuses a loopback address unless private addresses are allowed', async () => {
    site.set('/', { body: page('Home', 'home') });
    const listing = await list(connector([`${site.url}/`], { allowPrivate: false }));
    expect(ids(listing)).toEqual([]);
    expect(failureMessages(listing)).toEqual([
      expect.stringMatching(/127\.0\.0\.1 resolves to 127\.0\.0\.1, a private, loopback or otherwise non-public address; refused/),
    ]);
    expect(site.requests).toEqual([]);
  });

  it('refuses a host name that resolves to loopback', async () => {
    const port = new URL(site.url).port;
    const listing = await list(connector([`http://localhost:${port}/`], { allowPrivate: false }));
    expect(failureMessages(listing)[0]).toMatch(/localhost resolves to (127\.0\.0\.1|::1)/);
    expect(site.requests).toEqual([]);
  });

  it('refuses a name with any private address among public ones (a rebinding setup)', async () => {
    const port = new URL(site.url).port;
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 as const },
      { address: '10.0.0.5', family: 4 as const },
    ];
    const listing = await list(connector([`http://docs.example.test:${port}/`], { allowPrivate: false, resolve }));
    expect(failureMessages(listing)[0]).toMatch(/docs\.example\.test resolves to 10\.0\.0\.5/);
  });

  it('connects to the address it checked, not to whatever DNS answers later', async () => {
    site.set('/pinned', { body: page('Pinned', 'reached through the checked address') });
    const port = new URL(site.url).port;
    // No real DNS knows this name: the request can only arrive through the address the guard resolved and checked.
    const resolve = async () => [{ address: '127.0.0.1', family: 4 as const }];
    const url = `http://docs.example.test:${port}/pinned`;
    const listing = await list(connector([url], { resolve }));
    expect(failureMessages(listing)).toEqual([]);
    expect((await byId(listing, `web:${url}`).load()).text).toContain('reached through the checked address');
  });
});
