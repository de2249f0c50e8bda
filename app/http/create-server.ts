import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { ChatStore } from '../../bot/conversation/chat-store.ts';
import type { Answerer } from '../../rag/contracts/answer-stream.ts';
import type { PlatformStatus } from '../chat-platform-supervisor.ts';
import type { Metrics } from '../metrics.ts';
import type { KeyLimiter } from '../rate-limit/key-limiter.ts';
import { MemoryKeyLimiter } from '../rate-limit/memory-key-limiter.ts';
import type { Runtime } from '../runtime.ts';
import { refuseCrossSiteReads, requireAdminKey } from './admin-key.ts';
import { ApiKeys, requireApiKey } from './api-keys.ts';
import { limitConcurrency } from './concurrency-limit.ts';
import { refuseCrossSiteRequests } from './cross-site-guard.ts';
import { installErrorHandling } from './error-handler.ts';
import { isLoopbackHost } from './loopback.ts';
import { requireLoopbackHost } from './loopback-host-check.ts';
import { limitRequests } from './rate-limit-hook.ts';
import { rawRoutesServerFactory, type RawRouteHandler } from './raw-routes.ts';
import { recordRequests } from './request-metrics.ts';
import { registerFeedbackRoute } from './routes/feedback.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerIngestRoute } from './routes/ingest.ts';
import { registerMetricsRoute } from './routes/metrics.ts';
import { registerPlaygroundRoutes } from './routes/playground.ts';
import { QUERY_PATTERN_HINTS, registerQueryRoute } from './routes/query.ts';
import { registerReportRoutes } from './routes/report.ts';

/*
 * Lore's HTTP API (Fastify), served by `lore start` on PORT.
 *
 * Listening: on LORE_HOST (default localhost: loopback only).
 * Authentication: when LORE_API_KEYS is set, POST /query, /feedback and /ingest need one of the keys, as
 * `Authorization: Bearer <key>` or `x-api-key: <key>`; otherwise 401 with `WWW-Authenticate: Bearer`. Without keys
 * they are open on loopback only, and then only to requests whose `Host` is a loopback name (403 otherwise); beyond
 * loopback they need a key anyway (every request 401 until keys are set) unless LORE_API_PUBLIC=true. Everything
 * else is open. The caller is known by its key id (12 hex digits of the key's sha256; `public` without keys). A key
 * limited to sources (`name:key:web+files`) is answered from those only, as a channel's scope; without `upload`
 * among them, POST /ingest refuses it (403 forbidden).
 * Cross-site requests: a POST a page on another origin made (`Sec-Fetch-Site` other than same-origin/none, or an
 * `Origin` that is not this host) is refused with 403 cross_site_request, whatever its content type.
 * Rate limit: LORE_API_RATE_PER_MINUTE requests per key (per client address without keys) over those three routes
 * together; past it 429 with `Retry-After: <seconds>`.
 * Errors: always JSON `{ "error": "<code>", "message": "<what is wrong>" }` (+ `"field"` naming the field of a
 * request that failed validation): 400 invalid_request, 401 unauthorized, 404 not_found, 413 payload_too_large
 * (JSON bodies over 64 KB, files over LORE_MAX_FILE_MB), 415 unsupported_media_type, 429 rate_limited,
 * 500 internal_error (with the request id; details only in the log).
 *
 * POST /query  application/json
 *   { question: string (1..4000 chars, not blank), k?: 1..20,
 *     sources?: ("files"|"upload"|"notion"|"github"|"web")[], history?: [{ role: "user"|"assistant", text }] (≤ 20),
 *     filters?: { modifiedAfter?: ISO date, modifiedBefore?: ISO date, repository?: "owner/repo" } }
 *   Unknown fields are refused. 200: the Answer JSON, exactly as `lore ask --json` prints it
 *   ({ id, question, answer, citations, contexts, mode, abstained, confidence, latencyMs, costUsd, usage, … }).
 *   With `Accept: text/event-stream`: server-sent events `delta` {text}, `restart` {reason} (the text so far is
 *   void), then `answer` {Answer}; a failure after the stream began is `error` {error, message}.
 *   Uploads made with the same key are searched; nobody else's. Every answer is stored, so it can be rated.
 * POST /feedback  application/json
 *   { answerId, rating: "up"|"down", reason?: string (≤ 500, only with "down") } records a rating (replacing this
 *   key's opposite one): 200 { answerId, rating, recorded: true }.
 *   { answerId, rating, retract: true } withdraws it: 200 { answerId, rating, retracted: boolean }.
 *   404 when no answer with that id was served to this key.
 * POST /ingest  multipart/form-data, one or more file parts (≤ 20)
 *   Each file: a supported type by extension (PDF, DOCX, HTML, Markdown, text, code), ≤ LORE_MAX_FILE_MB.
 *   Learned as the `upload` source, searchable by this key only; the same file name again updates it.
 *   200 / 207 (some failed, the rest indexed) / 422 (none indexed):
 *   { added, updated, unchanged, deleted, failed: [{ path: <file name>, error }] }.
 *   413 when a file is over the limit (nothing from that request is indexed); 415 when not multipart.
 * GET /health   200 { status: "ok", documents, chunks }  (liveness)
 * GET /ready    200 { status: "ready", checks: { chroma: "ok", sqlite: "ok" } }, or 503
 *               { status: "unavailable", checks: { chroma: "ok"|"failed", sqlite: … }, error: "not_ready", message }
 * GET /metrics  Prometheus text (lore_http_requests_total{route,method,status}, lore_http_request_duration_seconds{route},
 *               lore_api_rate_limited_total{route}, lore_feedback_total{platform,rating}, the answer metrics, …)
 * GET /, /playground.js, /playground.css  the web playground (Content-Security-Policy: default-src 'self', …)
 * GET /admin/report, /admin/report.json  the knowledge-gap report (app/http/routes/report.ts): only with a key of
 *               LORE_ADMIN_API_KEYS (Bearer, x-api-key or HTTP Basic password; 401 otherwise, even on loopback), and
 *               403 cross_site_request when a browser fetches it for another site's page.
 * POST /slack/events  Slack's HTTP mode, handed the raw request (Bolt checks the signature over the raw body).
 */

export const JSON_BODY_LIMIT_BYTES = 64 * 1024;

export interface HttpServerOptions {
  runtime: Pick<Runtime, 'config' | 'log' | 'db' | 'sql' | 'chunks' | 'vectors' | 'indexer'>;
  /** Answers questions (the answer service). */
  answers: Answerer;
  /** Served at GET /metrics, and where the API counts its requests. */
  metrics?: Metrics;
  /** Raw `POST <path>` handlers that must see the untouched request (Slack's HTTP mode). */
  rawRoutes?: ReadonlyMap<string, RawRouteHandler>;
  /** Per-key limiter; by default an in-process one at `config.api.ratePerMinute`, closed with the server. */
  limiter?: KeyLimiter;
  playgroundDir?: string;
  readyTimeoutMs?: number;
  /** Each chat platform's connection, shown at GET /ready. */
  platforms?: () => Record<string, PlatformStatus>;
  bodyLimitBytes?: number;
}

/** The API, ready to `listen`; `close()` finishes the requests in flight and stops. */
export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const { runtime, metrics } = options;
  const { config } = runtime;
  const bodyLimit = options.bodyLimitBytes ?? JSON_BODY_LIMIT_BYTES;
  // Typed as Fastify's logger interface, so the app is a plain FastifyInstance the route modules take.
  const log: FastifyBaseLogger = runtime.log.child({ component: 'http' });

  const app = Fastify({
    loggerInstance: log,
    // Requests are logged once, at debug, by recordRequests (without headers, so never a key).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    serverFactory: rawRoutesServerFactory({ routes: options.rawRoutes ?? new Map(), log, ...(metrics ? { metrics } : {}) }),
    // Refuse, never repair: no type coercion, no silent dropping of unknown fields.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    return503OnClosing: true,
  });

  const ownLimiter = options.limiter === undefined;
  // One process without Redis: a plain in-memory bucket (no timers on the request path).
  const limiter = options.limiter ?? new MemoryKeyLimiter({ perMinute: config.api.ratePerMinute, burst: config.api.burst });
  if (ownLimiter) app.addHook('onClose', async () => limiter.close());

  // On close, Fastify closes the idle keep-alive connections; one busy with an answer becomes idle only once the
  // answer is out, and would then hold the shutdown until its keep-alive timeout. It is closed as soon as it is idle.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onResponse', async () => {
    if (closing) setImmediate(() => app.server.closeIdleConnections());
  });

  app.decorateRequest('keyId', '');
  app.decorateRequest('keySources', null);
  // Only JSON bodies (and multipart on /ingest): anything else is an unsupported media type.
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });
  installErrorHandling(app, { bodyLimitBytes: bodyLimit, patternHints: QUERY_PATTERN_HINTS });
  recordRequests(app, metrics);
  app.addHook('onRequest', refuseCrossSiteRequests());

  const exposed = !isLoopbackHost(config.host);
  const keys = new ApiKeys(config.api.keys, { requireKey: exposed && !config.api.public });
  warnAboutExposure(log, config, exposed, keys);
  const guards = [
    // Without keys, being on this machine is what admits a caller: prove it by the name the request was sent to.
    ...(keys.required || config.api.public ? [] : [requireLoopbackHost()]),
    requireApiKey(keys),
    limitRequests({ limiter, perMinute: config.api.ratePerMinute, ...(metrics ? { metrics } : {}) }),
  ];
  const store = new ChatStore(runtime.sql);
  registerHealthRoutes(app, {
    runtime,
    ...(options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    ...(options.platforms ? { platforms: options.platforms } : {}),
  });
  if (metrics) registerMetricsRoute(app, metrics);
  const answering = limitConcurrency({ max: config.api.maxConcurrentQueries, ...(metrics ? { metrics } : {}) });
  registerQueryRoute(app, { answers: options.answers, store, guards: [...guards, answering] });
  registerFeedbackRoute(app, { store, guards, ...(metrics ? { metrics } : {}) });
  await registerIngestRoute(app, { runtime, guards });
  registerPlaygroundRoutes(app, options.playgroundDir);
  registerReportRoutes(app, {
    sql: runtime.sql,
    queryLogDays: config.queryLogDays,
    guards: [
      refuseCrossSiteReads(),
      requireAdminKey(new ApiKeys(config.api.adminKeys, { requireKey: true })),
      limitRequests({ limiter, perMinute: config.api.ratePerMinute, ...(metrics ? { metrics } : {}) }),
    ],
  });
  await app.ready();
  return app;
}

/** Says at start who can use the API when it is reachable beyond this machine. */
function warnAboutExposure(log: FastifyBaseLogger, config: HttpServerOptions['runtime']['config'], exposed: boolean, keys: ApiKeys): void {
  if (!exposed) return;
  if (keys.refusesAll) {
    log.warn(
      { host: config.host },
      'the HTTP API listens beyond loopback without API keys: /query, /feedback and /ingest refuse every request until LORE_API_KEYS is set (or LORE_API_PUBLIC=true)',
    );
  } else if (config.api.public && config.api.keys.length === 0) {
    log.warn(
      { host: config.host },
      'LORE_API_PUBLIC=true: anyone who can reach this address can query every source, spend the language-model budget and upload documents',
    );
  }
}

/**
 * Listens on LORE_HOST: `localhost` is every loopback address it resolves to (127.0.0.1 and ::1). `::` is every
 * interface, falling back to 0.0.0.0 on a host without IPv6.
 */
export async function listenOnConfiguredHost(app: FastifyInstance, host: string, port: number): Promise<void> {
  try {
    await app.listen({ port, host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (host !== '::' || (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL')) throw error;
    await app.listen({ port, host: '0.0.0.0' });
  }
}
