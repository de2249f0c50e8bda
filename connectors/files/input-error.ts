import { LoreError } from '../../rag/errors.ts';
/**
 * Something wrong with a file the user gave us (missing, too large, corrupt, wrong type…).
 * Callers report it next to the file and carry on with the rest of the batch; any other
 * error is a bug or an environment failure and should not be shown as the user's fault.
 */
export class InputError extends LoreError {
  override readonly code: string = 'unreadable_input';
  override readonly name = 'InputError';
  /** The same content fails the same way again: retried only once it changes (see IndexSummary.retryableFailures). */
  readonly permanent = true;

  constructor(
    /** The file as the user should recognise it (relative to the working directory when inside it). */
    readonly path: string,
    /** Why it was refused, in words a user can act on. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${reason}`, options);
  }
}
