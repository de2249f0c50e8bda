// "Ask a person" (issue 17, item 2). Under an abstention, or after a 👎, in a channel with configured responders,
// the thread offers a button; a click mentions the responders (a Slack user group or users, a Discord role or
// users: ids from the chat configuration only, never from anything someone wrote), says what Lore searched and the
// closest sources it found, and records the hand-off; "Resolved" on that message records the outcome. Both show in
// the knowledge-gap report. Without responders there is no offer: hand-off is off unless configured.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { redactSecrets } from '../../rag/cite/redact-secrets.ts';
import { sourceNames } from './answer-status.ts';
import type { ChatConfig, Responders } from './chat-config.ts';
import type { ChatPlatform, HandOffNotice, ThreadRef } from './chat-platform.ts';
import type { ChatStore, StoredAnswer } from './chat-store.ts';
import type { HandOffStore } from './hand-off-store.ts';

/** How many of the closest sources the hand-off names. */
const CLOSEST_NAMED = 3;

/** A click on "Ask a person" (`answerId`) or on "Resolved" (`handOffId`). */
export interface IncomingHandOffClick {
  userId: string;
  /** Where the button was clicked. */
  channelId: string;
}

export interface HandOffOptions {
  store: ChatStore;
  handOffs: HandOffStore;
  chatConfig: ChatConfig;
  log: Logger;
  metrics?: { increment(name: string, labels: Record<string, string>): void };
}

export class HandOffs {
  constructor(private readonly options: HandOffOptions) {}

  /** The responders of the channel a message in `channelId` belongs to (a thread: its channel); none: no hand-off there. */
  async respondersOf(platform: ChatPlatform, channelId: string, workspaceId?: string): Promise<Responders | undefined> {
    const place = await this.placeOf(platform, channelId, workspaceId);
    return this.options.chatConfig.behaviourOf(platform.name, place.channelId, place.workspaceId).responders;
  }

  /** After a 👎 on an answer: offers "Ask a person" in its thread, once, where the channel has responders. Never throws. */
  async offerAfterThumbsDown(platform: ChatPlatform, answer: StoredAnswer): Promise<void> {
    try {
      const { handOffs } = this.options;
      if (await handOffs.findByAnswer(answer.id)) return;
      if (!(await this.respondersOf(platform, answer.channelId))) return;
      // Claimed in the store, not checked and then set: two 👎s reaching two replicas at once post one offer.
      if (!(await handOffs.claimOffer(answer.id))) return;
      await platform.post(threadOf(answer), { kind: 'handoff-offer', answerId: answer.id });
      this.options.log.info({ platform: platform.name, answerId: answer.id, channel: answer.channelId }, 'hand-off offered after a 👎');
    } catch (error) {
      this.options.log.warn({ err: error, platform: platform.name, answerId: answer.id }, 'could not offer a hand-off after a 👎');
    }
  }

  /**
   * "Ask a person" clicked under an answer: mentions the channel's responders in the thread and records the hand-off.
   * Returns what to tell the person who clicked (only them).
   */
  async askPerson(platform: ChatPlatform, answerId: string, click: IncomingHandOffClick): Promise<string> {
    const { store, handOffs, chatConfig, log } = this.options;
    const answer = await store.findAnswer(answerId);
    if (!answer || answer.platform !== platform.name) return 'I no longer have that answer, so I cannot hand it off. Please ask again.';
    const earlier = await handOffs.findByAnswer(answer.id);
    if (earlier) return 'The people who can help were already asked in this thread.';
    const place = await this.placeOf(platform, answer.channelId);
    const responders = chatConfig.behaviourOf(platform.name, place.channelId, place.workspaceId).responders;
    if (!responders) return 'No one is set up to take questions from Lore in this channel.';
    const id = randomUUID();
    const reason = (await handOffs.answerMode(answer.id)) === 'abstained' ? 'abstained' : 'thumbs_down';
    const recorded = await handOffs.record({
      id,
      answerId: answer.id,
      platform: platform.name,
      channelId: answer.channelId,
      threadId: answer.threadId,
      requestedBy: click.userId,
      reason,
      responders,
    });
    if (!recorded) return 'The people who can help were already asked in this thread.';
    const sources = chatConfig.sourcesFor(platform.name, place.channelId, false, place.workspaceId);
    const notice: HandOffNotice = {
      id,
      responders,
      question: redactSecrets(answer.question).text,
      searched: sources.length > 0 ? sourceNames(sources) : 'nothing (this channel may see no sources)',
      closest: answer.citations.slice(0, CLOSEST_NAMED).map((citation) => redactSecrets(citation.title.trim() || citation.docId).text),
    };
    try {
      const messageId = await platform.post(threadOf(answer), { kind: 'handoff', handOff: notice });
      await handOffs.setMessage(id, messageId);
    } catch (error) {
      await handOffs.forget(id);
      log.error({ err: error, platform: platform.name, answerId: answer.id }, 'could not post the hand-off');
      return 'I could not reach the people who can help just now. Please try again in a minute.';
    }
    log.info(
      { platform: platform.name, handOff: id, answerId: answer.id, channel: answer.channelId, user: click.userId, reason },
      'handed off to a person',
    );
    this.options.metrics?.increment('lore_handoffs_total', { platform: platform.name, reason });
    return 'Done: I asked the people who can help in this thread.';
  }

  /** "Resolved" clicked on a hand-off: records the outcome and takes the mention and button off the message. */
  async resolve(platform: ChatPlatform, handOffId: string, click: IncomingHandOffClick): Promise<string> {
    const { handOffs, store, log } = this.options;
    const handOff = await handOffs.find(handOffId);
    if (!handOff || handOff.platform !== platform.name) return 'I no longer have that hand-off.';
    if (!(await handOffs.resolve(handOff.id, click.userId))) return 'This was already marked resolved.';
    log.info({ platform: platform.name, handOff: handOff.id, user: click.userId }, 'hand-off resolved');
    this.options.metrics?.increment('lore_handoffs_resolved_total', { platform: platform.name });
    const answer = await store.findAnswer(handOff.answerId);
    if (handOff.messageId && answer) {
      const notice: HandOffNotice = {
        id: handOff.id,
        responders: handOff.responders,
        question: redactSecrets(answer.question).text,
        searched: '',
        closest: [],
        resolved: true,
      };
      await platform
        .update({ channelId: handOff.channelId, threadId: handOff.threadId }, handOff.messageId, { kind: 'handoff', handOff: notice })
        .catch((error: unknown) => log.warn({ err: error, handOff: handOff.id }, 'could not mark the hand-off message resolved'));
    }
    return 'Thanks: marked resolved.';
  }

  private async placeOf(platform: ChatPlatform, channelId: string, workspaceId?: string): Promise<{ channelId: string; workspaceId?: string }> {
    if (!platform.configPlaceOf) return { channelId, ...(workspaceId ? { workspaceId } : {}) };
    return platform.configPlaceOf(channelId);
  }
}

function threadOf(answer: StoredAnswer): ThreadRef {
  return { channelId: answer.channelId, threadId: answer.threadId };
}
