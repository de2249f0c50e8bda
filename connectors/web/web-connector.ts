import type { Logger } from 'pino';
import type { Connector, SourceListing, SyncRequest } from '../connector.ts';
import type { HostResolver } from './address-guard.ts';
import { createPoliteFetcher } from './polite-fetcher.ts';
import { WebCrawl, type WebCrawlSettings } from './web-crawl.ts';
import { readPageStates } from './web-cursor.ts';
import { hostsOf, normalizeUrl } from './web-urls.ts';

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

/**
 * Web pages, given directly or through sitemaps, fetched politely: robots.txt (user agent LoreBot) and
 * its Crawl-delay, only the configured hosts, few requests at a time, bounded sizes and time, and
 * conditional GETs (ETag / Last-Modified) so an unchanged page costs a 304. Every request passes the
 * SSRF guard (public addresses only unless allowed, re-checked on each redirect, connection pinned).
 * One listing is one `WebCrawl` (web-crawl.ts); what it remembers between syncs is web-cursor.ts.
 */
export function createWebConnector(config: WebConnectorConfig, log: Logger, options: WebConnectorOptions = {}): Connector {
  const configured = [...new Set(config.urls.map(normalizeUrl).filter((url): url is string => url !== undefined))];
  const settings: WebCrawlSettings = {
    configured,
    hosts: hostsOf(configured),
    maxPageBytes: options.maxPageBytes ?? 5 * MB,
    maxSitemapBytes: options.maxSitemapBytes ?? 10 * MB,
    maxPages: options.maxPages ?? 5_000,
    maxSitemaps: options.maxSitemaps ?? 100,
    maxHeldBytes: options.maxHeldBytes ?? 200 * MB,
  };

  return {
    source: 'web',
    async list(request: SyncRequest): Promise<SourceListing> {
      const { signal, onListing } = request;
      const fetcher = createPoliteFetcher({
        hosts: settings.hosts,
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
      const previous = readPageStates(request.full ? {} : request.cursor);
      return new WebCrawl(settings, { fetcher, previous, signal, log, onListing }).list();
    },
  };
}
