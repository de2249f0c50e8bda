import type { Logger } from 'pino';
import type { Answer, Question, SourceKind } from '../../rag/types.ts';
import type { BotServices } from './bot-services.ts';
import { CHECKING_STATUS, searchingStatus } from './answer-status.ts';
import type { AnswerMessage, ChatPlatform, IncomingMessage, OutgoingMessage, StreamedMessage, ThreadRef } from './chat-platform.ts';
import type { ChatStore } from './chat-store.ts';
import { friendlyError } from './friendly-error.ts';
import { ThrottledUpdater } from './throttled-updater.ts';

export interface AnswerInThreadOptions {
  platform: ChatPlatform;
  services: BotServices;
  store: ChatStore;
  log: Logger;
  message: IncomingMessage;
  thread: ThreadRef;
  question: Question;
  /** Least time between two edits of the streamed message. */
  updateIntervalMs: number;
  /**
   * A message of Lore's to answer in instead of posting a placeholder (already showing that Lore is working): the
   * earlier answer to a question its asker edited. The stored answer for that message is replaced.
   */
  replacing?: string;
  /** The channel has responders: an abstention offers "Ask a person". */
  offerHandOff?: boolean;
}

export interface AnsweredInThread {
  answer: Answer;
  /** Lore's message holding the answer. */
  messageId: string;
}

const RESTART_NOTICE = 'The language model failed; answering from the sources directly instead…';

/**
 * Answers one question in its thread: streamed natively where the platform can (`ChatPlatform.startStream`), else a
 * placeholder at once with the answer streamed into it (edits throttled); either way it ends with the final
 * rendering and its sources. The posted answer is recorded so reactions and feedback buttons on it become feedback.
 * Never throws: a failure replaces the placeholder (or the stream) with a short explanation.
 */
export async function answerInThread(options: AnswerInThreadOptions): Promise<AnsweredInThread | undefined> {
  const { platform, services, log, message, thread, question } = options;
  await platform
    .markWorking(message.channelId, message.messageId, true)
    .catch((error: unknown) => log.debug({ err: error }, 'could not mark the question'));
  let placeholder: string | undefined;
  let updater: ThrottledUpdater<OutgoingMessage> | undefined;
  let stream: StreamedMessage | undefined;
  try {
    await platform.showStatus?.(thread, searchingStatus(question.allowedSources ?? []));
    // An edited question is answered in its earlier answer, which only an edit can change.
    if (options.replacing === undefined && platform.startStream) {
      stream = await platform.startStream(thread, { userId: message.userId, ...(message.workspaceId ? { workspaceId: message.workspaceId } : {}) });
    }
    placeholder = stream?.messageId ?? options.replacing ?? (await platform.post(thread, { kind: 'working' }));
    const messageId = placeholder;
    const edits = stream
      ? undefined
      : new ThrottledUpdater<OutgoingMessage>(
          (update) => platform.update(thread, messageId, update),
          options.updateIntervalMs,
          (error) => log.warn({ err: error }, 'a streaming update failed; the next one replaces it'),
        );
    updater = edits;
    let text = '';
    let notice: string | undefined;
    let answer: Answer | undefined;
    /** A natively streamed message grows by what is added; an edited one is shown whole each time. */
    const show = async (added: string) => {
      if (stream) await stream.append(added);
      else edits?.push({ kind: 'streaming', text, notice });
    };
    for await (const event of services.answer(question)) {
      if (event.type === 'delta') {
        if (text === '') await platform.showStatus?.(thread, CHECKING_STATUS);
        text += event.text;
        await show(event.text);
      } else if (event.type === 'restart') {
        text = '';
        notice = RESTART_NOTICE;
        // What was streamed natively cannot be taken back: the notice follows it, and the final answer replaces both.
        await show(`\n\n_${RESTART_NOTICE}_\n\n`);
      } else {
        answer = event.answer;
      }
    }
    if (!answer) throw new Error('the answer pipeline ended without an answer');
    const final = await finalMessage(options, answer);
    if (stream) await stream.finish(final);
    else await edits?.finish(final);
    await recordPosted(options, answer, messageId, {
      streamed: stream ? 'native' : 'edits',
      event: options.replacing === undefined ? 'answer posted' : 'answer to an edited question posted in place of the earlier one',
    });
    return { answer, messageId };
  } catch (error) {
    log.error({ err: error, platform: platform.name, channel: thread.channelId }, 'answering failed');
    // A streamed edit still pending must not land after the error message and hide it.
    await updater?.cancel();
    await stream?.abandon();
    await tellThread(platform, thread, placeholder, friendlyError(error), log);
    return undefined;
  } finally {
    await platform.markWorking(message.channelId, message.messageId, false).catch(() => undefined);
  }
}

/** What a support channel's unasked question led to: the answer, and Lore's message when it was posted. */
export interface SupportedAnswer {
  answer: Answer;
  /** Undefined: the answer was not supported (an abstention, small talk), so nothing was posted. */
  messageId?: string;
}

/**
 * Answers a question nobody addressed to Lore (a support channel in `auto` mode): nothing shows while Lore works
 * (no 👀, no placeholder, no stream), and the answer is posted only when it is supported, i.e. it is not an
 * abstention or small talk and its sentences stood the claim check. Never throws; a failure is only logged, since
 * nobody asked Lore.
 */
export async function answerIfSupported(options: Omit<AnswerInThreadOptions, 'replacing'>): Promise<SupportedAnswer | undefined> {
  const { platform, services, log, thread, question } = options;
  try {
    let answer: Answer | undefined;
    for await (const event of services.answer(question)) if (event.type === 'answer') answer = event.answer;
    if (!answer) throw new Error('the answer pipeline ended without an answer');
    if (answer.abstained || (answer.mode !== 'generative' && answer.mode !== 'extractive')) {
      log.info(
        { answerId: answer.id, platform: platform.name, channel: thread.channelId, mode: answer.mode },
        'support channel: no supported answer, staying silent',
      );
      return { answer };
    }
    const messageId = await platform.post(thread, await finalMessage(options, answer));
    await recordPosted(options, answer, messageId, { streamed: 'none', event: 'support channel: answer posted unasked' });
    return { answer, messageId };
  } catch (error) {
    log.error({ err: error, platform: platform.name, channel: thread.channelId }, 'answering a support-channel question failed');
    return undefined;
  }
}

/** The final rendering of an answer: its sources with when each was synced, and the hand-off offer when it applies. */
async function finalMessage(options: Pick<AnswerInThreadOptions, 'services' | 'offerHandOff' | 'log'>, answer: Answer): Promise<AnswerMessage> {
  const sources = await Promise.all(
    answer.citations.map(async (citation) => ({ ...citation, lastSyncedAt: await syncedAt(options, citation.docId, citation.source) })),
  );
  return { kind: 'answer', answer, sources, ...(options.offerHandOff && answer.abstained ? { handOff: true } : {}) };
}

/** When a cited source was last synced; a store that cannot tell leaves the date out rather than the answer unposted. */
async function syncedAt(options: Pick<AnswerInThreadOptions, 'services' | 'log'>, docId: string, source: SourceKind): Promise<string | undefined> {
  try {
    return await options.services.lastSynced(docId, source);
  } catch (error) {
    options.log.warn({ err: error, docId }, 'could not read when a cited source was last synced');
    return undefined;
  }
}

/** Stores the posted answer (so reactions and buttons on it become feedback) and logs it. */
async function recordPosted(
  options: Pick<AnswerInThreadOptions, 'platform' | 'services' | 'store' | 'log' | 'message' | 'thread' | 'replacing'>,
  answer: Answer,
  messageId: string,
  how: { streamed: string; event: string },
): Promise<void> {
  const { platform, services, store, log, message, thread } = options;
  const posted = {
    answer,
    platform: platform.name,
    workspaceId: message.workspaceId,
    channelId: thread.channelId,
    threadId: thread.threadId,
    messageId,
    userId: message.userId,
  };
  if (options.replacing === undefined || (await store.replaceAnswer(posted)) === undefined) await store.saveAnswer(posted);
  services.answerPosted?.({ ...posted, scopeChannelId: message.scopeChannelId ?? message.channelId });
  log.info(
    {
      answerId: answer.id,
      platform: platform.name,
      channel: thread.channelId,
      mode: answer.mode,
      citations: answer.citations.length,
      confidence: Number(answer.confidence.toFixed(3)),
      latencyMs: answer.latencyMs,
      streamed: how.streamed,
    },
    how.event,
  );
}

/** Replaces the placeholder with the error (or posts it when there is none or the edit fails). */
export async function tellThread(
  platform: ChatPlatform,
  thread: ThreadRef,
  placeholder: string | undefined,
  text: string,
  log: Logger,
): Promise<void> {
  const notice: OutgoingMessage = { kind: 'notice', text, tone: 'error' };
  try {
    if (placeholder !== undefined) {
      await platform.update(thread, placeholder, notice);
      return;
    }
  } catch (error) {
    log.warn({ err: error }, 'could not edit the placeholder; posting the error instead');
  }
  await platform.post(thread, notice).catch((error: unknown) => log.error({ err: error }, 'could not tell the thread what went wrong'));
}
