import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { formatBytes } from '../files/file-limits.ts';
import { resolvePublicAddress, type HostResolver, type ResolvedAddress } from './address-guard.ts';
import { errorMessage, LoreError } from '../../rag/errors.ts';

export interface GuardedFetchOptions {
  /** Host names (lower case) requests and redirects may go to. */
  allowedHosts: ReadonlySet<string>;
  allowPrivate: boolean;
  /** Body bytes after decompression; larger answers are aborted, never truncated. */
  maxBytes: number;
  /** For the whole exchange, redirects and body included. */
  timeoutMs: number;
  maxRedirects: number;
  signal: AbortSignal;
  userAgent: string;
  headers?: Record<string, string>;
  resolve?: HostResolver;
}

export interface FetchedPage {
  /** Where the answer came from, after redirects. */
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A request that failed; `status` and `retryAfterSeconds` when the server answered. */
export class WebFetchError extends LoreError {
  override readonly name = 'WebFetchError';

  override readonly code: string;

  constructor(
    readonly url: string,
    reason: string,
    readonly details: { status?: number; retryAfterSeconds?: number; retryable?: boolean; timedOut?: boolean } = {},
  ) {
    super(`${url}: ${reason}`);
    this.code = details.timedOut ? 'timeout' : 'web_fetch_failed';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GET over plain node:http(s), because every hop needs the same checks: http(s) only, a configured
 * host only, an address that is public (unless allowed) and that the connection is then pinned to,
 * a bounded number of redirects, a deadline, and a size limit enforced while streaming.
 * Non-2xx answers other than redirects are returned, not thrown: the caller decides what a 404 means.
 */
export async function guardedFetch(url: string, options: GuardedFetchOptions): Promise<FetchedPage> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  let current = url;
  for (let hop = 0; ; hop++) {
    const target = checkedUrl(current, options.allowedHosts);
    const address = await resolvePublicAddress(target.hostname, options.allowPrivate, options.resolve).catch((error: unknown) => {
      throw new WebFetchError(current, errorMessage(error));
    });
    const response = await send(target, address, options, signal);
    const location = response.headers.location;
    if (REDIRECTS.has(response.statusCode ?? 0) && location) {
      response.resume();
      if (hop >= options.maxRedirects) throw new WebFetchError(url, `more than ${options.maxRedirects} redirects`);
      current = new URL(location, target).href;
      continue;
    }
    const body = await readBody(response, current, options.maxBytes, signal);
    return { url: current, status: response.statusCode ?? 0, headers: response.headers, body };
  }
}

function checkedUrl(raw: string, allowedHosts: ReadonlySet<string>): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebFetchError(raw, 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new WebFetchError(raw, `only http and https URLs are fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new WebFetchError(raw, 'URLs with credentials are not fetched');
  if (!allowedHosts.has(url.hostname.toLowerCase())) {
    throw new WebFetchError(raw, `${url.hostname} is not one of the hosts in LORE_WEB_URLS; only those are fetched`);
  }
  return url;
}

function send(url: URL, address: ResolvedAddress, options: GuardedFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  // The connection goes to the address that was checked, whatever DNS says by the time it is opened.
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  };
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      lookup: pinned,
      agent: false,
      signal,
      headers: {
        'user-agent': options.userAgent,
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5',
        'accept-encoding': 'gzip, deflate, br',
        ...options.headers,
      },
    });
    req.on('response', resolve);
    req.on('error', (error) => reject(networkError(url.href, error, signal)));
    req.end();
  });
}

function readBody(response: IncomingMessage, url: string, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  const tooLarge = () => new WebFetchError(url, `response is larger than the ${formatBytes(maxBytes)} limit`);
  if (Number.isFinite(declared) && declared > maxBytes && !response.headers['content-encoding']) {
    response.destroy();
    return Promise.reject(tooLarge());
  }
  const stream = decoded(response);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy();
        stream.destroy();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', (error) => reject(networkError(url, error, signal)));
    response.on('error', (error) => reject(networkError(url, error, signal)));
    // An aborted or cut connection may close without an error event; the promise must still settle.
    response.on('close', () => {
      if (!response.complete) reject(networkError(url, new Error('connection closed before the response ended'), signal));
    });
  });
}

/** The body as the server meant it: compressed encodings are inflated, and counted against the limit inflated. */
function decoded(response: IncomingMessage): Readable {
  const encoding = String(response.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return response.pipe(createGunzip());
  if (encoding === 'deflate') return response.pipe(createInflate());
  if (encoding === 'br') return response.pipe(createBrotliDecompress());
  return response;
}

function networkError(url: string, error: Error, signal: AbortSignal): Error {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
    return timedOut ? new WebFetchError(url, 'timed out', { retryable: true, timedOut: true }) : (reason as Error);
  }
  return new WebFetchError(url, error.message, { retryable: true });
}
