// Nothing fails silently in chat: whatever went wrong, the thread gets a short message saying what happened and
// what to try. The full error goes to the logs; the reader gets one line, with secrets redacted. Errors are told
// apart by class and code (rag/errors.ts), never by their wording.
import { redactSecrets } from '../../rag/cite/redact-secrets.ts';
import { SyncBusyError } from '../../rag/contracts/sync.ts';
import { UploadRefusedError } from './bot-services.ts';
import { describeUnavailable, PlatformUnavailableError } from './platform-unavailable.ts';
import { QueueFullError } from './question-limiter.ts';
import { errorMessage, isTimeout } from '../../rag/errors.ts';

const MAX_REASON = 160;

/** A Markdown message for the thread. */
export function friendlyError(error: unknown, doing = 'answering'): string {
  if (error instanceof QueueFullError) {
    return 'You already have several questions waiting. Please try again in a minute.';
  }
  if (error instanceof SyncBusyError) {
    return `A sync of ${error.source} is already running. Try again when it finishes (\`/lore status\` shows progress).`;
  }
  if (error instanceof UploadRefusedError) return error.message;
  if (error instanceof PlatformUnavailableError) {
    return `Sorry, I couldn't finish ${doing}: ${describeUnavailable(error)}. Please try again in a minute.`;
  }
  if (isTimeout(error)) {
    return `Sorry, ${doing} took too long and I gave up. Please try again in a moment.`;
  }
  if (isConnectionFailure(error)) {
    return `Sorry, something went wrong while ${doing}: a service I depend on is unreachable. Please try again in a minute; if it keeps happening, ask an admin to check Lore's logs.`;
  }
  return `Sorry, something went wrong while ${doing} (${reasonOf(error)}). Please try again in a moment; if it keeps happening, ask an admin to check Lore's logs.`;
}

function reasonOf(error: unknown): string {
  const message = errorMessage(error);
  const line = redactSecrets(message.split('\n')[0] ?? '').text.trim() || 'unknown error';
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line;
}

function isConnectionFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return true;
    if (e.message === 'fetch failed') return true;
  }
  return false;
}
