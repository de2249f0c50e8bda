import type { FastifyBaseLogger } from 'fastify';
import type { ChatStore } from '../../bot/conversation/chat-store.ts';
import type { Answer } from '../../rag/types.ts';

// Answers served over HTTP are kept in the same `answers` table as the ones posted in chat, so POST /feedback can
// attach a rating to one exactly as a reaction does. The answer id stands in for the thread and the message.

export const HTTP_PLATFORM = 'http';
export const HTTP_CHANNEL = 'http';

/** Saves an answer served to a key; resolves once it is stored (before the reader has it), and never rejects. */
export async function saveServedAnswer(store: ChatStore, answer: Answer, keyId: string, log: FastifyBaseLogger): Promise<void> {
  try {
    await store.saveAnswer({ answer, platform: HTTP_PLATFORM, channelId: HTTP_CHANNEL, threadId: answer.id, messageId: answer.id, userId: keyId });
  } catch (error) {
    // The reader still gets the answer; only feedback on it will not be possible.
    log.error({ err: error, answerId: answer.id }, 'saving the served answer failed');
  }
}

/** The stored answer a caller may rate: one served over HTTP to the same key. */
export async function findServedAnswer(store: ChatStore, answerId: string, keyId: string): Promise<{ id: string } | undefined> {
  const stored = await store.findAnswer(answerId);
  return stored && stored.platform === HTTP_PLATFORM && stored.userId === keyId ? stored : undefined;
}
