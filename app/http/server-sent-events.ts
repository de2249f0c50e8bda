import { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { AnswerEvent } from '../../rag/contracts/answer-stream.ts';
import type { Answer } from '../../rag/types.ts';

// An answer as server-sent events: `delta` ({text}) as the text is written, `restart` ({reason}) when what was
// streamed so far is void, then one `answer` (the Answer JSON). A failure once the stream has begun can no longer
// be a status code: it is an `error` event ({error, message}) and the stream ends.

/** True when the client asked for an event stream. */
export function wantsEventStream(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(accept);
}

export function sseFrame(event: string, data: unknown): string {
  // JSON.stringify escapes every line break, so the data is always one `data:` line.
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export interface AnswerStreamOptions {
  /** The first event, already taken (so that a failure before it was still a plain HTTP error). */
  first: IteratorResult<AnswerEvent>;
  rest: AsyncIterator<AnswerEvent>;
  /** Awaited before the answer is sent, so that the reader can rate it as soon as they have it. */
  onAnswer: (answer: Answer) => Promise<void> | void;
  log: FastifyBaseLogger;
  requestId: string;
}

/**
 * The event stream as a Readable. When the client goes away the stream is destroyed, which ends the answer's
 * generator (its `finally` blocks run): nothing is left running for nobody, and nothing else is affected.
 */
export function answerEventStream(options: AnswerStreamOptions): Readable {
  return Readable.from(frames(options), { objectMode: false });
}

async function* frames({ first, rest, onAnswer, log, requestId }: AnswerStreamOptions): AsyncGenerator<string> {
  try {
    for (let next = first; !next.done; next = await rest.next()) {
      const event = next.value;
      switch (event.type) {
        case 'delta':
          yield sseFrame('delta', { text: event.text });
          break;
        case 'restart':
          yield sseFrame('restart', { reason: event.reason });
          break;
        case 'answer':
          await onAnswer(event.answer);
          yield sseFrame('answer', event.answer);
          break;
      }
    }
  } catch (error) {
    log.error({ err: error }, 'answering failed after the event stream began');
    yield sseFrame('error', { error: 'internal_error', message: `answering failed (request ${requestId}); the server log has the details` });
  } finally {
    // Stops the answer when the client left mid-stream; a no-op once it is complete.
    await Promise.resolve(rest.return?.()).catch((error: unknown) => log.warn({ err: error }, 'stopping the answer failed'));
  }
}
