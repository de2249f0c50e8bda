import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UploadRefusedError } from '../../../bot/conversation/bot-services.ts';
import { downloadAttachment } from '../../../bot/discord/attachment-download.ts';

// A stand-in for Discord's CDN on 127.0.0.1: serves files, and fails on demand.
let server: Server;
let origin: string;
const requests: { path: string; headers: IncomingHttpHeaders }[] = [];
let failuresLeft = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    if (req.url?.startsWith('/flaky') && failuresLeft > 0) {
      failuresLeft -= 1;
      res.writeHead(503, { 'retry-after': '1' });
      res.end();
      return;
    }
    if (req.url?.startsWith('/gone')) {
      res.writeHead(404);
      res.end();
      return;
    }
    const big = req.url?.startsWith('/big');
    // Chunked, without a length: the limit must hold while reading, not only on the header.
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(big ? 'x'.repeat(5_000) : 'hello');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const options = () => ({ name: 'notes.txt', maxBytes: 1_000, timeoutMs: 5_000, extraOrigins: [origin] });

describe('downloading an attachment', () => {
  it('fetches it without any credentials', async () => {
    const bytes = await downloadAttachment(`${origin}/attachments/1/notes.txt`, options());
    expect(Buffer.from(bytes).toString()).toBe('hello');
    expect(requests.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('refuses a URL that is not Discord’s CDN, without fetching it', async () => {
    const before = requests.length;
    await expect(downloadAttachment(`${origin}/attachments/1/notes.txt`, { ...options(), extraOrigins: [] })).rejects.toThrow(UploadRefusedError);
    await expect(downloadAttachment('http://cdn.discordapp.com/attachments/1/notes.txt', { ...options(), extraOrigins: [] })).rejects.toThrow(
      /not hosted by Discord/,
    );
    expect(requests.length).toBe(before);
  });

  it('stops reading past the size limit, whatever the headers said', async () => {
    await expect(downloadAttachment(`${origin}/big/notes.txt`, options())).rejects.toThrow(/notes\.txt is too large/);
  });

  it('retries a server error after the time Retry-After asks for', async () => {
    failuresLeft = 1;
    const started = Date.now();
    const bytes = await downloadAttachment(`${origin}/flaky/notes.txt`, options());
    expect(Buffer.from(bytes).toString()).toBe('hello');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('explains an expired link', async () => {
    await expect(downloadAttachment(`${origin}/gone/notes.txt`, options())).rejects.toThrow(
      /HTTP 404 \(the link may have expired: share the file again\)/,
    );
  });
});
