import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.ts';

// One debug line and two metrics per request: `lore_http_requests_total{route,method,status}` and
// `lore_http_request_duration_seconds{route}`. `route` is the route pattern (`/query`), never the raw URL, so a
// scan of random paths adds one series (`unmatched`), not one per path.

export function recordRequests(app: FastifyInstance, metrics?: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
    const status = reply.statusCode;
    const seconds = reply.elapsedTime / 1000;
    request.log.debug(
      { method: request.method, route, status, ms: Math.round(reply.elapsedTime), caller: request.keyId || undefined },
      'request served',
    );
    metrics?.increment('lore_http_requests_total', { route, method: request.method, status: String(status) });
    metrics?.observe('lore_http_request_duration_seconds', { route }, seconds);
  });
}

/** The same two metrics for a raw route (Slack's), served before Fastify sees the request. */
export function recordRawRequest(metrics: Metrics | undefined, route: string, method: string, status: number, seconds: number): void {
  metrics?.increment('lore_http_requests_total', { route, method, status: String(status) });
  metrics?.observe('lore_http_request_duration_seconds', { route }, seconds);
}
