// A small web site on 127.0.0.1 and a random port for the web connector's tests: pages, robots.txt and
// sitemaps set by the test, ETag / Last-Modified validators with 304 answers as a real server gives them,
// redirects, gzip, slow answers and canned statuses. Every request is recorded with the headers that matter.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface FakePage {
  status?: number;
  body?: string | Buffer;
  /** Default `text/html; charset=utf-8`. */
  contentType?: string;
  /** Default: a hash of the body; `false` sends none. */
  etag?: string | false;
  lastModified?: string;
  headers?: Record<string, string>;
  /** Compress the body with gzip (Content-Encoding: gzip). */
  gzip?: boolean;
  delayMs?: number;
}

export interface RecordedWebRequest {
  path: string;
  status: number;
  userAgent?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  at: number;
}

export interface FakeWeb {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly requests: RecordedWebRequest[];
  /** Most requests seen in flight at once. */
  readonly maxInFlight: number;
  /** Serves `page` at `path` (path and query). */
  set(path: string, page: FakePage): void;
  remove(path: string): void;
  /** Answers the next request for `path` with this, once. */
  once(path: string, page: FakePage): void;
  resetRequests(): void;
  close(): Promise<void>;
}

export async function startFakeWeb(): Promise<FakeWeb> {
  const pages = new Map<string, FakePage>();
  const onceQueue = new Map<string, FakePage[]>();
  const requests: RecordedWebRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const queued = onceQueue.get(path);
    const page: FakePage = queued?.shift() ?? pages.get(path) ?? { status: 404, body: 'Not found', contentType: 'text/plain' };
    const record: RecordedWebRequest = {
      path,
      status: 0,
      userAgent: req.headers['user-agent'],
      ifNoneMatch: req.headers['if-none-match'],
      ifModifiedSince: req.headers['if-modified-since'],
      at: Date.now(),
    };
    requests.push(record);
    if (page.delayMs) await new Promise((resolve) => setTimeout(resolve, page.delayMs));

    const raw = typeof page.body === 'string' ? Buffer.from(page.body) : (page.body ?? Buffer.alloc(0));
    const status = page.status ?? 200;
    const headers: Record<string, string> = { 'content-type': page.contentType ?? 'text/html; charset=utf-8', ...page.headers };
    const etag = page.etag === false ? undefined : (page.etag ?? `"${createHash('sha1').update(raw).digest('hex').slice(0, 16)}"`);
    if (status === 200 && etag) headers.etag = etag;
    if (status === 200 && page.lastModified) headers['last-modified'] = page.lastModified;

    const notModified =
      status === 200 &&
      ((etag !== undefined && record.ifNoneMatch === etag) ||
        (record.ifNoneMatch === undefined &&
          page.lastModified !== undefined &&
          record.ifModifiedSince !== undefined &&
          Date.parse(record.ifModifiedSince) >= Date.parse(page.lastModified)));
    if (notModified) {
      record.status = 304;
      delete headers['content-type'];
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const body = page.gzip ? gzipSync(raw) : raw;
    if (page.gzip) headers['content-encoding'] = 'gzip';
    headers['content-length'] = String(body.length);
    record.status = status;
    res.writeHead(status, headers);
    res.end(body);
  };

  const server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => (inFlight -= 1));
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    set: (path, page) => void pages.set(path, page),
    remove: (path) => void pages.delete(path),
    once: (path, page) => onceQueue.set(path, [...(onceQueue.get(path) ?? []), page]),
    resetRequests: () => void (requests.length = 0),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A sitemap (`<urlset>`) of these URLs, with optional lastmod dates. */
export function sitemapXml(urls: Array<string | { loc: string; lastmod?: string }>): string {
  const entries = urls
    .map((u) => (typeof u === 'string' ? { loc: u } : u))
    .map((u) => `  <url><loc>${escapeXml(u.loc)}</loc>${u.lastmod ? `<lastmod>${u.lastmod}</lastmod>` : ''}</url>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${entries.join('\n')}\n</urlset>\n`;
}

export function sitemapIndexXml(urls: string[]): string {
  const entries = urls.map((loc) => `  <sitemap><loc>${escapeXml(loc)}</loc></sitemap>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${entries.join('\n')}\n</sitemapindex>\n`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
