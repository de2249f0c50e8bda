// A scripted stand-in for Lore's HTTP API, on 127.0.0.1 and a random port, serving the real playground files
// under the real Content-Security-Policy. Tests decide byte by byte what POST /query and POST /feedback send,
// so the page's handling of split event frames, restarts, refusals and dropped connections can be checked
// in a browser without starting Lore.
import fs from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const PLAYGROUND_DIR = path.resolve('app/http/playground');
const STATIC: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/playground.js': ['playground.js', 'text/javascript; charset=utf-8'],
  '/playground.css': ['playground.css', 'text/css; charset=utf-8'],
};

export interface RecordedApiRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

export type ApiHandler = (request: RecordedApiRequest, res: ServerResponse) => void | Promise<void>;

export interface FakeLoreApi {
  url: string;
  /** Every POST, in order. */
  requests: RecordedApiRequest[];
  /** How POST /query answers from now on. */
  onQuery(handler: ApiHandler): void;
  /** How POST /feedback answers from now on (default: 200 `{ok:true}`). */
  onFeedback(handler: ApiHandler): void;
  close(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** One server-sent event in wire format. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Writes `wire` in pieces of `size` characters with a pause between, as a slow network would deliver it. */
export async function writeInPieces(res: ServerResponse, wire: string, size: number): Promise<void> {
  for (let i = 0; i < wire.length; i += size) {
    res.write(wire.slice(i, i + size));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export async function startFakeLoreApi(): Promise<FakeLoreApi> {
  const requests: RecordedApiRequest[] = [];
  let queryHandler: ApiHandler = (_request, res) => sendJson(res, 503, { error: 'unavailable', message: 'no script for /query' });
  let feedbackHandler: ApiHandler = (_request, res) => sendJson(res, 200, { ok: true });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = req.method === 'GET' ? STATIC[pathname] : undefined;
    if (file) {
      res.writeHead(200, { 'content-type': file[1], 'content-security-policy': "default-src 'self'" });
      res.end(fs.readFileSync(path.join(PLAYGROUND_DIR, file[0])));
      return;
    }
    if (req.method !== 'POST' || (pathname !== '/query' && pathname !== '/feedback')) {
      sendJson(res, 404, { error: 'not_found', message: `no route for ${req.method} ${pathname}` });
      return;
    }
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const request: RecordedApiRequest = { path: pathname, headers: req.headers, body: JSON.parse(raw) as Record<string, unknown> };
    requests.push(request);
    await (pathname === '/query' ? queryHandler : feedbackHandler)(request, res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'internal', message: (error as Error).message });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    onQuery: (handler) => (queryHandler = handler),
    onFeedback: (handler) => (feedbackHandler = handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
