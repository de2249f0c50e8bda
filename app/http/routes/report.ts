import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { SqlDatabase } from '../../../rag/contracts/sql-database.ts';
import { buildGapReport, parseSince, type GapReport } from '../../report/gap-report.ts';
import { REPORT_STYLESHEET, REPORT_STYLESHEET_PATH, renderReportPage } from '../../report/render-report-page.ts';
import { HttpError } from '../http-error.ts';
import { PLAYGROUND_CSP } from './playground.ts';

// The knowledge-gap report over HTTP, for admins: GET /admin/report (the page, charts drawn on the server) and
// GET /admin/report.json (what `lore report --json` prints), both behind the admin key and refused cross-site
// (the guards). `?since=2026-11-01` moves the window's start, `?staleDays=90` the age of a stale document. The
// page loads nothing but its own stylesheet, under the playground's Content-Security-Policy.

export interface ReportRouteOptions {
  /** The store the query log and the chat's tables are in (the runtime's seam). */
  sql: SqlDatabase;
  /** LORE_QUERY_LOG_DAYS: the default window. */
  queryLogDays: number;
  /** The admin key check, the cross-site refusal and the rate limit, in order. */
  guards: onRequestAsyncHookHandler[];
}

interface ReportQuery {
  since?: string;
  staleDays?: string;
}

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: { type: 'string', maxLength: 40 },
    staleDays: { type: 'string', pattern: '^[0-9]{1,5}$' },
  },
} as const;

/** Nothing an admin page shows may be kept by a cache or shown in a frame. */
const PRIVATE_HEADERS = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' } as const;

export function registerReportRoutes(app: FastifyInstance, options: ReportRouteOptions): void {
  const report = (query: ReportQuery): Promise<GapReport> => {
    let since: Date | undefined;
    try {
      since = query.since === undefined ? undefined : parseSince(query.since);
    } catch (error) {
      throw new HttpError(400, 'invalid_request', (error as Error).message, {}, 'since');
    }
    return buildGapReport(options.sql, {
      queryLogDays: options.queryLogDays,
      ...(since ? { since } : {}),
      ...(query.staleDays !== undefined ? { staleAfterDays: Number(query.staleDays) } : {}),
    });
  };

  app.get<{ Querystring: ReportQuery }>(
    '/admin/report',
    { onRequest: options.guards, schema: { querystring: querySchema } },
    async (request, reply) => {
      const body = renderReportPage(await report(request.query));
      // Who looked at every channel's questions, by key id only.
      request.log.info({ keyId: request.keyId, route: '/admin/report' }, 'admin report served');
      return reply.type('text/html; charset=utf-8').headers(PRIVATE_HEADERS).header('content-security-policy', PLAYGROUND_CSP).send(body);
    },
  );

  app.get<{ Querystring: ReportQuery }>(
    '/admin/report.json',
    { onRequest: options.guards, schema: { querystring: querySchema } },
    async (request, reply) => {
      const body = await report(request.query);
      request.log.info({ keyId: request.keyId, route: '/admin/report.json' }, 'admin report served');
      return reply.headers(PRIVATE_HEADERS).send(body);
    },
  );

  app.get(REPORT_STYLESHEET_PATH, { onRequest: options.guards }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').headers(PRIVATE_HEADERS).send(REPORT_STYLESHEET),
  );
}
