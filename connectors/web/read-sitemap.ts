import { gunzipSync } from 'node:zlib';
import { formatBytes } from '../files/file-limits.ts';
import type { FetchedPage } from './guarded-fetch.ts';
import { parseSitemap, type Sitemap, type SitemapEntry } from './parse-sitemap.ts';
import type { PoliteFetcher } from './polite-fetcher.ts';
import { normalizeUrl, onHosts } from './web-urls.ts';

/** The sitemap in an answer (gzipped or not); `undefined` when it is something else (an XML page), an Error when it cannot be read. */
export function decodeSitemap(url: string, page: FetchedPage, maxSitemapBytes: number): Sitemap | Error | undefined {
  let body = page.body;
  if (body[0] === 0x1f && body[1] === 0x8b) {
    try {
      body = gunzipSync(body, { maxOutputLength: maxSitemapBytes });
    } catch {
      return new Error(`${url}: not a readable gzip sitemap, or larger than ${formatBytes(maxSitemapBytes)}`);
    }
  }
  return parseSitemap(body.toString('utf8'));
}

/** What reading the sitemaps of one listing needs; `budget` counts down the child sitemaps still allowed. */
export interface SitemapReading {
  fetcher: PoliteFetcher;
  hosts: ReadonlySet<string>;
  signal: AbortSignal;
  maxSitemapBytes: number;
  maxSitemaps: number;
  budget: { left: number };
}

/**
 * A sitemap's page entries, or those of the sitemaps a sitemap index lists (on the configured hosts, allowed by
 * robots.txt, one level deep); an Error when some part could not be read, so the listing is partial.
 */
export async function sitemapEntries(url: string, sitemap: Sitemap, reading: SitemapReading, depth = 0): Promise<SitemapEntry[] | Error> {
  if (sitemap.kind === 'urlset') return sitemap.entries;
  if (depth > 0) return new Error(`${url}: a sitemap index inside a sitemap index is not followed`);
  const { fetcher, signal, maxSitemapBytes } = reading;
  const entries: SitemapEntry[] = [];
  for (const child of sitemap.entries) {
    const childUrl = normalizeUrl(child.loc);
    if (!childUrl || !onHosts(childUrl, reading.hosts)) continue;
    if (reading.budget.left-- <= 0) return new Error(`${url}: lists more than ${reading.maxSitemaps} sitemaps`);
    const allowed = await fetcher.permission(childUrl);
    if (allowed !== 'ok') return allowed === 'disallowed' ? new Error(`${childUrl}: disallowed by robots.txt`) : allowed;
    const childPage = await fetcher
      .fetchUrl(childUrl, maxSitemapBytes)
      .catch((error: unknown) => (signal.aborted ? Promise.reject(error) : (error as Error)));
    if (childPage instanceof Error) return childPage;
    if (childPage.status < 200 || childPage.status >= 300) return new Error(`${childUrl}: HTTP ${childPage.status}`);
    const decoded = decodeSitemap(childUrl, childPage, maxSitemapBytes) ?? new Error(`${childUrl}: not a sitemap (no <urlset> or <sitemapindex>)`);
    if (decoded instanceof Error) return decoded;
    const found = await sitemapEntries(childUrl, decoded, reading, depth + 1);
    if (found instanceof Error) return found;
    entries.push(...found);
  }
  return entries;
}
