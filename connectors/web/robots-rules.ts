import robotsParserModule from 'robots-parser';
import type { FetchedPage } from './guarded-fetch.ts';

// robots-parser is CommonJS (`module.exports = function`) but its types declare an ES default export,
// which TypeScript reads as `.default` under NodeNext; at run time the import is the function itself.
type RobotsParser = typeof robotsParserModule.default;
const robotsParser: RobotsParser =
  (robotsParserModule as unknown as { default?: RobotsParser }).default ?? (robotsParserModule as unknown as RobotsParser);

/** What a site's robots.txt allows a user agent. */
export interface RobotsRules {
  allows(url: string): boolean;
  /** Crawl-delay asked for, in milliseconds (0 when none). */
  crawlDelayMs: number;
}

export const ALLOW_ALL: RobotsRules = { allows: () => true, crawlDelayMs: 0 };
export const DISALLOW_ALL: RobotsRules = { allows: () => false, crawlDelayMs: 0 };

/**
 * Reads robots.txt the way RFC 9309 says: a 4xx answer means there are no rules (everything is
 * allowed); a 5xx answer means the site is unavailable and nothing may be crawled for now.
 */
export function robotsRulesFrom(robotsUrl: string, page: FetchedPage, userAgent: string): RobotsRules | 'unavailable' {
  if (page.status >= 400 && page.status < 500) return ALLOW_ALL;
  if (page.status < 200 || page.status >= 300) return 'unavailable';
  const robots = robotsParser(robotsUrl, page.body.toString('utf8'));
  const delay = robots.getCrawlDelay(userAgent);
  return {
    // robots-parser answers undefined for a URL on another origin; those never reach these rules.
    allows: (url) => robots.isAllowed(url, userAgent) !== false,
    crawlDelayMs: typeof delay === 'number' && Number.isFinite(delay) && delay > 0 ? delay * 1000 : 0,
  };
}
