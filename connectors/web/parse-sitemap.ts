import { load } from 'cheerio';

export interface SitemapEntry {
  loc: string;
  /** As written in the sitemap (W3C datetime), when given. */
  lastmod?: string;
}

export type Sitemap = { kind: 'urlset'; entries: SitemapEntry[] } | { kind: 'index'; entries: SitemapEntry[] };

/**
 * A sitemap (`<urlset>`) or sitemap index (`<sitemapindex>`), per sitemaps.org; `undefined` when the
 * document is neither, i.e. the URL is an ordinary page. Parsed in XML mode, so a page that merely
 * mentions `<urlset>` in its text is not mistaken for one.
 */
export function parseSitemap(xml: string): Sitemap | undefined {
  const $ = load(xml, { xml: { xmlMode: true, decodeEntities: true } });
  const root = $.root().children().first();
  const name = localName(root.prop('tagName') ?? '');
  const kind = name === 'urlset' ? 'urlset' : name === 'sitemapindex' ? 'index' : undefined;
  if (!kind) return undefined;
  const entries: SitemapEntry[] = [];
  root.children().each((_, element) => {
    const item = $(element);
    if (localName(item.prop('tagName') ?? '') !== (kind === 'urlset' ? 'url' : 'sitemap')) return;
    const field = (wanted: string) =>
      item
        .children()
        .filter((_i, child) => localName($(child).prop('tagName') ?? '') === wanted)
        .first()
        .text()
        .trim();
    const loc = field('loc');
    if (!loc) return;
    const lastmod = field('lastmod');
    entries.push(lastmod ? { loc, lastmod } : { loc });
  });
  return { kind, entries };
}

/** `sm:urlset` and `urlset` are the same element; namespace prefixes vary between generators. */
function localName(tag: string): string {
  return tag.slice(tag.indexOf(':') + 1).toLowerCase();
}

/** Whether an answer may be a sitemap (XML, or gzip as `sitemap.xml.gz` is served) rather than a page. */
export function looksLikeSitemap(contentType: string, body: Buffer): boolean {
  if (/\bxhtml\b/i.test(contentType)) return false;
  if (/\b(?:application|text)\/(?:[\w.+-]+\+)?xml\b/i.test(contentType)) return true;
  if (body[0] === 0x1f && body[1] === 0x8b) return true;
  const start = body.subarray(0, 512).toString('utf8').trimStart();
  return start.startsWith('<?xml') || /^<(?:[\w-]+:)?(?:urlset|sitemapindex)\b/.test(start);
}
