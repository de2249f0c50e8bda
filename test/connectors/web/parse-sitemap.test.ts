import { describe, expect, it } from 'vitest';
import { looksLikeSitemap, parseSitemap } from '../../../connectors/web/parse-sitemap.ts';

describe('reading sitemaps', () => {
  it('reads a urlset with locations and lastmod dates, entities decoded', () => {
    const xml = `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc> https://example.com/a?x=1&amp;y=2 </loc><lastmod>2024-05-01</lastmod><priority>0.5</priority></url>
      <url><loc>https://example.com/b</loc></url><url><lastmod>2024-01-01</lastmod></url></urlset>`;
    expect(parseSitemap(xml)).toEqual({
      kind: 'urlset',
      entries: [{ loc: 'https://example.com/a?x=1&y=2', lastmod: '2024-05-01' }, { loc: 'https://example.com/b' }],
    });
  });

  it('reads a sitemap index, whatever namespace prefix the generator used', () => {
    const xml = `<sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9"><sm:sitemap><sm:loc>https://example.com/s1.xml</sm:loc></sm:sitemap></sm:sitemapindex>`;
    expect(parseSitemap(xml)).toEqual({ kind: 'index', entries: [{ loc: 'https://example.com/s1.xml' }] });
  });

  it('says an HTML page or an RSS feed is not a sitemap', () => {
    expect(parseSitemap('<html><body><p>About &lt;urlset&gt; tags</p></body></html>')).toBeUndefined();
    expect(parseSitemap('<?xml version="1.0"?><rss><channel><item><link>https://x</link></item></channel></rss>')).toBeUndefined();
  });

  it('recognises sitemaps by content type or by their first bytes', () => {
    expect(looksLikeSitemap('application/xml', Buffer.from('x'))).toBe(true);
    expect(looksLikeSitemap('text/xml; charset=utf-8', Buffer.from('x'))).toBe(true);
    expect(looksLikeSitemap('application/octet-stream', Buffer.from('  <urlset xmlns="...">'))).toBe(true);
    expect(looksLikeSitemap('text/html', Buffer.from('<!doctype html><html>'))).toBe(false);
    expect(looksLikeSitemap('application/xhtml+xml', Buffer.from('<?xml version="1.0"?><html>'))).toBe(false);
    expect(looksLikeSitemap('application/gzip', Buffer.from([0x1f, 0x8b, 8]))).toBe(true);
  });
});
