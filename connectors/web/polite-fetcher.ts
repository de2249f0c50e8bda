import Bottleneck from 'bottleneck';
import type { Logger } from 'pino';
import type { HostResolver } from './address-guard.ts';
import { guardedFetch, WebFetchError, type FetchedPage } from './guarded-fetch.ts';
import { robotsRulesFrom, type RobotsRules } from './robots-rules.ts';
import { sleep } from '../../rag/retry.ts';
import { errorMessage } from '../../rag/errors.ts';

export const WEB_USER_AGENT = 'LoreBot';
const USER_AGENT_HEADER = `${WEB_USER_AGENT}/1.0 (+https://github.com/lore-bot/lore)`;
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const MAX_ROBOTS_BYTES = 512 * 1024;

export interface PoliteFetcherOptions {
  /** Host names (lower case) that may be fetched. */
  hosts: ReadonlySet<string>;
  allowPrivate: boolean;
  signal: AbortSignal;
  log: Logger;
  timeoutMs: number;
  /** Requests in flight across all sites, and per site (origin). */
  concurrency: number;
  perHostConcurrency: number;
  maxRedirects: number;
  maxRetries: number;
  maxRetryWaitMs: number;
  maxCrawlDelayMs: number;
  retryAfterUnitMs: number;
  resolve?: HostResolver;
}

export interface PoliteFetcher {
  /** GET through the SSRF guard, limited per site and overall, retried after 429/502/503/504 and network failures. */
  fetchUrl(url: string, maxBytes: number, headers?: Record<string, string>): Promise<FetchedPage>;
  /** Whether the site's robots.txt lets LoreBot fetch `url`; an Error when robots.txt could not be read. */
  permission(url: string): Promise<'ok' | 'disallowed' | Error>;
}

/**
 * How one sync talks to web sites: a bottleneck limiter per origin (slowed to the site's Crawl-delay)
 * chained to one for all sites, robots.txt read once per origin, and bounded retries that honour
 * Retry-After. Answers other than those retried come back as they are; the caller decides what a 404 means.
 */
export function createPoliteFetcher(options: PoliteFetcherOptions): PoliteFetcher {
  const { signal, log } = options;
  const global = new Bottleneck({ maxConcurrent: options.concurrency });
  const perOrigin = new Map<string, Bottleneck>();
  const robots = new Map<string, Promise<RobotsRules | Error>>();

  const limiterFor = (url: string): Bottleneck => {
    const origin = new URL(url).origin;
    let limiter = perOrigin.get(origin);
    if (!limiter) {
      limiter = new Bottleneck({ maxConcurrent: options.perHostConcurrency });
      limiter.chain(global);
      perOrigin.set(origin, limiter);
    }
    return limiter;
  };

  const fetchUrl = async (url: string, maxBytes: number, headers: Record<string, string> = {}): Promise<FetchedPage> => {
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted();
      try {
        const page = await limiterFor(url).schedule(() =>
          guardedFetch(url, {
            allowedHosts: options.hosts,
            allowPrivate: options.allowPrivate,
            maxBytes,
            timeoutMs: options.timeoutMs,
            maxRedirects: options.maxRedirects,
            signal,
            userAgent: USER_AGENT_HEADER,
            headers,
            resolve: options.resolve,
          }),
        );
        if (!RETRY_STATUSES.has(page.status) || attempt >= options.maxRetries) return page;
        const waitMs = retryAfterMs(page.headers['retry-after'], options.retryAfterUnitMs) ?? backoffMs(attempt);
        if (waitMs > options.maxRetryWaitMs) return page;
        log.warn({ url, status: page.status, waitMs, attempt: attempt + 1 }, 'web request refused for now, retrying');
        await sleep(waitMs, signal);
      } catch (error) {
        const retryable = error instanceof WebFetchError && error.details.retryable === true;
        if (!retryable || attempt >= options.maxRetries || signal.aborted) throw error;
        log.warn({ url, err: errorMessage(error), attempt: attempt + 1 }, 'web request failed, retrying');
        await sleep(backoffMs(attempt), signal);
      }
    }
  };

  const rulesFor = (url: string): Promise<RobotsRules | Error> => {
    const origin = new URL(url).origin;
    let rules = robots.get(origin);
    if (!rules) {
      const robotsUrl = `${origin}/robots.txt`;
      rules = fetchUrl(robotsUrl, MAX_ROBOTS_BYTES)
        .then((page) => {
          const found = robotsRulesFrom(robotsUrl, page, WEB_USER_AGENT);
          return found === 'unavailable' ? new Error(`HTTP ${page.status}`) : found;
        })
        .catch((error: unknown) => {
          if (signal.aborted) throw error;
          return error instanceof Error ? error : new Error(String(error));
        })
        .then((found) => {
          if (found instanceof Error) log.warn({ origin, err: found.message }, 'robots.txt could not be read');
          else if (found.crawlDelayMs > 0) limiterFor(url).updateSettings({ minTime: Math.min(found.crawlDelayMs, options.maxCrawlDelayMs) });
          return found;
        });
      robots.set(origin, rules);
    }
    return rules;
  };

  const permission = async (url: string): Promise<'ok' | 'disallowed' | Error> => {
    const rules = await rulesFor(url);
    if (rules instanceof Error) {
      return new Error(`${url}: robots.txt of ${new URL(url).origin} could not be read (${rules.message}); the site is not crawled until it can be`);
    }
    return rules.allows(url) ? 'ok' : 'disallowed';
  };

  return { fetchUrl, permission };
}

export function headerText(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfterMs(value: string | string[] | undefined, unitMs: number): number | undefined {
  const text = headerText(value);
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * unitMs;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function backoffMs(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 8_000);
}
