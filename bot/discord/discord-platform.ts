import Bottleneck from 'bottleneck';
import {
  DiscordAPIError,
  MessageFlags,
  RESTJSONErrorCodes,
  ThreadAutoArchiveDuration,
  type Client,
  type Guild,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type Message,
  type SendableChannels,
  type TextBasedChannel,
} from 'discord.js';
import type { Logger } from 'pino';
import { UploadRefusedError } from '../conversation/bot-services.ts';
import type {
  ChatPlatform,
  FileDetails,
  HistoryMessage,
  IncomingFile,
  OutgoingMessage,
  PlatformMessage,
  PrivateMessage,
  ThreadRef,
} from '../conversation/chat-platform.ts';
import { downloadAttachment } from './attachment-download.ts';
import { isDiscordAdmin } from './discord-admins.ts';
import { allowedMentionsOf, componentsOf, renderDiscordMessage, renderPrivateMessage, type ButtonRow } from './discord-render.ts';
import { channelScope } from './channel-scope.ts';
import type { ChatEmoji } from '../conversation/offer-help-emoji.ts';
import { discordTextToPlain, loreMessageToHistory, type LoreMentions, type MentionNames } from './discord-text.ts';
import { NO_MENTIONS } from './discord-reply-options.ts';
import { guardInteractionToken } from './interaction-token.ts';
import { TypingIndicator } from './typing-indicator.ts';

// ChatPlatform over discord.js. A ThreadRef names the Discord channel Lore writes in and what to attach to:
//   - threadId === channelId: the channel is a Discord thread; Lore posts in it (as in Slack's threads);
//   - otherwise threadId is the message Lore answers, in reply mode (channels, DMs): posts reply to it;
//   - a registered `/lore ask` interaction id: posts go to the interaction's reply and follow-ups.
// discord.js queues REST calls per Discord's rate-limit buckets and waits out 429s; on top of that, posts are paced
// per channel (Discord allows about five messages every five seconds in one channel).

export interface DiscordPlatformOptions {
  client: Client;
  log: Logger;
  /** Roles whose members may run admin commands (LORE_ADMINS `role:<id>` entries). */
  adminRoleIds: readonly string[];
  /** The server whose roles count for commands sent in a direct message (DISCORD_GUILD_ID). */
  homeGuildId?: string;
  /** Origins attachments may be downloaded from besides Discord's CDN: the fake in tests. */
  extraAttachmentOrigins?: string[];
  downloadTimeoutMs?: number;
  /** Messages a channel may receive in a burst before pacing starts (one a second). */
  postBurst?: number;
}

/** The replies of a `/lore ask`: what Lore needs from a deferred ChatInputCommandInteraction. */
export interface InteractionReplies {
  editReply(options: InteractionEditReplyOptions): Promise<{ id: string }>;
  followUp(options: InteractionReplyOptions): Promise<{ id: string }>;
}

interface InteractionRoute {
  replies: InteractionReplies;
  question: string;
  /** The deferred reply ("Lore is thinking…") has been replaced. */
  answered: boolean;
}

interface KnownAttachment {
  name: string;
  sizeBytes: number;
  mimeType?: string;
  url: string;
  messageUrl: string;
}

const MAX_KNOWN_ATTACHMENTS = 500;
const MAX_REPLY_CHAIN = 10;
const HISTORY_FETCH = 50;

export class DiscordPlatform implements ChatPlatform {
  readonly name = 'discord';
  private readonly client: Client;
  private readonly log: Logger;
  private readonly posts: Bottleneck.Group;
  private readonly downloads = new Bottleneck({ maxConcurrent: 2, minTime: 100 });
  private readonly typing: TypingIndicator;
  private readonly interactions = new Map<string, InteractionRoute>();
  private readonly attachments = new Map<string, KnownAttachment>();

  constructor(private readonly options: DiscordPlatformOptions) {
    this.client = options.client;
    this.log = options.log;
    const burst = options.postBurst ?? 5;
    this.posts = new Bottleneck.Group({
      reservoir: burst,
      reservoirIncreaseAmount: 1,
      reservoirIncreaseInterval: 1_000,
      reservoirIncreaseMaximum: burst,
    });
    this.typing = new TypingIndicator(
      async (channelId) => (await this.textChannel(channelId)).sendTyping(),
      (error, channel) => this.log.debug({ err: error, channel }, 'could not show the typing indicator'),
    );
  }

  /** Lore's user id and managed roles, as mentions of Lore appear in messages. */
  loreMentions(guild: Guild | null): LoreMentions {
    const userId = this.client.user?.id ?? '';
    const roleIds = new Set(guild ? guild.roles.cache.filter((role) => role.tags?.botId === userId).map((role) => role.id) : []);
    return { userId, roleIds };
  }

  /** Makes `/lore ask` replies go to the interaction. The returned function ends it; it must be called. */
  registerInteraction(id: string, interaction: InteractionReplies, question: string): () => Promise<void> {
    const replies: InteractionReplies = {
      editReply: (options) => guardInteractionToken(() => interaction.editReply(options)),
      followUp: (options) => guardInteractionToken(() => interaction.followUp(options)),
    };
    const route: InteractionRoute = { replies, question, answered: false };
    this.interactions.set(id, route);
    return async () => {
      this.interactions.delete(id);
      // Never leave "Lore is thinking…" behind: the conversation may have had nothing to say (e.g. shutting down).
      if (!route.answered) {
        await replies
          .editReply({ content: "⚠️ I couldn't answer this one (I may be restarting). Please ask again in a moment.", allowedMentions: NO_MENTIONS })
          .catch((error: unknown) => this.log.warn({ err: error }, 'could not close an unanswered /lore ask'));
      }
    };
  }

  /** Remembers the attachments of a message, so a "learn this" can look them up by id. */
  rememberAttachments(message: Message): void {
    for (const attachment of message.attachments.values()) {
      this.attachments.set(attachment.id, {
        name: attachment.name,
        sizeBytes: attachment.size,
        mimeType: attachment.contentType ?? undefined,
        url: attachment.url,
        messageUrl: message.url,
      });
    }
    for (const id of this.attachments.keys()) {
      if (this.attachments.size <= MAX_KNOWN_ATTACHMENTS) break;
      this.attachments.delete(id);
    }
  }

  /** Starts a thread on a message for Lore's answer; its id (the message's id), or undefined when Lore cannot. */
  async startThread(message: Message, name: string): Promise<string | undefined> {
    try {
      const thread = await message.startThread({ name, autoArchiveDuration: ThreadAutoArchiveDuration.OneDay });
      return thread.id;
    } catch (error) {
      // A re-delivered message: the thread is already there.
      if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) return message.id;
      this.log.warn(
        { err: error, channel: message.channelId },
        'could not start a thread (missing Create Public Threads permission?); replying instead',
      );
      return undefined;
    }
  }

  async post(thread: ThreadRef, message: OutgoingMessage): Promise<string> {
    const route = this.interactions.get(thread.threadId);
    const components = componentsOf(message);
    if (route) return this.postToInteraction(route, renderDiscordMessage(message, { question: route.question }), components);
    const pieces = renderDiscordMessage(message);
    const channel = await this.textChannel(thread.channelId);
    const replyTo = thread.threadId === thread.channelId ? undefined : thread.threadId;
    const first = await this.paced(thread.channelId, () =>
      channel.send({
        content: pieces[0] ?? '',
        components,
        ...(replyTo ? { reply: { messageReference: replyTo, failIfNotExists: false } } : {}),
        // The asker is notified of the reply; nothing in the text (a source saying @everyone) pings anyone. The one
        // exception is a hand-off's responders, by their configured ids.
        allowedMentions: { parse: [], repliedUser: true, ...allowedMentionsOf(message) },
        flags: MessageFlags.SuppressEmbeds,
      }),
    );
    await this.postRest(thread.channelId, channel, pieces.slice(1));
    return first.id;
  }

  async update(thread: ThreadRef, messageId: string, message: OutgoingMessage): Promise<void> {
    const route = this.interactions.get(thread.threadId);
    if (route) {
      const pieces = renderDiscordMessage(message, { question: route.question });
      await route.replies.editReply({
        message: messageId,
        content: pieces[0] ?? '',
        components: componentsOf(message),
        allowedMentions: NO_MENTIONS,
      });
      for (const piece of pieces.slice(1)) await route.replies.followUp({ content: piece, allowedMentions: NO_MENTIONS });
      return;
    }
    const pieces = renderDiscordMessage(message);
    const channel = await this.textChannel(thread.channelId);
    // An edit never pings: a resolved hand-off loses its mentions without notifying anyone again.
    await channel.messages.edit(messageId, {
      content: pieces[0] ?? '',
      components: componentsOf(message),
      allowedMentions: NO_MENTIONS,
      flags: MessageFlags.SuppressEmbeds,
    });
    await this.postRest(thread.channelId, channel, pieces.slice(1));
  }

  async postPrivate(_thread: ThreadRef, userId: string, message: PrivateMessage): Promise<void> {
    const payload = renderPrivateMessage(message);
    const dm = await this.client.users.createDM(userId);
    await this.paced(dm.id, () =>
      dm.send({ content: payload.content, components: payload.components, allowedMentions: NO_MENTIONS, flags: MessageFlags.SuppressEmbeds }),
    );
  }

  async addReaction(channelId: string, messageId: string, emoji: ChatEmoji): Promise<void> {
    const channel = await this.textChannel(channelId);
    await channel.messages.react(messageId, emoji.unicode);
  }

  /** A thread's configuration is its channel's; a server-wide entry applies by the server's id. */
  async configPlaceOf(channelId: string): Promise<{ channelId: string; workspaceId?: string; uploadScopeId?: string }> {
    const known = this.client.channels.cache.get(channelId) ?? null;
    const scope = await channelScope(this.client, channelId, known);
    const channel = this.client.channels.cache.get(scope.scopeChannelId);
    const guildId = channel && 'guildId' in channel && typeof channel.guildId === 'string' ? channel.guildId : undefined;
    // A private thread's things stay in the thread; a public thread's belong to its channel.
    return { channelId: scope.scopeChannelId, uploadScopeId: scope.uploadScopeId, ...(guildId ? { workspaceId: guildId } : {}) };
  }

  async messageOf(channelId: string, messageId: string): Promise<PlatformMessage | undefined> {
    const channel = await this.textChannel(channelId);
    const message = await channel.messages.fetch(messageId).catch(() => null);
    if (!message) return undefined;
    return {
      messageId: message.id,
      // In a Discord thread the thread is the conversation; elsewhere a reply names what it answers.
      threadId: channel.isThread() ? channel.id : message.id,
      ...(message.reference?.messageId ? { repliesTo: message.reference.messageId } : {}),
      userId: message.author.id,
      text: discordTextToPlain(message.content, this.loreMentions(message.guild), this.namesIn(message.guild)),
      fromBot: message.author.bot || message.webhookId !== null,
      postedAt: message.createdAt.toISOString(),
    };
  }

  async namesOf(userId: string, channelId: string): Promise<{ user: string; channel: string }> {
    const channel = this.client.channels.cache.get(channelId) ?? (await this.client.channels.fetch(channelId).catch(() => null));
    const guild = channel && 'guild' in channel ? channel.guild : null;
    const member = guild ? await guild.members.fetch(userId).catch(() => null) : null;
    const user = member?.displayName ?? (await this.client.users.fetch(userId).catch(() => null))?.displayName ?? userId;
    const name = channel && 'name' in channel && typeof channel.name === 'string' ? channel.name : channelId;
    return { user, channel: name };
  }

  async markWorking(channelId: string, messageId: string, working: boolean): Promise<void> {
    // A deferred `/lore ask` already shows "Lore is thinking…".
    if (this.interactions.has(messageId)) return;
    if (working) this.typing.start(channelId);
    else this.typing.stop(channelId);
  }

  async threadHistory(thread: ThreadRef, before: string): Promise<HistoryMessage[]> {
    const channel = await this.textChannel(thread.channelId);
    const messages =
      thread.threadId === thread.channelId ? await this.threadMessages(channel, before) : await this.replyChain(channel, thread.threadId);
    return messages.filter((m) => m.id !== before && !m.system).flatMap((m) => this.toHistory(m));
  }

  async isPlatformAdmin(userId: string, channelId?: string): Promise<boolean> {
    const guild = await this.guildFor(channelId);
    if (!guild) return false;
    try {
      const member = await guild.members.fetch(userId);
      return isDiscordAdmin(member, this.options.adminRoleIds);
    } catch (error) {
      if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMember) return false;
      throw error;
    }
  }

  async fileDetails(file: IncomingFile): Promise<FileDetails> {
    const known = this.attachments.get(file.id);
    if (!known) throw new UploadRefusedError(`I no longer have the details of ${file.name ?? 'this file'}: please share it again.`);
    return {
      id: file.id,
      name: known.name,
      title: known.name,
      sizeBytes: known.sizeBytes,
      mimeType: known.mimeType,
      // The message it was shared in: attachment URLs are signed and expire, the message link does not.
      permalink: known.messageUrl,
      downloadUrl: known.url,
    };
  }

  async download(file: FileDetails, maxBytes: number): Promise<Uint8Array> {
    return this.downloads.schedule(() =>
      downloadAttachment(file.downloadUrl, {
        name: file.name,
        maxBytes,
        timeoutMs: this.options.downloadTimeoutMs ?? 60_000,
        extraOrigins: this.options.extraAttachmentOrigins ?? [],
      }),
    );
  }

  async close(): Promise<void> {
    this.typing.close();
    const limiters = [...this.posts.limiters().map(({ limiter }) => limiter), this.downloads];
    await Promise.all(limiters.map((limiter) => limiter.stop({ dropWaitingJobs: false }).catch(() => undefined)));
  }

  private async postToInteraction(route: InteractionRoute, pieces: string[], components: ButtonRow[]): Promise<string> {
    let firstId: string | undefined;
    for (const piece of pieces) {
      const options = { content: piece, components: firstId === undefined ? components : [], allowedMentions: NO_MENTIONS };
      const sent = route.answered ? await route.replies.followUp(options) : await route.replies.editReply(options);
      route.answered = true;
      firstId ??= sent.id;
    }
    if (firstId === undefined) throw new Error('nothing to post');
    return firstId;
  }

  private async postRest(channelId: string, channel: SendableChannels, pieces: string[]): Promise<void> {
    for (const piece of pieces) {
      await this.paced(channelId, () => channel.send({ content: piece, allowedMentions: NO_MENTIONS, flags: MessageFlags.SuppressEmbeds }));
    }
  }

  private paced(channelId: string, send: () => Promise<Message>): Promise<Message> {
    return this.posts.key(channelId).schedule(send);
  }

  private async textChannel(channelId: string): Promise<SendableChannels> {
    const channel = this.client.channels.cache.get(channelId) ?? (await this.client.channels.fetch(channelId));
    if (!channel?.isSendable()) throw new Error(`Discord channel ${channelId} cannot receive messages from Lore`);
    return channel;
  }

  /** A Discord thread's messages before `before`, oldest first, led by the message the thread was started from. */
  private async threadMessages(channel: TextBasedChannel, before: string): Promise<Message[]> {
    const fetched = await channel.messages.fetch({ before, limit: HISTORY_FETCH });
    const messages = [...fetched.values()].sort((a, b) => a.createdTimestamp - b.createdTimestamp || compareIds(a.id, b.id));
    if (channel.isThread()) {
      const starter = await channel.fetchStarterMessage().catch(() => null);
      if (starter && !messages.some((m) => m.id === starter.id)) messages.unshift(starter);
    }
    return messages;
  }

  /** The messages a reply answers, and what those answer in turn, oldest first (ending with `from` itself). */
  private async replyChain(channel: TextBasedChannel, from: string): Promise<Message[]> {
    const chain: Message[] = [];
    let id: string | undefined = from;
    while (id !== undefined && chain.length < MAX_REPLY_CHAIN) {
      const message: Message | null = await channel.messages.fetch(id).catch((error: unknown) => {
        this.log.debug({ err: error, message: id }, 'a message of the reply chain is gone');
        return null;
      });
      if (!message) break;
      chain.unshift(message);
      id = message.reference?.messageId;
    }
    return chain;
  }

  private toHistory(message: Message): HistoryMessage[] {
    if (message.author.id === this.client.user?.id) return loreMessageToHistory(message.id, message.content);
    const text = discordTextToPlain(message.content, this.loreMentions(message.guild), this.namesIn(message.guild));
    return text === '' ? [] : [{ messageId: message.id, fromLore: false, text }];
  }

  /** Display names for the mentions in a message. */
  namesIn(guild: Guild | null): MentionNames {
    return {
      user: (id) => (guild?.members.cache.get(id)?.displayName ?? this.client.users.cache.get(id)?.displayName) || undefined,
      role: (id) => guild?.roles.cache.get(id)?.name,
      channel: (id) => {
        const channel = this.client.channels.cache.get(id);
        return channel && 'name' in channel && typeof channel.name === 'string' ? channel.name : undefined;
      },
    };
  }

  /** The server a command's channel belongs to; for a direct message, the configured home server. */
  private async guildFor(channelId: string | undefined): Promise<Guild | undefined> {
    if (channelId) {
      const channel = this.client.channels.cache.get(channelId) ?? (await this.client.channels.fetch(channelId).catch(() => null));
      if (channel && 'guild' in channel && channel.guild) return channel.guild;
    }
    const home = this.options.homeGuildId;
    if (!home) return undefined;
    return this.client.guilds.cache.get(home) ?? (await this.client.guilds.fetch(home).catch(() => undefined));
  }
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
