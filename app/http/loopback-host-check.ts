import type { onRequestAsyncHookHandler } from 'fastify';
import { HttpError } from './http-error.ts';
import { hostOfHeader, isLoopbackHost } from './loopback.ts';

// Without API keys the only thing that admits a caller is that it reached a loopback address. A web page can still
// get there by rebinding its own domain to 127.0.0.1 (DNS rebinding): its requests are then same-origin to the
// browser, but they name the page's domain in `Host`. So a key-less API answers only requests addressed to a
// loopback name; anyone else needs a key (LORE_API_KEYS), which a rebinding page does not have.

/** onRequest hook for the key-less API routes: 403 unless `Host` names localhost, 127.0.0.0/8 or ::1. */
export function requireLoopbackHost(): onRequestAsyncHookHandler {
  return async (request) => {
    const host = hostOfHeader(request.headers.host);
    if (host !== undefined && isLoopbackHost(host)) return;
    throw new HttpError(
      403,
      'forbidden',
      `this API has no keys, so it answers only requests addressed to localhost (got Host: ${JSON.stringify((request.headers.host ?? '').slice(0, 100))}); set LORE_API_KEYS to call it by another name`,
    );
  };
}
