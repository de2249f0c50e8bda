import { describe, expect, it } from 'vitest';
import { UploadRefusedError } from '../../../bot/conversation/bot-services.ts';
import { SyncBusyError } from '../../../rag/contracts/sync.ts';
import { AttemptTimeoutError, RetryError } from '../../../rag/retry.ts';
import { ChromaTimeoutError } from '../../../rag/store/chroma-store.ts';
import { friendlyError } from '../../../bot/conversation/friendly-error.ts';
import { QueueFullError } from '../../../bot/conversation/question-limiter.ts';

describe('friendlyError', () => {
  it('says what happened and what to try, for the failures it knows', () => {
    expect(friendlyError(new QueueFullError('x'))).toMatch(/try again in a minute/);
    expect(friendlyError(new SyncBusyError('notion'))).toBe(
      'A sync of notion is already running. Try again when it finishes (`/lore status` shows progress).',
    );
    expect(friendlyError(new UploadRefusedError('the file is empty.'))).toBe('the file is empty.');
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    expect(friendlyError(timeout)).toMatch(/^Sorry, answering took too long/);
    expect(friendlyError(new RetryError('gave up', 3, new AttemptTimeoutError(5_000)))).toMatch(/^Sorry, answering took too long/);
    expect(friendlyError(new ChromaTimeoutError('Chroma did not answer query within 10000 ms'))).toMatch(/took too long/);
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' }),
    });
    expect(friendlyError(refused, 'syncing')).toMatch(/^Sorry, something went wrong while syncing: a service I depend on is unreachable/);
  });

  it('gives one short line of any other error, with secrets redacted', () => {
    const message = friendlyError(new Error(`bad token xoxb-123456789012-123456789012-abcdefghijklmnopqrstuvwx\nstack line`));
    expect(message).toMatch(/^Sorry, something went wrong while answering \(bad token \[redacted\]\)\. Please try again/);
    expect(friendlyError(new Error('y'.repeat(500)))).toMatch(/\(y{159}…\)/);
  });
});
