import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { ApiKeySpec } from '../api-key-entries.ts';
import type { SourceKind } from '../../rag/types.ts';
import { HttpError } from './http-error.ts';

// API keys (LORE_API_KEYS). A request names its key as `Authorization: Bearer <key>` or `x-api-key: <key>`; the
// key is compared by its sha256 digest, in constant time, against every configured key. Past this point a caller is
// known only by its key id, a short prefix of that digest: it scopes uploads and feedback and names the caller in
// logs and stored answers, and cannot be turned back into the key. A key limited to some sources carries them to the
// routes, which answer it from those sources only (as a channel's scope does).

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling: the key id, or `public` when the API has no keys. Set by `requireApiKey`. */
    keyId: string;
    /** The only sources the caller's key may be answered from; null: every source. Set by `requireApiKey`. */
    keySources: readonly SourceKind[] | null;
  }
}

/** The caller's identity when no keys are configured. */
export const PUBLIC_KEY_ID = 'public';

const KEY_ID_LENGTH = 12;

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The id a key is known by: 12 hex digits of its sha256. */
export function keyIdOf(key: string): string {
  return digest(key).toString('hex').slice(0, KEY_ID_LENGTH);
}

/** A configured key, as a request that presented it is known. */
export interface Caller {
  keyId: string;
  /** Undefined: every source. */
  sources?: readonly SourceKind[];
}

export interface ApiKeysOptions {
  /**
   * Require a key even when none is configured (the API is reachable beyond loopback and not declared public):
   * then every request is refused, saying how to configure keys.
   */
  requireKey?: boolean;
}

export class ApiKeys {
  private readonly known: Array<{ digest: Buffer; caller: Caller }>;
  private readonly requireKey: boolean;

  constructor(keys: readonly ApiKeySpec[], options: ApiKeysOptions = {}) {
    this.known = keys.map(({ key, sources }) => ({ digest: digest(key), caller: { keyId: keyIdOf(key), ...(sources ? { sources } : {}) } }));
    this.requireKey = options.requireKey ?? false;
  }

  /** True when requests must carry a key. */
  get required(): boolean {
    return this.requireKey || this.known.length > 0;
  }

  /** True when keys are required but there are none to present. */
  get refusesAll(): boolean {
    return this.required && this.known.length === 0;
  }

  /** The configured key presented, or undefined. */
  identify(presented: string): Caller | undefined {
    const candidate = digest(presented);
    let match: Caller | undefined;
    // Every configured key is compared, matched or not: how long this takes says nothing about which key, if any, matched.
    for (const { digest: known, caller } of this.known) if (timingSafeEqual(known, candidate)) match = caller;
    return match;
  }
}

/** The key a request presents, if any. */
export function presentedKey(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const bearer = /^Bearer[ \t]+(\S.*)$/i.exec(authorization.trim());
    if (bearer?.[1]) return bearer[1].trim();
  }
  const header = request.headers['x-api-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return key?.trim() || undefined;
}

/** onRequest hook: refuses a missing or unknown key with 401 and records the caller's key id and sources. */
export function requireApiKey(keys: ApiKeys): onRequestAsyncHookHandler {
  return async (request) => {
    request.keySources = null;
    if (!keys.required) {
      request.keyId = PUBLIC_KEY_ID;
      return;
    }
    if (keys.refusesAll) {
      throw new HttpError(
        401,
        'unauthorized',
        `Lore listens beyond loopback (LORE_HOST) and has no API keys: set LORE_API_KEYS, or LORE_API_PUBLIC=true to let anyone who can reach it use the API`,
        {
          'www-authenticate': 'Bearer realm="lore"',
        },
      );
    }
    const presented = presentedKey(request);
    if (presented === undefined) {
      throw new HttpError(401, 'unauthorized', 'an API key is required: send it as "Authorization: Bearer <key>" or "x-api-key: <key>"', {
        'www-authenticate': 'Bearer realm="lore"',
      });
    }
    const caller = keys.identify(presented);
    if (caller === undefined) {
      throw new HttpError(401, 'unauthorized', 'the API key is not valid', {
        'www-authenticate': 'Bearer realm="lore", error="invalid_token"',
      });
    }
    request.keyId = caller.keyId;
    request.keySources = caller.sources ?? null;
  };
}
