import { ChannelType, Events, type Message } from 'discord.js';
import { channelScope } from './channel-scope.ts';
import type { DiscordEventContext } from './discord-event-context.ts';
import { isFromBot, isPersonMessage, repliesToLore, threadName, toIncomingMessage, type AnswerPlace } from './discord-messages.ts';
import { discordTextToPlain, mentionsLore } from './discord-text.ts';

/** Answers the messages people post where Lore answers: as replies, or in a thread Lore starts on a new question. */
export function handleMessages(context: DiscordEventContext, replyMode: 'reply' | 'thread'): void {
  const { client, platform, servers, conversation, log, work } = context;
  const onMessage = async (message: Message): Promise<void> => {
    if (message.author.id === client.user?.id || !isPersonMessage(message)) return;
    if (!(await servers.admits(message.guildId, message.author.id))) return;
    const place = await answerPlace(context, message, replyMode);
    if (message.attachments.size > 0) platform.rememberAttachments(message);
    const lore = platform.loreMentions(message.guild);
    await conversation.handleMessage(platform, toIncomingMessage(message, place, lore, platform.namesIn(message.guild)));
  };
  client.on(Events.MessageCreate, (message) => {
    work.run(
      () => onMessage(message),
      (error) => log.error({ err: error, channel: message.channelId }, 'handling a Discord message failed'),
    );
  });
}

/** Where Lore answers a message; in thread mode, a new question gets a thread of its own. */
async function answerPlace({ client, platform }: DiscordEventContext, message: Message, replyMode: 'reply' | 'thread'): Promise<AnswerPlace> {
  const channel = message.channel;
  const scope = await channelScope(client, channel.id, channel);
  if (channel.isThread()) return { channelId: channel.id, threadId: channel.id, ...scope, inThread: true };
  const reply: AnswerPlace = { channelId: channel.id, threadId: message.id, ...scope, inThread: message.reference?.messageId !== undefined };
  const lore = platform.loreMentions(message.guild);
  const startsThread =
    replyMode === 'thread' &&
    (channel.type === ChannelType.GuildText || channel.type === ChannelType.GuildAnnouncement) &&
    !isFromBot(message) &&
    mentionsLore(message.content, lore) &&
    // A reply to Lore continues that conversation where it is.
    !repliesToLore(message, lore.userId);
  if (!startsThread) return reply;
  const threadId = await platform.startThread(message, threadName(discordTextToPlain(message.content, lore, platform.namesIn(message.guild))));
  // Lore's own threads are public: they share their channel's scope and uploads.
  return threadId ? { channelId: threadId, threadId, ...scope, inThread: false } : reply;
}
