import { ChannelType, type Channel, type Client } from 'discord.js';

// Which scope a Discord message or command falls under. A channel is its own scope. A thread takes its channel's
// sources (everyone in a thread can read its channel), but what is shared in it is visible only where the thread
// is: a public thread is visible to the whole channel, so its uploads belong to the channel; a private thread is
// visible only to its members, so its uploads belong to the thread itself. When Lore cannot tell which channel a
// thread belongs to (its parent could not be fetched), or what a channel is at all, the scope is the narrowest
// one: the uploads shared in that very place, and nothing else.

export interface ChannelScope {
  /** The channel whose source scope and rate limit apply. */
  scopeChannelId: string;
  /** Where files shared here are kept, and whose files questions asked here see. */
  uploadScopeId: string;
  /** The channel could not be identified: only uploads shared in this very place may be searched. */
  scopeUnknown: boolean;
}

/** The scope of `channelId`, given the channel object discord.js has for it (or null when it had none). */
export async function channelScope(client: Client, channelId: string, known: Channel | null | undefined): Promise<ChannelScope> {
  const own = (scopeUnknown: boolean): ChannelScope => ({ scopeChannelId: channelId, uploadScopeId: channelId, scopeUnknown });
  let channel = known ?? (await client.channels.fetch(channelId).catch(() => null));
  if (!channel) return own(true);
  if (!channel.isThread()) return own(false);
  if (!channel.parentId) {
    // A thread Lore first hears of from a message is partial: ask Discord which channel it is in.
    channel = await channel.fetch().catch(() => null);
    if (!channel?.isThread() || !channel.parentId) return own(true);
  }
  const parentId = channel.parentId;
  const parent = client.channels.cache.get(parentId) ?? (await client.channels.fetch(parentId).catch(() => null));
  if (!parent) return own(true);
  const uploadScopeId = channel.type === ChannelType.PublicThread || channel.type === ChannelType.AnnouncementThread ? parentId : channel.id;
  return { scopeChannelId: parentId, uploadScopeId, scopeUnknown: false };
}
