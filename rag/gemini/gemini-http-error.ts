import { LoreError } from '../errors.ts';
// Gemini HTTP failures with what a retry needs to know (status, Retry-After), for every Gemini caller.

/** An HTTP failure from the Gemini API. Its message never holds the API key. */
export class GeminiHttpError extends LoreError {
  override readonly code: string = 'gemini_http_error';
  constructor(
    message: string,
    readonly status: number,
    /** From the `Retry-After` header, else from the `RetryInfo.retryDelay` Google puts in 429 bodies. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = 'GeminiHttpError';
  }
}

/** Replaces every occurrence of `secret` (the API key) in `text`. */
export function redactKey(text: string, secret: string): string {
  return secret.length > 0 ? text.split(secret).join('[redacted]') : text;
}

function retryAfterFromHeader(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

interface GoogleErrorBody {
  error?: { message?: unknown; status?: unknown; details?: Array<{ '@type'?: unknown; retryDelay?: unknown }> };
}

/** Reads a non-2xx response into a `GeminiHttpError` (Google's JSON error body when there is one). */
export async function toGeminiHttpError(response: Response, apiKey: string): Promise<GeminiHttpError> {
  const raw = await response.text().catch(() => '');
  let detail = raw.slice(0, 500);
  let retryDelayMs: number | undefined;
  try {
    const body = JSON.parse(raw) as GoogleErrorBody;
    const error = body.error;
    if (error) {
      detail = [error.status, error.message].filter((part) => typeof part === 'string' && part !== '').join(': ') || detail;
      const retryInfo = error.details?.find((d) => typeof d['@type'] === 'string' && d['@type'].endsWith('google.rpc.RetryInfo'));
      const delay = typeof retryInfo?.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(retryInfo.retryDelay) : null;
      if (delay) retryDelayMs = Number(delay[1]) * 1000;
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): the raw text, shortened, is the best description there is.
  }
  const retryAfterMs = retryAfterFromHeader(response.headers.get('retry-after')) ?? retryDelayMs;
  return new GeminiHttpError(redactKey(`HTTP ${response.status}${detail ? ` ${detail}` : ''}`, apiKey), response.status, retryAfterMs);
}
