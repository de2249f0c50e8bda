// Downloads a file someone attached to a message. Discord serves attachments from its CDN at signed URLs that need
// no credentials: the bot token is never sent with them, and a URL pointing anywhere but Discord's CDN is refused
// rather than fetched. The transfer is aborted as soon as it passes the size limit, whatever the headers claimed.
import { UploadRefusedError } from '../conversation/bot-services.ts';
import { downloadUpload } from '../conversation/download-upload.ts';

const CDN_HOSTS = new Set(['cdn.discordapp.com', 'media.discordapp.net']);

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
  return downloadUpload(url, {
    name: options.name,
    platform: 'Discord',
    maxBytes: options.maxBytes,
    timeoutMs: options.timeoutMs,
    redirect: 'error',
    // Attachment URLs are signed and expire: an old message's file must be shared again.
    hint: (status) => (status === 403 || status === 404 ? ' (the link may have expired: share the file again)' : ''),
  });
}
