import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../app/logger.ts';
import { answerEventStream, sseFrame, wantsEventStream } from '../../../app/http/server-sent-events.ts';
import type { AnswerEvent } from '../../../rag/contracts/answer-stream.ts';

const log = createLogger('silent');

async function collect(events: AsyncGenerator<AnswerEvent>): Promise<string> {
  const rest = events[Symbol.asyncIterator]();
  const first = await rest.next();
  let text = '';
  for await (const chunk of answerEventStream({ first, rest, onAnswer: () => {}, log, requestId: 'req-7' })) text += String(chunk);
  return text;
}

describe('server-sent events of an answer', () => {
  it('recognises a request for an event stream', () => {
    expect(wantsEventStream('text/event-stream')).toBe(true);
    expect(wantsEventStream('application/json, text/event-stream;q=0.9')).toBe(true);
    expect(wantsEventStream('application/json')).toBe(false);
    expect(wantsEventStream(undefined)).toBe(false);
  });

  it('keeps every frame to one data line, whatever the text holds', () => {
    expect(sseFrame('delta', { text: 'two\nlines\r\n\n' })).toBe('event: delta\ndata: {"text":"two\\nlines\\r\\n\\n"}\n\n');
  });

  it('turns a failure after the stream began into an error event, then ends', async () => {
    async function* failing(): AsyncGenerator<AnswerEvent> {
      yield { type: 'delta', text: 'Backups are' };
      yield { type: 'restart', reason: 'the model failed' };
      throw new Error('connect ECONNREFUSED 127.0.0.1:8000');
    }
    const text = await collect(failing());
    expect(text).toBe(
      'event: delta\ndata: {"text":"Backups are"}\n\n' +
        'event: restart\ndata: {"reason":"the model failed"}\n\n' +
        'event: error\ndata: {"error":"internal_error","message":"answering failed (request req-7); the server log has the details"}\n\n',
    );
    expect(text).not.toContain('ECONNREFUSED');
  });
});
