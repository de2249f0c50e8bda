import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { cleanFeedbackReason, MAX_FEEDBACK_REASON_CHARS, type ChatStore, type Rating } from '../../../bot/conversation/chat-store.ts';
import type { Metrics } from '../../metrics.ts';
import { HttpError } from '../http-error.ts';
import { findServedAnswer, HTTP_CHANNEL, HTTP_PLATFORM } from '../served-answers.ts';

// POST /feedback: a 👍/👎 on an answer this API key was served, recorded in the table chat reactions use and counted
// in the same metric (`lore_feedback_total{platform="http",rating}`). A key holds one rating per answer: rating
// it again the other way replaces the earlier one. `retract: true` withdraws a rating (the row is kept).

export interface FeedbackBody {
  answerId: string;
  rating: Rating;
  reason?: string;
  retract?: boolean;
}

export const feedbackSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['answerId', 'rating'],
    properties: {
      answerId: { type: 'string', minLength: 1, maxLength: 100 },
      rating: { type: 'string', enum: ['up', 'down'] },
      reason: { type: 'string', maxLength: MAX_FEEDBACK_REASON_CHARS },
      retract: { type: 'boolean' },
    },
  },
} as const;

const EMOJI: Readonly<Record<Rating, string>> = { up: '👍', down: '👎' };

export interface FeedbackRouteOptions {
  store: ChatStore;
  metrics?: Metrics;
  guards: onRequestAsyncHookHandler[];
}

export function registerFeedbackRoute(app: FastifyInstance, options: FeedbackRouteOptions): void {
  const { store, metrics, guards } = options;

  app.post<{ Body: FeedbackBody }>('/feedback', { schema: feedbackSchema, onRequest: guards }, async (request) => {
    const { answerId, rating, retract = false } = request.body;
    const reason = cleanFeedbackReason(request.body.reason ?? '');
    const { keyId } = request;
    if (!(await findServedAnswer(store, answerId, keyId))) {
      throw new HttpError(404, 'not_found', `no answer with id ${JSON.stringify(answerId)} was served to this API key`, {}, 'answerId');
    }
    const fields = { answerId, rating, caller: keyId };

    if (retract) {
      if (reason) throw new HttpError(400, 'invalid_request', 'reason cannot be given when retracting a rating', {}, 'reason');
      const retracted = await store.retractFeedback(answerId, keyId, rating);
      if (retracted) {
        metrics?.increment('lore_feedback_retracted_total', { platform: HTTP_PLATFORM, rating });
        request.log.info(fields, 'feedback retracted');
      }
      return { answerId, rating, retracted };
    }

    if (reason && rating !== 'down') throw new HttpError(400, 'invalid_request', "reason is recorded only with rating 'down'", {}, 'reason');
    const other: Rating = rating === 'up' ? 'down' : 'up';
    if (await store.retractFeedback(answerId, keyId, other))
      metrics?.increment('lore_feedback_retracted_total', { platform: HTTP_PLATFORM, rating: other });
    await store.recordFeedback({ answerId, platform: HTTP_PLATFORM, userId: keyId, rating, emoji: EMOJI[rating], channelId: HTTP_CHANNEL });
    if (reason) await store.setFeedbackReason(answerId, keyId, reason);
    metrics?.increment('lore_feedback_total', { platform: HTTP_PLATFORM, rating });
    request.log.info({ ...fields, withReason: reason !== '' }, 'feedback recorded');
    return { answerId, rating, recorded: true };
  });
}
