// Downloads a file someone attached to a message. Discord serves attachments from its CDN at signed URLs that need
// no credentials: the bot token is never sent with them, and a URL pointing anywhere but Discord's CDN is refused
// rather than fetched. The transfer is aborted as soon as it passes the size limit, whatever the headers claimed.
import { UploadRefusedError } from '../conversation/bot-services.ts';

const CDN_HOSTS = new Set(['cdn.discordapp.com', 'media.discordapp.net']);
const ATTEMPTS = 3;
const MAX_RETRY_AFTER_S = 30;

export interface DownloadOptions {
  name: string;
  maxBytes: number;
  timeoutMs: number;
  /** Origins accepted besides Discord's CDN (a local fake in tests). */
  extraOrigins: readonly string[];
}

export async function downloadAttachment(rawUrl: string, options: DownloadOptions): Promise<Uint8Array> {
  const url = new URL(rawUrl);
  const trusted = (url.protocol === 'https:' && CDN_HOSTS.has(url.hostname)) || options.extraOrigins.includes(url.origin);
  if (!trusted) throw new UploadRefusedError(`${options.name} is not hosted by Discord (${url.origin}), so I won't download it.`);
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(options.timeoutMs) });
    if ((response.status === 429 || response.status >= 500) && attempt < ATTEMPTS) {
      await response.body?.cancel();
      const retryAfter = Number(response.headers.get('retry-after'));
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, MAX_RETRY_AFTER_S) * 1000 : 500 * 2 ** attempt);
      continue;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      // Attachment URLs are signed and expire: an old message's file must be shared again.
      const hint = response.status === 403 || response.status === 404 ? ' (the link may have expired: share the file again)' : '';
      throw new Error(`Discord did not serve ${options.name}: HTTP ${response.status}${hint}`);
    }
    return readAtMost(response, options.maxBytes, options.name);
  }
}

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
