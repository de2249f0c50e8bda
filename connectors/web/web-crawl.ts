import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { DocumentCandidate, IndexInput } from '../../rag/index/indexer.ts';
import type { SourceDocument } from '../../rag/types.ts';
import type { SourceListing } from '../connector.ts';
import { formatBytes } from '../files/file-limits.ts';
import { WebFetchError, type FetchedPage } from './guarded-fetch.ts';
import { pageDocument, pageId } from './page-document.ts';
import { looksLikeSitemap } from './parse-sitemap.ts';
import { headerText, WEB_USER_AGENT, type PoliteFetcher } from './polite-fetcher.ts';
import { decodeSitemap, sitemapEntries, type SitemapReading } from './read-sitemap.ts';
import { conditionalHeaders, writePageStates, type PageState } from './web-cursor.ts';
import { normalizeUrl, onHosts } from './web-urls.ts';

/** What a web sync is configured to read, and its limits (defaults applied). */
export interface WebCrawlSettings {
  /** The configured URLs, normalized and without duplicates. */
  configured: string[];
  hosts: ReadonlySet<string>;
  maxPageBytes: number;
  maxSitemapBytes: number;
  maxPages: number;
  maxSitemaps: number;
  /** Page bodies kept in memory between listing and indexing; past this, a changed page is fetched again to index it. */
  maxHeldBytes: number;
}

export interface WebCrawlContext {
  fetcher: PoliteFetcher;
  /** The page states of the last committed sync (none for a full one). */
  previous: ReadonlyMap<string, PageState>;
  signal: AbortSignal;
  log: Logger;
  onListing?: (message: string) => void;
}

/**
 * One listing of the web source: the configured URLs first (each a page, or a sitemap whose pages are gathered),
 * then the pages the sitemaps list, a few at a time. Builds the inputs for the indexer and the next cursor.
 */
export class WebCrawl {
  private readonly next = new Map<string, PageState>();
  private readonly inputs: IndexInput[] = [];
  private readonly listed = new Set<string>();
  /** Pages listed by sitemaps, with their lastmod. */
  private readonly fromSitemaps = new Map<string, string | undefined>();
  private readonly stats = { fetched: 0, notModified: 0, gone: 0, disallowed: 0, failed: 0 };
  private readonly sitemaps: SitemapReading;
  /** Something could not be listed: what is not listed now may still exist, so nothing may be deleted. */
  private incomplete = false;
  private heldBytes = 0;

  constructor(
    private readonly settings: WebCrawlSettings,
    private readonly context: WebCrawlContext,
  ) {
    this.sitemaps = {
      fetcher: context.fetcher,
      hosts: settings.hosts,
      signal: context.signal,
      maxSitemapBytes: settings.maxSitemapBytes,
      maxSitemaps: settings.maxSitemaps,
      budget: { left: settings.maxSitemaps },
    };
  }

  async list(): Promise<SourceListing> {
    const { signal, onListing, log } = this.context;
    // 1. The configured URLs: each is a page, or a sitemap whose pages are visited next.
    for (const url of this.settings.configured) {
      signal.throwIfAborted();
      onListing?.(`Web: reading ${url}`);
      await this.readConfigured(url);
    }
    // 2. Pages listed by sitemaps, a few at a time.
    const pages = await this.visitSitemapPages();
    signal.throwIfAborted();

    log.info({ ...this.stats, pages, complete: !this.incomplete }, 'web listing done');
    return {
      inputs: orderInputs(this.inputs),
      // Every configured URL and sitemap was read: a stored page not listed now was removed from the site or the configuration.
      completeUnder: this.incomplete ? [] : ['web:'],
      deleted: [],
      cursor: writePageStates(this.next),
    };
  }

  private async readConfigured(url: string): Promise<void> {
    const { fetcher, previous, signal } = this.context;
    const { maxPageBytes, maxSitemapBytes } = this.settings;
    this.listed.add(url);
    const allowed = await fetcher.permission(url);
    if (allowed !== 'ok') {
      // The URL may be a sitemap: what it lists is unknown, so nothing may be deleted.
      if (!previous.has(url)) this.incomplete = true;
      if (allowed instanceof Error) {
        this.keepAsIndexed(url, allowed);
      } else {
        // The site asks not to be crawled there: reported, and an indexed copy is removed.
        this.stats.disallowed += 1;
        this.inputs.push({ location: pageId(url), error: new Error(`${url}: disallowed for ${WEB_USER_AGENT} by robots.txt`) });
      }
      return;
    }
    const state = previous.get(url);
    // Known pages are asked for conditionally; anything else may be a sitemap and is read whole.
    let page: FetchedPage;
    try {
      page = await fetcher.fetchUrl(url, state ? maxPageBytes : maxSitemapBytes, conditionalHeaders(state));
    } catch (error) {
      if (signal.aborted) throw error;
      if (!state) this.incomplete = true;
      this.keepAsIndexed(url, error as Error);
      return;
    }
    const sitemap =
      page.status >= 200 && page.status < 300 && looksLikeSitemap(headerText(page.headers['content-type']), page.body)
        ? decodeSitemap(url, page, maxSitemapBytes)
        : undefined;
    if (sitemap !== undefined) {
      const entries = sitemap instanceof Error ? sitemap : await sitemapEntries(url, sitemap, this.sitemaps);
      if (entries instanceof Error) {
        this.incomplete = true;
        this.stats.failed += 1;
        this.inputs.push({ location: pageId(url), error: entries });
        return;
      }
      for (const entry of entries) {
        const pageUrl = normalizeUrl(entry.loc);
        if (!pageUrl || !onHosts(pageUrl, this.settings.hosts) || this.fromSitemaps.has(pageUrl)) continue;
        this.fromSitemaps.set(pageUrl, entry.lastmod);
      }
      return;
    }
    if (page.status === 404 || page.status === 410) {
      this.stats.gone += 1;
      this.inputs.push({ location: pageId(url), error: new WebFetchError(url, `the configured page is gone (HTTP ${page.status})`) });
      return;
    }
    if (page.status === 200 && page.body.length > maxPageBytes) {
      this.keepAsIndexed(url, new WebFetchError(url, `response is larger than the ${formatBytes(maxPageBytes)} limit`));
      return;
    }
    await this.visitPage(url, undefined, page);
  }

  /** Visits the pages sitemaps listed (up to the page limit); returns how many pages the listing counts. */
  private async visitSitemapPages(): Promise<number> {
    const { fetcher, log, onListing } = this.context;
    const { maxPages } = this.settings;
    const pending = [...this.fromSitemaps].filter(([url]) => !this.listed.has(url));
    if (this.listed.size + pending.length > maxPages) {
      this.incomplete = true;
      log.warn(
        { pages: this.listed.size + pending.length, limit: maxPages },
        'web sitemaps list more pages than the limit: the rest are not indexed',
      );
      pending.length = Math.max(0, maxPages - this.listed.size);
    }
    let visited = 0;
    await Promise.all(
      pending.map(async ([url, lastmod]) => {
        const allowed = await fetcher.permission(url);
        if (allowed === 'disallowed') {
          this.stats.disallowed += 1;
        } else if (allowed instanceof Error) {
          this.keepAsIndexed(url, allowed, lastmod);
        } else {
          await this.visitPage(url, lastmod);
        }
        visited += 1;
        if (visited % 50 === 0) onListing?.(`Web: ${visited} of ${pending.length} pages checked`);
      }),
    );
    return this.listed.size + pending.length;
  }

  /** Fetches a page (conditionally when it was indexed before) and lists it, unless it is gone. */
  private async visitPage(url: string, lastmod: string | undefined, fetchedAlready?: FetchedPage): Promise<void> {
    const { fetcher, previous, signal, log } = this.context;
    const state = previous.get(url);
    try {
      const page = fetchedAlready ?? (await fetcher.fetchUrl(url, this.settings.maxPageBytes, conditionalHeaders(state)));
      if (page.status === 304 && state) {
        this.stats.notModified += 1;
        this.next.set(url, state);
        this.inputs.push(this.candidate(url, state.fingerprint, undefined, lastmod));
        return;
      }
      if (page.status === 404 || page.status === 410) {
        this.stats.gone += 1;
        log.debug({ url, status: page.status }, 'web page gone');
        return;
      }
      if (page.status < 200 || page.status >= 300) throw new WebFetchError(url, `HTTP ${page.status}`);
      this.stats.fetched += 1;
      const fingerprint = `sha256:${createHash('sha256').update(page.body).digest('hex').slice(0, 32)}`;
      const etag = headerText(page.headers.etag);
      const lastModified = headerText(page.headers['last-modified']);
      this.next.set(url, { fingerprint, ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) });
      const keep = this.heldBytes + page.body.length <= this.settings.maxHeldBytes;
      this.inputs.push(this.candidate(url, fingerprint, keep ? page : undefined, lastmod));
    } catch (error) {
      if (signal.aborted) throw error;
      this.keepAsIndexed(url, error instanceof Error ? error : new Error(String(error)), lastmod);
    }
  }

  /** A page whose current version could not be read stays as indexed (if it was); the failure is still reported. */
  private keepAsIndexed(url: string, error: Error, lastmod?: string): void {
    this.stats.failed += 1;
    this.inputs.push({ location: pageId(url), error });
    const state = this.context.previous.get(url);
    if (state) {
      this.next.set(url, state);
      this.inputs.push(this.candidate(url, state.fingerprint, undefined, lastmod));
    }
  }

  /** `fetched`: the body already in hand; without it (a 304, a kept page) loading fetches the page again. */
  private candidate(url: string, fingerprint: string, fetched: FetchedPage | undefined, lastmod: string | undefined): DocumentCandidate {
    const { fetcher } = this.context;
    const { maxPageBytes } = this.settings;
    let held = fetched;
    if (held) this.heldBytes += held.body.length;
    return {
      id: pageId(url),
      location: pageId(url),
      fingerprint,
      load: async (): Promise<SourceDocument> => {
        let page = held;
        held = undefined;
        if (!page) {
          page = await fetcher.fetchUrl(url, maxPageBytes);
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
  }
}

/** Failures first, then pages by URL: concurrent fetching must not make listings differ from run to run. */
function orderInputs(inputs: IndexInput[]): IndexInput[] {
  const key = (input: IndexInput) => `${'error' in input ? 0 : 1}${input.location}`;
  return [...inputs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
