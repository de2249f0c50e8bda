import type { SyncCursor } from '../connector.ts';

/** What the cursor remembers of a page: the validators for a conditional GET and the fingerprint they stand for. */
export interface PageState {
  /** Fingerprint (content hash) of the indexed version. */
  fingerprint: string;
  /** The page's ETag, sent back as If-None-Match. */
  etag?: string;
  /** The page's Last-Modified, sent back as If-Modified-Since. */
  lastModified?: string;
}

const PREFIX = 'page:';

/**
 * Every page the cursor knows. Cursors written before the fields had names (`f`, `e`, `m`) are read too, so an
 * existing install re-syncs with conditional requests instead of crawling everything again.
 */
export function readPageStates(cursor: SyncCursor): Map<string, PageState> {
  const states = new Map<string, PageState>();
  for (const [key, value] of Object.entries(cursor)) {
    if (!key.startsWith(PREFIX)) continue;
    const state = parsePageState(value);
    if (state) states.set(key.slice(PREFIX.length), state);
  }
  return states;
}

/** A damaged entry only costs an unconditional fetch of that page. */
function parsePageState(value: string): PageState | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const stored = parsed as Record<string, unknown>;
  const text = (name: string, legacy: string): string | undefined => {
    const found = stored[name] ?? stored[legacy];
    return typeof found === 'string' ? found : undefined;
  };
  const fingerprint = text('fingerprint', 'f');
  if (fingerprint === undefined) return undefined;
  const etag = text('etag', 'e');
  const lastModified = text('lastModified', 'm');
  return { fingerprint, ...(etag !== undefined ? { etag } : {}), ...(lastModified !== undefined ? { lastModified } : {}) };
}

/** The headers that make a GET of a page indexed before conditional: an unchanged page then costs a 304. */
export function conditionalHeaders(state: PageState | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (state?.etag) headers['if-none-match'] = state.etag;
  if (state?.lastModified) headers['if-modified-since'] = state.lastModified;
  return headers;
}

export function writePageStates(states: Map<string, PageState>): SyncCursor {
  const cursor: SyncCursor = {};
  for (const [url, state] of states) cursor[`${PREFIX}${url}`] = JSON.stringify(state);
  return cursor;
}
