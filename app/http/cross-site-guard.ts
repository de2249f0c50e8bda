import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { HttpError } from './http-error.ts';

// A web page an employee opens can make their browser post to Lore: a form or `fetch(…, { mode: 'no-cors' })` sends
// multipart/form-data or text/plain to another origin without asking first, with the browser's network position
// (Lore on their laptop or intranet). Such a request is refused before anything is read, whatever its content type.
// Browsers say where a request comes from in headers a page cannot set: `Sec-Fetch-Site` (every current browser) and
// `Origin` (every POST). A request with neither is not from a browser page (curl, a server), so nothing was forged.

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Sec-Fetch-Site values of a request the page's own origin, or the user (typed, bookmarked), made. */
const OWN_SITE = new Set(['same-origin', 'none']);

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** True when the Origin header names the host the request was sent to. */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    // `Origin: null` (a sandboxed frame, a file:// page) or garbage: not this server's origin.
    return false;
  }
}

/** onRequest hook for every route: refuses state-changing requests a page on another origin made. */
export function refuseCrossSiteRequests(): onRequestAsyncHookHandler {
  return async (request) => {
    if (SAFE_METHODS.has(request.method)) return;
    const site = header(request, 'sec-fetch-site');
    const origin = header(request, 'origin');
    const crossSite = site !== undefined ? !OWN_SITE.has(site.toLowerCase()) : origin !== undefined && !isOwnOrigin(origin, request.headers.host);
    if (!crossSite) return;
    throw new HttpError(
      403,
      'cross_site_request',
      `${request.method} ${request.url.split('?')[0]} refuses requests made by a page on another origin (${origin ?? `Sec-Fetch-Site: ${site}`}): use the playground Lore serves, or call the API from a server`,
    );
  };
}
