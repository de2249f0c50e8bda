import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import type { DocumentCandidate, IndexInput } from '../../rag/index/indexer.ts';
import type { SourceDocument } from '../../rag/types.ts';
import type { Connector, SourceListing, SyncCursor, SyncRequest } from '../connector.ts';
import { formatBytes } from '../files/file-limits.ts';
import type { HostResolver } from './address-guard.ts';
import { WebFetchError, type FetchedPage } from './guarded-fetch.ts';
import { pageDocument, pageId } from './page-document.ts';
import { looksLikeSitemap, parseSitemap, type Sitemap, type SitemapEntry } from './parse-sitemap.ts';
import { createPoliteFetcher, headerText, WEB_USER_AGENT } from './polite-fetcher.ts';

/** `Config['web']`. */
export interface WebConnectorConfig {
  /** Pages or sitemaps (sitemap.xml or a sitemap index). Only their hosts are ever fetched. */
  urls: string[];
  /** Allow private, loopback and link-local addresses (an intranet wiki; tests). Off by default. */
  allowPrivate: boolean;
}

export interface WebConnectorOptions {
  /** Per request, redirects and body included (default 20 s). */
  timeoutMs?: number;
  /** Largest page body, after decompression (default 5 MB). */
  maxPageBytes?: number;
  maxSitemapBytes?: number;
  /** Pages per sync; a site listing more is indexed partially and nothing of it is deleted (default 5,000). */
  maxPages?: number;
  /** Child sitemaps read from sitemap indexes (default 100). */
  maxSitemaps?: number;
  /** Requests in flight across all sites (default 4) and per site (default 2). */
  concurrency?: number;
  perHostConcurrency?: number;
  maxRedirects?: number;
  /** Retries of a 429, 502, 503, 504, timeout or network failure (default 2), honouring Retry-After. */
  maxRetries?: number;
  maxRetryWaitMs?: number;
  /** A robots.txt Crawl-delay is honoured up to this (default 10 s). */
  maxCrawlDelayMs?: number;
  retryAfterUnitMs?: number;
  /** Page bodies kept in memory between listing and indexing; past this, a changed page is fetched again to index it. */
  maxHeldBytes?: number;
  /** DNS resolution (tests point names at chosen addresses). */
  resolve?: HostResolver;
}

const MB = 1024 * 1024;

/** What the cursor remembers of a page: the validators for a conditional GET and the fingerprint they stand for. */
interface PageState {
  /** Fingerprint (content hash) of the indexed version. */
  f: string;
  e?: string;
  m?: string;
}

/**
 * Web pages, given directly or through sitemaps, fetched politely: robots.txt (user agent LoreBot) and
 * its Crawl-delay, only the configured hosts, few requests at a time, bounded sizes and time, and
 * conditional GETs (ETag / Last-Modified) so an unchanged page costs a 304. Every request passes the
 * SSRF guard (public addresses only unless allowed, re-checked on each redirect, connection pinned).
 */
export function createWebConnector(config: WebConnectorConfig, log: Logger, options: WebConnectorOptions = {}): Connector {
  const configured = [...new Set(config.urls.map(normalizeUrl).filter((url): url is string => url !== undefined))];
  const hosts: ReadonlySet<string> = new Set(configured.map((url) => new URL(url).hostname.toLowerCase()));
  const maxPageBytes = options.maxPageBytes ?? 5 * MB;
  const maxSitemapBytes = options.maxSitemapBytes ?? 10 * MB;
  const maxPages = options.maxPages ?? 5_000;
  const maxSitemaps = options.maxSitemaps ?? 100;

  return {
    source: 'web',
    async list(request: SyncRequest): Promise<SourceListing> {
      const { signal, onListing } = request;
      const previous = readPageStates(request.full ? {} : request.cursor);
      const next = new Map<string, PageState>();
      const inputs: IndexInput[] = [];
      const listed = new Set<string>();
      const stats = { fetched: 0, notModified: 0, gone: 0, disallowed: 0, failed: 0 };
      let incomplete = false;
      let heldBytes = 0;

      const { fetchUrl, permission } = createPoliteFetcher({
        hosts,
        allowPrivate: config.allowPrivate,
        signal,
        log,
        timeoutMs: options.timeoutMs ?? 20_000,
        concurrency: options.concurrency ?? 4,
        perHostConcurrency: options.perHostConcurrency ?? 2,
        maxRedirects: options.maxRedirects ?? 5,
        maxRetries: options.maxRetries ?? 2,
        maxRetryWaitMs: options.maxRetryWaitMs ?? 60_000,
        maxCrawlDelayMs: options.maxCrawlDelayMs ?? 10_000,
        retryAfterUnitMs: options.retryAfterUnitMs ?? 1000,
        resolve: options.resolve,
      });

      const conditionalHeaders = (state: PageState | undefined): Record<string, string> => {
        const headers: Record<string, string> = {};
        if (state?.e) headers['if-none-match'] = state.e;
        if (state?.m) headers['if-modified-since'] = state.m;
        return headers;
      };

      /** A page whose current version could not be read stays as indexed (if it was); the failure is still reported. */
      const keepAsIndexed = (url: string, error: Error, lastmod?: string) => {
        stats.failed += 1;
        inputs.push({ location: pageId(url), error });
        const state = previous.get(url);
        if (state) {
          next.set(url, state);
          inputs.push(candidate(url, state.f, undefined, lastmod));
        }
      };

      /** `fetched`: the body already in hand; without it (a 304, a kept page) loading fetches the page again. */
      const candidate = (url: string, fingerprint: string, fetched: FetchedPage | undefined, lastmod: string | undefined): DocumentCandidate => {
        let held = fetched;
        if (held) heldBytes += held.body.length;
        return {
          id: pageId(url),
          location: pageId(url),
          fingerprint,
          load: async (): Promise<SourceDocument> => {
            let page = held;
            held = undefined;
            if (!page) {
              page = await fetchUrl(url, maxPageBytes);
              if (page.status < 200 || page.status >= 300) throw new WebFetchError(url, `HTTP ${page.status}`);
            }
            return pageDocument({
              url,
              finalUrl: page.url,
              contentType: headerText(page.headers['content-type']),
              lastModified: headerText(page.headers['last-modified']) || undefined,
              body: page.body,
              sitemapLastmod: lastmod,
            });
          },
        };
      };

      /** Fetches a page (conditionally when it was indexed before) and lists it, unless it is gone. */
      const visitPage = async (url: string, lastmod: string | undefined, fetchedAlready?: FetchedPage): Promise<void> => {
        const state = previous.get(url);
        try {
          const page = fetchedAlready ?? (await fetchUrl(url, maxPageBytes, conditionalHeaders(state)));
          if (page.status === 304 && state) {
            stats.notModified += 1;
            next.set(url, state);
            inputs.push(candidate(url, state.f, undefined, lastmod));
            return;
          }
          if (page.status === 404 || page.status === 410) {
            stats.gone += 1;
            log.debug({ url, status: page.status }, 'web page gone');
            return;
          }
          if (page.status < 200 || page.status >= 300) throw new WebFetchError(url, `HTTP ${page.status}`);
          stats.fetched += 1;
          const fingerprint = `sha256:${createHash('sha256').update(page.body).digest('hex').slice(0, 32)}`;
          const etag = headerText(page.headers.etag);
          const modified = headerText(page.headers['last-modified']);
          next.set(url, { f: fingerprint, ...(etag ? { e: etag } : {}), ...(modified ? { m: modified } : {}) });
          const keep = heldBytes + page.body.length <= (options.maxHeldBytes ?? 200 * MB);
          inputs.push(candidate(url, fingerprint, keep ? page : undefined, lastmod));
        } catch (error) {
          if (signal.aborted) throw error;
          keepAsIndexed(url, error instanceof Error ? error : new Error(String(error)), lastmod);
        }
      };

      /** The sitemap in an answer; `undefined` when it is something else (an XML page), an Error when it cannot be read. */
      const decodeSitemap = (url: string, page: FetchedPage): Sitemap | Error | undefined => {
        let body = page.body;
        if (body[0] === 0x1f && body[1] === 0x8b) {
          try {
            body = gunzipSync(body, { maxOutputLength: maxSitemapBytes });
          } catch {
            return new Error(`${url}: not a readable gzip sitemap, or larger than ${formatBytes(maxSitemapBytes)}`);
          }
        }
        return parseSitemap(body.toString('utf8'));
      };

      /** A sitemap's (or index's) page entries; an Error when some part could not be read, so the listing is partial. */
      const readSitemap = async (url: string, sitemap: Sitemap, depth: number, sitemapBudget: { left: number }): Promise<SitemapEntry[] | Error> => {
        if (sitemap.kind === 'urlset') return sitemap.entries;
        if (depth > 0) return new Error(`${url}: a sitemap index inside a sitemap index is not followed`);
        const entries: SitemapEntry[] = [];
        for (const child of sitemap.entries) {
          const childUrl = normalizeUrl(child.loc);
          if (!childUrl || !hosts.has(new URL(childUrl).hostname.toLowerCase())) continue;
          if (sitemapBudget.left-- <= 0) return new Error(`${url}: lists more than ${maxSitemaps} sitemaps`);
          const allowed = await permission(childUrl);
          if (allowed !== 'ok') return allowed === 'disallowed' ? new Error(`${childUrl}: disallowed by robots.txt`) : allowed;
          const childPage = await fetchUrl(childUrl, maxSitemapBytes).catch((error: unknown) =>
            signal.aborted ? Promise.reject(error) : (error as Error),
          );
          if (childPage instanceof Error) return childPage;
          if (childPage.status < 200 || childPage.status >= 300) return new Error(`${childUrl}: HTTP ${childPage.status}`);
          const decoded = decodeSitemap(childUrl, childPage) ?? new Error(`${childUrl}: not a sitemap (no <urlset> or <sitemapindex>)`);
          if (decoded instanceof Error) return decoded;
          const found = await readSitemap(childUrl, decoded, depth + 1, sitemapBudget);
          if (found instanceof Error) return found;
          entries.push(...found);
        }
        return entries;
      };

      // 1. The configured URLs: each is a page, or a sitemap whose pages are visited next.
      const fromSitemaps = new Map<string, string | undefined>();
      const sitemapBudget = { left: maxSitemaps };
      for (const url of configured) {
        signal.throwIfAborted();
        onListing?.(`Web: reading ${url}`);
        listed.add(url);
        const allowed = await permission(url);
        if (allowed !== 'ok') {
          // The URL may be a sitemap: what it lists is unknown, so nothing may be deleted.
          if (!previous.has(url)) incomplete = true;
          if (allowed instanceof Error) {
            keepAsIndexed(url, allowed);
          } else {
            // The site asks not to be crawled there: reported, and an indexed copy is removed.
            stats.disallowed += 1;
            inputs.push({ location: pageId(url), error: new Error(`${url}: disallowed for ${WEB_USER_AGENT} by robots.txt`) });
          }
          continue;
        }
        const state = previous.get(url);
        // Known pages are asked for conditionally; anything else may be a sitemap and is read whole.
        let page: FetchedPage;
        try {
          page = await fetchUrl(url, state ? maxPageBytes : maxSitemapBytes, conditionalHeaders(state));
        } catch (error) {
          if (signal.aborted) throw error;
          if (!state) incomplete = true;
          keepAsIndexed(url, error as Error);
          continue;
        }
        const sitemap =
          page.status >= 200 && page.status < 300 && looksLikeSitemap(headerText(page.headers['content-type']), page.body)
            ? decodeSitemap(url, page)
            : undefined;
        if (sitemap !== undefined) {
          const entries = sitemap instanceof Error ? sitemap : await readSitemap(url, sitemap, 0, sitemapBudget);
          if (entries instanceof Error) {
            incomplete = true;
            stats.failed += 1;
            inputs.push({ location: pageId(url), error: entries });
            continue;
          }
          for (const entry of entries) {
            const pageUrl = normalizeUrl(entry.loc);
            if (!pageUrl || !hosts.has(new URL(pageUrl).hostname.toLowerCase()) || fromSitemaps.has(pageUrl)) continue;
            fromSitemaps.set(pageUrl, entry.lastmod);
          }
          continue;
        }
        if (page.status === 404 || page.status === 410) {
          stats.gone += 1;
          inputs.push({ location: pageId(url), error: new WebFetchError(url, `the configured page is gone (HTTP ${page.status})`) });
          continue;
        }
        if (page.status === 200 && page.body.length > maxPageBytes) {
          keepAsIndexed(url, new WebFetchError(url, `response is larger than the ${formatBytes(maxPageBytes)} limit`));
          continue;
        }
        await visitPage(url, undefined, page);
      }

      // 2. Pages listed by sitemaps, a few at a time.
      const pending = [...fromSitemaps].filter(([url]) => !listed.has(url));
      if (listed.size + pending.length > maxPages) {
        incomplete = true;
        log.warn({ pages: listed.size + pending.length, limit: maxPages }, 'web sitemaps list more pages than the limit: the rest are not indexed');
        pending.length = Math.max(0, maxPages - listed.size);
      }
      let visited = 0;
      await Promise.all(
        pending.map(async ([url, lastmod]) => {
          const allowed = await permission(url);
          if (allowed === 'disallowed') {
            stats.disallowed += 1;
          } else if (allowed instanceof Error) {
            keepAsIndexed(url, allowed, lastmod);
          } else {
            await visitPage(url, lastmod);
          }
          visited += 1;
          if (visited % 50 === 0) onListing?.(`Web: ${visited} of ${pending.length} pages checked`);
        }),
      );
      signal.throwIfAborted();

      log.info({ ...stats, pages: listed.size + pending.length, complete: !incomplete }, 'web listing done');
      return {
        inputs: orderInputs(inputs),
        // Every configured URL and sitemap was read: a stored page not listed now was removed from the site or the configuration.
        completeUnder: incomplete ? [] : ['web:'],
        deleted: [],
        cursor: writePageStates(next),
      };
    },
  };
}

/** Failures first, then pages by URL: concurrent fetching must not make listings differ from run to run. */
function orderInputs(inputs: IndexInput[]): IndexInput[] {
  const key = (input: IndexInput) => `${'error' in input ? 0 : 1}${input.location}`;
  return [...inputs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The URL without its fragment (the same document), or undefined if it is not an http(s) URL. */
export function normalizeUrl(raw: string): string | undefined {
  try {
    const url = new URL(raw.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    url.hash = '';
    return url.href;
  } catch {
    return undefined;
  }
}

const PREFIX = 'page:';

function readPageStates(cursor: SyncCursor): Map<string, PageState> {
  const states = new Map<string, PageState>();
  for (const [key, value] of Object.entries(cursor)) {
    if (!key.startsWith(PREFIX)) continue;
    try {
      const parsed = JSON.parse(value) as Partial<PageState>;
      if (typeof parsed.f !== 'string') continue;
      states.set(key.slice(PREFIX.length), {
        f: parsed.f,
        ...(typeof parsed.e === 'string' ? { e: parsed.e } : {}),
        ...(typeof parsed.m === 'string' ? { m: parsed.m } : {}),
      });
    } catch {
      // A damaged entry only costs an unconditional fetch of that page.
    }
  }
  return states;
}

function writePageStates(states: Map<string, PageState>): SyncCursor {
  const cursor: SyncCursor = {};
  for (const [url, state] of states) cursor[`${PREFIX}${url}`] = JSON.stringify(state);
  return cursor;
}
