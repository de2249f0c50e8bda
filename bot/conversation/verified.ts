// Verified answers (issue 17, item 3). When a person answers in a thread Lore took part in, the asker (or an admin)
// can save that reply as the answer: Slack's message shortcut or Discord's message command (asker or admin), or a
// ✅ reaction by the asker. Lore keeps the question as it understood it (the question of its answer in the thread)
// and the reply, indexes them as the `verified` source under the scope of the channel they came from (as uploads
// are scoped), cited as "answered by <name> in #channel on <date>", and preferred over documents when a later
// question matches (rag/rerank/prefer-verified.ts). Admins list, edit and revoke them with `/lore verified`.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { redactSecrets } from '../../rag/cite/redact-secrets.ts';
import type { BotServices } from './bot-services.ts';
import type { VerifiedCommand } from './chat-command.ts';
import type { ChatPlatform, PlatformMessage } from './chat-platform.ts';
import type { VerifiedAnswer, VerifiedStore } from './verified-store.ts';

/** ✅ and its look-alikes, as Slack names them and as Discord sends them. */
const SAVE_EMOJI = new Set(['white_check_mark', 'heavy_check_mark', 'ballot_box_with_check', '✅', '✔️', '✔', '☑️']);

/** Whether a reaction asks to save the message as the answer. */
export function isSaveReaction(emoji: string): boolean {
  return SAVE_EMOJI.has(emoji.replace(/::skin-tone-\d$/, ''));
}

/** Someone asking to save a message as the verified answer to its thread's question. */
export interface SaveRequest {
  channelId: string;
  messageId: string;
  userId: string;
  /** A ✅ may only come from the asker; a shortcut or command also from an admin. */
  via: 'reaction' | 'shortcut';
  /** The message, when the platform delivered it with the request (saves a lookup). */
  message?: PlatformMessage;
}

export interface VerifiedOptions {
  services: BotServices;
  store: VerifiedStore;
  log: Logger;
  /** True, false, or why the platform could not say. */
  isAdmin(platform: ChatPlatform, userId: string, channelId: string): Promise<boolean | string>;
}

/** A shortened id people can type (`/lore verified revoke 3fa9c2d1`). */
function newId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 10);
}

export class VerifiedAnswers {
  constructor(private readonly options: VerifiedOptions) {}

  /** Saves a reply as the verified answer; resolves with what to tell the person who asked for it. */
  async save(platform: ChatPlatform, request: SaveRequest): Promise<string> {
    const { store, services, log } = this.options;
    const reply = request.message ?? (await platform.messageOf(request.channelId, request.messageId));
    if (!reply) return 'I could not read that message.';
    if (reply.fromBot) return "Only a person's reply can be saved as the answer.";
    const answer = await store.answerInThread(platform.name, request.channelId, reply.threadId, reply.repliesTo, reply.messageId);
    if (!answer) return 'I took no part in that thread, so there is no question of mine to save this reply for.';
    if (reply.messageId === answer.threadId || reply.text.trim() === '') return 'Save a reply that answers the question, not the question itself.';
    const asker = answer.userId === request.userId;
    if (!asker) {
      if (request.via === 'reaction') return undefinedReply();
      const admin = await this.options.isAdmin(platform, request.userId, request.channelId);
      if (admin !== true) return 'Only the person who asked, or a Lore admin, can save a reply as the answer.';
    }
    const existing = await store.findByMessage(platform.name, request.channelId, reply.messageId);
    if (existing && existing.revokedAt === undefined) return 'That reply is already saved as the answer.';
    const place = platform.configPlaceOf ? await platform.configPlaceOf(request.channelId) : { channelId: request.channelId };
    const names = await platform.namesOf(reply.userId, place.channelId);
    const entry = {
      id: newId(),
      platform: platform.name,
      ...(place.workspaceId ? { workspaceId: place.workspaceId } : {}),
      channelId: request.channelId,
      scope: `${platform.name}:${place.uploadScopeId ?? place.channelId}`,
      channelName: names.channel,
      threadId: answer.threadId,
      messageId: reply.messageId,
      answerId: answer.id,
      question: redactSecrets(answer.question).text,
      answer: redactSecrets(reply.text).text,
      answeredBy: reply.userId,
      answeredByName: names.user,
      answeredAt: reply.postedAt,
      savedBy: request.userId,
    };
    if (!(await store.save(entry))) return 'That reply is already saved as the answer.';
    try {
      await services.indexVerified(documentOf({ ...entry, savedAt: new Date().toISOString() }));
    } catch (error) {
      await store.revoke(entry.id, 'lore');
      log.error({ err: error, platform: platform.name, verified: entry.id }, 'could not index a verified answer');
      return 'I could not save that reply just now. Please try again in a minute.';
    }
    log.info(
      { platform: platform.name, verified: entry.id, channel: request.channelId, savedBy: request.userId, via: request.via },
      'verified answer saved',
    );
    await platform
      .post(
        { channelId: request.channelId, threadId: answer.threadId },
        {
          kind: 'notice',
          tone: 'info',
          text: `✅ Saved ${names.user}'s reply as the verified answer to this question. I'll cite it for similar questions in #${names.channel}.`,
        },
      )
      .catch((error: unknown) => log.warn({ err: error }, 'could not say the verified answer was saved'));
    return `Saved as the verified answer (id \`${entry.id}\`).`;
  }

  /** `/lore verified`: list, edit or revoke (the caller has checked the person is an admin). */
  async command(platform: ChatPlatform, command: VerifiedCommand, userId: string): Promise<string> {
    const { store, services, log } = this.options;
    if (command.action === 'list') {
      const answers = await store.list();
      if (answers.length === 0) return 'No verified answers yet. Save a reply in a thread I answered in with ✅ (the asker) or the message shortcut.';
      return [
        `**Verified answers** (${answers.length}${answers.length === 50 ? ', the newest' : ''}):`,
        ...answers.map((entry) => `• \`${entry.id}\` “${oneLine(entry.question, 80)}” — ${titleOf(entry)}`),
        '`/lore verified edit <id> <new text>` replaces an answer; `/lore verified revoke <id>` withdraws it.',
      ].join('\n');
    }
    const entry = await store.find(command.id);
    if (!entry || entry.revokedAt !== undefined) return `There is no verified answer \`${command.id}\` in force.`;
    if (command.action === 'revoke') {
      await store.revoke(entry.id, userId);
      await services.removeVerified(entry.id);
      log.info({ platform: platform.name, verified: entry.id, user: userId }, 'verified answer revoked');
      return `Revoked \`${entry.id}\`: I no longer cite it.`;
    }
    const text = redactSecrets(command.text).text;
    await store.edit(entry.id, text, userId);
    await services.indexVerified(documentOf({ ...entry, answer: text }));
    log.info({ platform: platform.name, verified: entry.id, user: userId }, 'verified answer edited');
    return `Updated \`${entry.id}\`.`;
  }
}

/** A reaction by someone else than the asker is no request: nothing is said. */
function undefinedReply(): string {
  return '';
}

/** "answered by Maria in #support on 2026-12-06". */
export function titleOf(entry: Pick<VerifiedAnswer, 'answeredByName' | 'channelName' | 'answeredAt'>): string {
  return `answered by ${entry.answeredByName} in #${entry.channelName} on ${entry.answeredAt.slice(0, 10)}`;
}

function documentOf(entry: Omit<VerifiedAnswer, 'savedAt'> & { savedAt?: string }) {
  return {
    id: entry.id,
    question: entry.question,
    answer: entry.answer,
    title: titleOf(entry),
    url: '',
    scope: entry.scope,
    answeredAt: entry.answeredAt,
  };
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
