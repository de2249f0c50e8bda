import { GatewayDispatchEvents, type GatewayMessageReactionAddDispatchData, type GatewayMessageReactionRemoveDispatchData } from 'discord.js';
import type { DiscordEventContext } from './discord-event-context.ts';

/**
 * Passes reactions to the conversation: on Lore's answers they can be feedback; on someone's question, the taking up
 * of Lore's offer of help. The conversation tells which.
 *
 * Reactions are read from the gateway payload itself: discord.js drops reactions in a DM channel it has not cached
 * (after a restart), even with partials, and feedback needs nothing but these ids.
 */
export function handleReactions({ client, platform, servers, conversation, log, work }: DiscordEventContext): void {
  const onReaction = (added: boolean) => (data: GatewayMessageReactionAddDispatchData | GatewayMessageReactionRemoveDispatchData) => {
    const loreId = client.user?.id;
    // Read defensively: this runs inside the gateway's message handler, where a throw would end the process.
    if (!loreId || data.user_id === loreId || !data.emoji?.name) return;
    if ('member' in data && data.member?.user.bot) return;
    if (data.guild_id !== undefined && !servers.allowed.includes(data.guild_id)) return;
    const reaction = { channelId: data.channel_id, messageId: data.message_id, userId: data.user_id, emoji: data.emoji.name, added };
    work.run(
      () => conversation.handleReaction(platform, reaction),
      (error) => log.error({ err: error }, 'handling a Discord reaction failed'),
    );
  };
  client.ws.on(GatewayDispatchEvents.MessageReactionAdd, onReaction(true));
  client.ws.on(GatewayDispatchEvents.MessageReactionRemove, onReaction(false));
}
