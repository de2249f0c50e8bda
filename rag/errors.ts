// The one shape of Lore's errors, at the lowest layer so every folder can use it. Each error Lore raises is a
// LoreError with a stable `code` (snake_case, never reworded) that the chat, HTTP and command-line error paths
// recognise it by; its message is for people and may change. Logs carry an error under the key `err` (pino's
// error serializer).

/** The base of every error Lore raises itself. */
export abstract class LoreError extends Error {
  /** Stable and machine-readable, e.g. `sync_busy`, `timeout`, `upload_refused`. */
  abstract readonly code: string;
}

/** The message of anything thrown: an Error's message, or the value itself as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether `error`, or an error it was caused by, is a LoreError with `code`. */
export function hasErrorCode(error: unknown, code: string): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof LoreError && e.code === code) return true;
  }
  return false;
}

/**
 * Whether `error` is something taking too long: a LoreError coded `timeout`, the platform's `TimeoutError`
 * (`AbortSignal.timeout`) or a socket's `ETIMEDOUT`, itself or as the cause of what was thrown.
 */
export function isTimeout(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ((e instanceof LoreError && e.code === 'timeout') || e.name === 'TimeoutError') return true;
    if ((e as NodeJS.ErrnoException).code === 'ETIMEDOUT') return true;
  }
  return false;
}
