// Downloads a file someone shared with Lore, for every platform: bounded retries on 429/5xx honouring Retry-After,
// a timeout per attempt, and the transfer aborted as soon as it passes the size limit, whatever the headers claimed.
// Each adapter decides first which hosts it trusts and which credentials (if any) go with the request.
import { UploadRefusedError } from './bot-services.ts';

const ATTEMPTS = 3;
const MAX_RETRY_AFTER_S = 30;

export interface DownloadUploadOptions {
  /** The file's name, for messages. */
  name: string;
  /** The platform serving it, for messages ("Slack did not serve …"). */
  platform: string;
  maxBytes: number;
  timeoutMs: number;
  headers?: Record<string, string>;
  /** `manual` where a redirect would carry credentials elsewhere; `error` where none is expected. */
  redirect: 'manual' | 'error';
  /** A hint appended to the error for an unexpected HTTP status (e.g. a missing scope, an expired link). */
  hint?: (status: number) => string;
}

export async function downloadUpload(url: URL, options: DownloadUploadOptions): Promise<Uint8Array> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, {
      ...(options.headers ? { headers: options.headers } : {}),
      redirect: options.redirect,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if ((response.status === 429 || response.status >= 500) && attempt < ATTEMPTS) {
      await response.body?.cancel();
      const retryAfter = Number(response.headers.get('retry-after'));
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, MAX_RETRY_AFTER_S) * 1000 : 500 * 2 ** attempt);
      continue;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`${options.platform} did not serve ${options.name}: HTTP ${response.status}${options.hint?.(response.status) ?? ''}`);
    }
    return readAtMost(response, options.maxBytes, options.name);
  }
}

/** The body, refusing (and aborting the transfer) as soon as it passes `maxBytes`. */
async function readAtMost(response: Response, maxBytes: number, name: string): Promise<Uint8Array> {
  const tooLarge = () => new UploadRefusedError(`${name} is too large: over the ${Math.round(maxBytes / (1024 * 1024))} MB limit.`);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
