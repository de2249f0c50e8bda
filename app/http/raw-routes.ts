import http from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { Metrics } from '../metrics.ts';
import { recordRawRequest } from './request-metrics.ts';

// Routes that must see the request exactly as it arrived: Slack's HTTP mode (`POST /slack/events`) verifies its
// signature over the raw body, so its handler gets the untouched node request before Fastify parses a byte. Every
// other request goes on to Fastify.

export type RawRouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface RawRoutesOptions {
  /** `POST <path>` handlers. */
  routes: ReadonlyMap<string, RawRouteHandler>;
  log: FastifyBaseLogger;
  metrics?: Metrics;
}

function pathnameOf(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

/** A Fastify `serverFactory`: an HTTP server that hands raw routes their requests and passes the rest to Fastify. */
export function rawRoutesServerFactory(options: RawRoutesOptions) {
  const { routes, log, metrics } = options;
  return (fastify: (req: http.IncomingMessage, res: http.ServerResponse) => void): http.Server =>
    http.createServer((req, res) => {
      const path = req.method === 'POST' && routes.size > 0 ? pathnameOf(req.url) : undefined;
      const route = path === undefined ? undefined : routes.get(path);
      if (!route || path === undefined) {
        fastify(req, res);
        return;
      }
      const started = performance.now();
      res.once('finish', () => recordRawRequest(metrics, path, 'POST', res.statusCode, (performance.now() - started) / 1000));
      try {
        route(req, res);
      } catch (error) {
        log.error({ err: error, route: path }, 'request handler failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: 'internal_error', message: 'the request failed on the server; the server log has the details' }));
      }
    });
}
