import { basename } from 'node:path';
import { TextDecoder } from 'node:util';
import { load } from 'cheerio';
import type { SourceDocument } from '../../rag/types.ts';
import type { DetectedFormat, FileKind } from '../files/detect-format.ts';
import type { FileInput } from '../files/file-document.ts';
import { DEFAULT_FILE_LIMITS, type FileLimits } from '../files/file-limits.ts';
import { InputError } from '../files/input-error.ts';
import { parseInWorker } from '../files/parse-in-worker.ts';

/** A fetched page, ready to become a document. */
export interface PageContent {
  /** The URL it was listed under: the document id is built on it. */
  url: string;
  /** Where it was finally served from (after redirects): citations link here. */
  finalUrl: string;
  contentType: string;
  lastModified?: string;
  body: Buffer;
  /** From the sitemap, when the page came from one. */
  sitemapLastmod?: string;
}

const BY_MEDIA_TYPE: Readonly<Record<string, DetectedFormat>> = {
  'text/html': { kind: 'html', extension: 'html' },
  'application/xhtml+xml': { kind: 'html', extension: 'html' },
  'text/plain': { kind: 'text', extension: 'txt' },
  'text/markdown': { kind: 'markdown', extension: 'md' },
  'text/x-markdown': { kind: 'markdown', extension: 'md' },
  'application/pdf': { kind: 'pdf', extension: 'pdf' },
};

/** The kinds a web page may be read as (parsed by the files connector's readers, in a worker thread). */
const PAGE_KINDS: ReadonlySet<FileKind> = new Set(['html', 'text', 'markdown', 'pdf']);

export function pageId(url: string): string {
  return `web:${url}`;
}

/**
 * A web page as a document: the readable content of HTML (menus, headers, footers and scripts
 * dropped by the files connector's HTML reader), plain text, Markdown or PDF; the title, author and
 * dates the page declares; the site it belongs to.
 */
export async function pageDocument(page: PageContent, limits: FileLimits = DEFAULT_FILE_LIMITS): Promise<SourceDocument> {
  const [mediaType = '', ...params] = page.contentType.split(';').map((part) => part.trim());
  const format = BY_MEDIA_TYPE[mediaType.toLowerCase()];
  if (!format || !PAGE_KINDS.has(format.kind)) throw new InputError(page.url, `unsupported content type ${mediaType || '(none)'}`);
  const bytes = format.kind === 'pdf' ? page.body : toUtf8(page.body, charsetOf(params), page.url);
  if (bytes.length === 0) throw new InputError(page.url, 'the page is empty');

  const { pathname, hostname } = new URL(page.finalUrl);
  const input: FileInput = {
    absPath: pathname,
    relativePath: pathname,
    displayPath: page.url,
    format,
    bytes,
    modifiedAt: new Date(0),
    limits,
  };
  // Parsed in a worker thread, within the memory and time limits (files/parse-in-worker.ts).
  const loaded = await parseInWorker(input);
  if (loaded.text.trim() === '') throw new InputError(page.url, 'no readable text on the page');
  if (loaded.text.length > limits.maxTextChars) {
    throw new InputError(page.url, `extracted text is ${loaded.text.length} characters, over the ${limits.maxTextChars} limit`);
  }

  const declared = format.kind === 'html' ? declaredFacts(bytes.toString('utf8')) : {};
  const modifiedAt = isoDate(page.lastModified) ?? isoDate(declared.modified) ?? isoDate(page.sitemapLastmod);
  const document: SourceDocument = {
    ...loaded,
    id: pageId(page.url),
    source: 'web',
    title: loaded.title === basename(pathname) || loaded.title === '' ? `${hostname}${pathname}` : loaded.title,
    url: page.finalUrl,
    path: pathname,
    metadata: { ...loaded.metadata, site: hostname, ...(declared.author ? { author: declared.author } : {}) },
  };
  if (modifiedAt) document.modifiedAt = modifiedAt;
  else delete document.modifiedAt;
  return document;
}

function charsetOf(params: string[]): string | undefined {
  const param = params.find((p) => /^charset=/i.test(p));
  return (
    param
      ?.slice('charset='.length)
      .replace(/^["']|["']$/g, '')
      .trim()
      .toLowerCase() || undefined
  );
}

/** The shared readers accept UTF-8 (and UTF-16 with a BOM); a page served in another charset is converted first. */
function toUtf8(body: Buffer, charset: string | undefined, url: string): Buffer {
  if (!charset || charset === 'utf-8' || charset === 'utf8' || charset === 'us-ascii') return body;
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    throw new InputError(url, `unsupported character set ${charset}`);
  }
  try {
    return Buffer.from(decoder.decode(body), 'utf8');
  } catch (error) {
    throw new InputError(url, `not valid ${charset} text`, { cause: error });
  }
}

function declaredFacts(html: string): { author?: string; modified?: string } {
  const $ = load(html);
  const meta = (selector: string) => $(selector).first().attr('content')?.replace(/\s+/g, ' ').trim() || undefined;
  return {
    author: meta('meta[name="author"]') ?? meta('meta[property="article:author"]'),
    modified: meta('meta[property="article:modified_time"]') ?? meta('meta[property="og:updated_time"]') ?? meta('meta[name="last-modified"]'),
  };
}

function isoDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
