// Discord messages as the conversation layer sees them. Only what a person wrote is a message to Lore: joins, pins,
// "started a thread" notices and other system messages are not, and neither is anything a bot or webhook posted.
// A message is addressed to Lore when it mentions Lore (or Lore's role), replies to one of Lore's messages, or is
// a direct message.
import { ChannelType, MessageType, type Message } from 'discord.js';
import type { IncomingMessage } from '../conversation/chat-platform.ts';
import type { ChannelScope } from './channel-scope.ts';
import { discordTextToPlain, mentionsLore, type LoreMentions, type MentionNames } from './discord-text.ts';

/** Where Lore answers a message, in ThreadRef terms (see discord-platform.ts). */
export interface AnswerPlace extends ChannelScope {
  channelId: string;
  threadId: string;
  /** There is earlier conversation to read: a Discord thread, or a chain of replies. */
  inThread: boolean;
}

const READ_TYPES = new Set<MessageType>([MessageType.Default, MessageType.Reply]);

/** Written by a person, as opposed to a system notice. */
export function isPersonMessage(message: Message): boolean {
  return READ_TYPES.has(message.type) && !message.system;
}

export function isFromBot(message: Message): boolean {
  return message.author.bot || message.webhookId !== null;
}

/** Mentions Lore, or replies to one of Lore's messages. */
export function addressesLore(message: Message, lore: LoreMentions): boolean {
  return mentionsLore(message.content, lore) || repliesToLore(message, lore.userId);
}

export function repliesToLore(message: Message, loreUserId: string): boolean {
  return message.reference?.messageId !== undefined && message.mentions.repliedUser?.id === loreUserId;
}

export function toIncomingMessage(message: Message, place: AnswerPlace, lore: LoreMentions, names: MentionNames): IncomingMessage {
  return incomingMessage(message, place, {
    userId: message.author.id,
    fromBot: isFromBot(message),
    mentionsBot: addressesLore(message, lore),
    ...(isBroadcast(message) ? { broadcast: true } : {}),
    ...(mentionsSomeoneElse(message.content, lore) ? { mentionsOthers: true } : {}),
    text: discordTextToPlain(message.content, lore, names),
    files: [...message.attachments.values()].map((attachment) => ({
      id: attachment.id,
      name: attachment.name,
      sizeBytes: attachment.size,
      mimeType: attachment.contentType ?? undefined,
    })),
  });
}

/** Who wrote a message to Lore and what: the part a written message and `/lore ask` fill each their own way. */
export type Written = Pick<IncomingMessage, 'userId' | 'fromBot' | 'mentionsBot' | 'broadcast' | 'mentionsOthers' | 'text' | 'files'>;

/**
 * A message to Lore as the conversation sees it: `sent` is the message, or the interaction of `/lore ask`, and
 * `place` where Lore answers it. Discord does not re-deliver events with ids of their own (a replayed message has the
 * same message id), so the event's id is the message's; one sent outside a server is a direct message.
 */
export function incomingMessage(sent: { id: string; guildId: string | null }, place: AnswerPlace, written: Written): IncomingMessage {
  const incoming: IncomingMessage = {
    eventId: sent.id,
    workspaceId: sent.guildId ?? undefined,
    channelId: place.channelId,
    isDirect: sent.guildId === null,
    messageId: sent.id,
    threadId: place.threadId,
    inThread: place.inThread,
    ...written,
  };
  return withScope(incoming, place);
}

/** @everyone, @here, or anything posted in an announcement channel: written to everyone. */
function isBroadcast(message: Message): boolean {
  return message.mentions.everyone || /@(?:everyone|here)\b/.test(message.content) || message.channel?.type === ChannelType.GuildAnnouncement;
}

/** Whether the content mentions a person or role other than Lore (and Lore's own role). */
function mentionsSomeoneElse(content: string, lore: LoreMentions): boolean {
  for (const match of content.matchAll(/<@(!|&)?(\d+)>/g)) {
    if (match[1] === '&' ? !lore.roleIds.has(match[2]!) : match[2] !== lore.userId) return true;
  }
  return false;
}

/** Sets the scope fields of a message that differ from its channel's own. */
function withScope(incoming: IncomingMessage, scope: ChannelScope): IncomingMessage {
  if (scope.scopeChannelId !== incoming.channelId) incoming.scopeChannelId = scope.scopeChannelId;
  if (scope.uploadScopeId !== (incoming.scopeChannelId ?? incoming.channelId)) incoming.uploadScopeId = scope.uploadScopeId;
  if (scope.scopeUnknown) incoming.scopeUnknown = true;
  return incoming;
}

/** A thread name from the question: its first line, within Discord's 100 characters. */
export function threadName(text: string): string {
  const line = (text.split('\n').find((l) => l.trim() !== '') ?? '').replace(/\s+/g, ' ').trim();
  if (line === '') return 'Question for Lore';
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
