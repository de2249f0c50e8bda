import type { FastifyInstance } from 'fastify';
import type { PlatformStatus } from '../../chat-platform-supervisor.ts';
import type { Runtime } from '../../runtime.ts';
import { errorMessage } from '../../../rag/errors.ts';

// GET /health: liveness, the process answers (with what is indexed). GET /ready: readiness, the stores a question
// needs answer too: Chroma's heartbeat, and the store (SQLite, or PostgreSQL with DATABASE_URL) a query, each within a
// short timeout. A load balancer sends traffic only to a ready replica, and restarts only one that is not alive.
// Anyone can call them, so a failure's own text (a host, a path, a credential in a URL) stays in the log: the
// response says which store failed, and that the log says why.

export interface HealthRoutesOptions {
  runtime: Pick<Runtime, 'chunks' | 'sql' | 'vectors'>;
  /** How long Chroma's heartbeat may take (default 2 s). */
  readyTimeoutMs?: number;
  /** Each chat platform's connection. Shown, never a reason to refuse traffic: HTTP answers without any platform. */
  platforms?: () => Record<string, PlatformStatus>;
}

/** `reason` is for the log only; `shown` is what the response may say (never an error's own text). */
type Check = { ok: true } | { ok: false; reason: string; shown: string };

/** Said for a check that failed with an error: its text can name hosts, paths or credentials, so only the log has it. */
const FAILED = 'failed (the server log has the reason)';

export function registerHealthRoutes(app: FastifyInstance, options: HealthRoutesOptions): void {
  const { runtime } = options;
  const timeoutMs = options.readyTimeoutMs ?? 2_000;

  app.get('/health', async () => ({ status: 'ok', ...(await runtime.chunks.counts()) }));

  app.get('/ready', async (request, reply) => {
    const [chroma, store] = await Promise.all([
      withTimeout(() => runtime.vectors.heartbeat(), timeoutMs),
      withTimeout(() => selectOne(runtime), timeoutMs),
    ]);
    const dialect = runtime.sql.dialect;
    const storeName = dialect === 'postgres' ? 'PostgreSQL' : 'SQLite';
    const checks = { chroma: chroma.ok ? 'ok' : 'failed', [dialect]: store.ok ? 'ok' : 'failed' };
    const platforms = options.platforms?.();
    if (chroma.ok && store.ok) return { status: 'ready', checks, ...(platforms ? { platforms } : {}) };
    const failures = [chroma.ok ? undefined : `Chroma: ${chroma.reason}`, store.ok ? undefined : `${storeName}: ${store.reason}`].filter(Boolean);
    const shown = [chroma.ok ? undefined : `Chroma: ${chroma.shown}`, store.ok ? undefined : `${storeName}: ${store.shown}`].filter(Boolean);
    request.log.warn({ checks, failures }, 'not ready');
    return reply
      .code(503)
      .send({ status: 'unavailable', checks, ...(platforms ? { platforms } : {}), error: 'not_ready', message: `not ready: ${shown.join('; ')}` });
  });
}

async function withTimeout(check: () => Promise<void>, timeoutMs: number): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Check>((resolve) => {
    const reason = `no answer within ${timeoutMs} ms`;
    timer = setTimeout(() => resolve({ ok: false, reason, shown: reason }), timeoutMs);
  });
  try {
    return await Promise.race([
      check().then(
        (): Check => ({ ok: true }),
        (error: unknown): Check => ({ ok: false, reason: shortReason(error), shown: FAILED }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function selectOne(runtime: Pick<Runtime, 'sql'>): Promise<void> {
  const [row] = await runtime.sql.query<{ one: number }>('SELECT 1 AS one');
  if (Number(row?.one) !== 1) throw new Error('unexpected answer to SELECT 1');
}

function shortReason(error: unknown): string {
  const message = errorMessage(error);
  return message.replace(/\s+/g, ' ').slice(0, 200) || 'failed';
}
