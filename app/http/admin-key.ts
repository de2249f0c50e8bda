import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { type ApiKeys, presentedKey } from './api-keys.ts';
import { HttpError } from './http-error.ts';

// The admin routes (the knowledge-gap report) show every channel's questions, so they take their own keys
// (LORE_ADMIN_API_KEYS), never a query key, and refuse without one whatever else is configured: there is no open
// loopback mode for them. A browser opening the page sends the key as HTTP Basic credentials (any user name, the
// key as password) after the prompt the 401's `WWW-Authenticate: Basic` brings up; scripts send it as for the API.
// A page on another site must not be able to make the browser fetch the report with those remembered
// credentials, nor frame it: reads are refused unless the browser says the request is the page's own or typed.

const CHALLENGE = 'Basic realm="Lore admin", charset="UTF-8", Bearer realm="Lore admin"';

/** The password of `Authorization: Basic …`, if that is what the request carries. */
function basicPassword(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const match = /^Basic[ \t]+([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1) || undefined;
}

/** onRequest hook: 401 unless the request presents one of the admin keys; records the admin key's id as the caller. */
export function requireAdminKey(adminKeys: ApiKeys): onRequestAsyncHookHandler {
  return async (request) => {
    request.keySources = null;
    if (adminKeys.refusesAll) {
      throw new HttpError(401, 'unauthorized', 'the admin pages need an admin key, and none is configured: set LORE_ADMIN_API_KEYS', {
        'www-authenticate': CHALLENGE,
      });
    }
    const presented = basicPassword(request) ?? presentedKey(request);
    if (presented === undefined) {
      throw new HttpError(
        401,
        'unauthorized',
        'an admin key is required: send it as "Authorization: Bearer <key>", "x-api-key: <key>" or as the password of HTTP Basic',
        {
          'www-authenticate': CHALLENGE,
        },
      );
    }
    const caller = adminKeys.identify(presented);
    if (caller === undefined) throw new HttpError(401, 'unauthorized', 'the admin key is not valid', { 'www-authenticate': CHALLENGE });
    request.keyId = caller.keyId;
  };
}

/** Sec-Fetch-Site values of a request the page's own origin, or the user (typed, bookmarked), made. */
const OWN_SITE = new Set(['same-origin', 'none']);

/**
 * onRequest hook for admin reads: refuses a request a browser made for another site's page (a link followed from
 * elsewhere, an <img>, a fetch), which would carry the remembered Basic credentials. A request without
 * Sec-Fetch-Site is not from a current browser's page (curl, a script) and passes to the key check.
 */
export function refuseCrossSiteReads(): onRequestAsyncHookHandler {
  return async (request) => {
    const header = request.headers['sec-fetch-site'];
    const site = Array.isArray(header) ? header[0] : header;
    if (site === undefined || OWN_SITE.has(site.toLowerCase())) return;
    throw new HttpError(
      403,
      'cross_site_request',
      `${request.url.split('?')[0]} is only served to a page of this server or an address typed in (Sec-Fetch-Site: ${site}): open it directly`,
    );
  };
}
