// How every surface receives an answer: a stream of events ending in the answer. The pipeline (rag/), the answer
// service around it (app/), the chat adapters (bot/), the HTTP API, the command line and the release gate all
// speak this one interface.
import type { Answer, Question } from '../types.ts';

/** What a streaming consumer (a chat adapter updating its message) sees. */
export type AnswerEvent =
  | { type: 'delta'; text: string }
  /** The text streamed so far is void (the generator failed and the fallback starts over). */
  | { type: 'restart'; reason: string }
  | { type: 'answer'; answer: Answer };

/** Anything that answers a question: the answer pipeline, the answer service. */
export interface Answerer {
  stream(question: Question): AsyncIterable<AnswerEvent>;
}

/** Reads a stream of answer events to its end and returns the answer it ended with. */
export async function finalAnswer(events: AsyncIterable<AnswerEvent>): Promise<Answer> {
  let answer: Answer | undefined;
  for await (const event of events) if (event.type === 'answer') answer = event.answer;
  if (!answer) throw new Error('the answer stream ended without an answer');
  return answer;
}
