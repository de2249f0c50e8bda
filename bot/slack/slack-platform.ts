import Bottleneck from 'bottleneck';
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { UploadRefusedError } from '../conversation/bot-services.ts';
import { downloadUpload } from '../conversation/download-upload.ts';
import type { Audience } from '../conversation/chat-config.ts';
import type { ChatEmoji } from '../conversation/offer-help-emoji.ts';
import type {
  ChatPlatform,
  FileDetails,
  HistoryMessage,
  IncomingFile,
  PlatformMessage,
  IncomingMessage,
  OutgoingMessage,
  PrivateMessage,
  StreamedMessage,
  StreamRecipient,
  ThreadRef,
} from '../conversation/chat-platform.ts';
import { TtlCache } from '../conversation/ttl-cache.ts';
import { audienceOf, type SlackAudience } from './slack-audience.ts';
import type { SlackDirectory } from './slack-directory.ts';
import { slackErrorCode, slackUnavailable } from './slack-errors.ts';
import { renderPrivateMessage, renderSlackMessage } from './slack-blocks.ts';
import { nameWithSlackType } from './slack-file-type.ts';
import { slackTextToPlain } from './slack-text.ts';
import { isFromBot } from './slack-events.ts';
import { SlackStream } from './slack-stream.ts';

// ChatPlatform over Slack's Web API. The client honours 429 Retry-After and times out each call; on top of that,
// posts are paced per channel (Slack allows about one message a second per channel, with short bursts).

export interface SlackIdentity {
  botUserId: string;
  botId?: string;
  /** The workspace the bot token belongs to. */
  teamId?: string;
}

export interface SlackPlatformOptions {
  client: webApi.WebClient;
  botToken: string;
  /** Tells members from guests and from people of a connected workspace. */
  audience: SlackAudience;
  /** Users and channels by id (cached `users.info`, `conversations.info`). */
  directory: SlackDirectory;
  identity: SlackIdentity;
  log: Logger;
  /** Origins file downloads may come from, besides Slack's own (`*.slack.com`): the fake API in tests. */
  extraFileOrigins?: string[];
  downloadTimeoutMs?: number;
  /** Messages a channel may receive in a burst before pacing starts (one a second). */
  postBurst?: number;
  /** Characters a natively streamed answer collects before each chat.appendStream (default: the SDK's 256). */
  streamBufferChars?: number;
}

/** Sets an assistant thread's status line: Bolt's `setStatus` for that thread. */
export type SetAssistantStatus = (status: string) => Promise<unknown>;

/** How long an assistant thread is remembered for its status line: longer than any answer takes. */
const ASSISTANT_THREAD_TTL_MS = 30 * 60_000;

const WORKING_EMOJI = 'eyes';

export class SlackPlatform implements ChatPlatform {
  readonly name = 'slack';
  private readonly posts: Bottleneck.Group;
  /** Workspaces where chat.startStream failed with an error of Slack's: answered by post-and-update from then on. */
  private readonly streamingRefused = new Set<string>();
  /** Assistant (side panel) threads being answered, by channel and thread, with their status setter. */
  private readonly assistantThreads = new TtlCache<SetAssistantStatus>({ ttlMs: ASSISTANT_THREAD_TTL_MS, maxEntries: 10_000 });

  constructor(private readonly options: SlackPlatformOptions) {
    const burst = options.postBurst ?? 5;
    this.posts = new Bottleneck.Group({
      reservoir: burst,
      reservoirIncreaseAmount: 1,
      reservoirIncreaseInterval: 1_000,
      reservoirIncreaseMaximum: burst,
    });
  }

  async post(thread: ThreadRef, message: OutgoingMessage): Promise<string> {
    const rendered = renderSlackMessage(message);
    const result = await this.posts.key(thread.channelId).schedule(() =>
      this.options.client.chat.postMessage({
        channel: thread.channelId,
        thread_ts: thread.threadId,
        text: rendered.text,
        blocks: rendered.blocks,
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    if (!result.ts) throw new Error('Slack accepted the message but returned no timestamp');
    return result.ts;
  }

  async update(thread: ThreadRef, messageId: string, message: OutgoingMessage): Promise<void> {
    const rendered = renderSlackMessage(message);
    await this.options.client.chat.update({ channel: thread.channelId, ts: messageId, text: rendered.text, blocks: rendered.blocks });
  }

  async startStream(thread: ThreadRef, recipient: StreamRecipient): Promise<StreamedMessage | undefined> {
    const workspace = recipient.workspaceId ?? this.options.identity.teamId;
    if (workspace !== undefined && this.streamingRefused.has(workspace)) return undefined;
    try {
      return await this.posts.key(thread.channelId).schedule(() =>
        SlackStream.start({
          client: this.options.client,
          thread,
          recipientUserId: recipient.userId,
          ...(workspace ? { recipientTeamId: workspace } : {}),
          log: this.options.log,
          ...(this.options.streamBufferChars ? { bufferChars: this.options.streamBufferChars } : {}),
        }),
      );
    } catch (error) {
      const code = slackErrorCode(error);
      // Slack answered with an error (the workspace or plan lacks streaming): asking again per answer would only
      // add a failed call before each one. Rate limits and outages say nothing about support: tried again next time.
      if (code !== undefined && !slackUnavailable(error) && workspace !== undefined) {
        this.streamingRefused.add(workspace);
        this.options.log.info({ workspace, code }, 'Slack refused native streaming: answers in this workspace are posted and edited instead');
      } else {
        this.options.log.warn({ err: error, channel: thread.channelId }, 'could not start a streamed answer; posting and editing it instead');
      }
      return undefined;
    }
  }

  /** Marks a thread as an assistant (side panel) thread, whose status line `showStatus` sets. */
  trackAssistantThread(thread: ThreadRef, setStatus: SetAssistantStatus): void {
    this.assistantThreads.set(threadKey(thread), setStatus);
  }

  async showStatus(thread: ThreadRef, status: string): Promise<void> {
    const setStatus = this.assistantThreads.get(threadKey(thread));
    if (!setStatus) return;
    await setStatus(status).catch((error: unknown) =>
      this.options.log.debug({ err: error, channel: thread.channelId }, 'could not set the assistant status'),
    );
  }

  async postPrivate(thread: ThreadRef, userId: string, message: PrivateMessage): Promise<void> {
    const rendered = renderPrivateMessage(message);
    await this.posts.key(thread.channelId).schedule(() =>
      this.options.client.chat.postEphemeral({
        channel: thread.channelId,
        thread_ts: thread.threadId,
        user: userId,
        text: rendered.text,
        blocks: rendered.blocks,
      }),
    );
  }

  async addReaction(channelId: string, messageId: string, emoji: ChatEmoji): Promise<void> {
    try {
      await this.options.client.reactions.add({ channel: channelId, timestamp: messageId, name: emoji.name });
    } catch (error) {
      if (slackErrorCode(error) !== 'already_reacted') throw error;
    }
  }

  /** A Slack channel is its own; its workspace is the one the bot token belongs to (for workspace-wide entries). */
  async configPlaceOf(channelId: string): Promise<{ channelId: string; workspaceId?: string }> {
    const workspaceId = this.options.identity.teamId;
    return { channelId, ...(workspaceId ? { workspaceId } : {}) };
  }

  async messageOf(channelId: string, messageId: string): Promise<PlatformMessage | undefined> {
    // conversations.replies takes any message of a thread (or a message without one) and returns its thread.
    const result = await this.options.client.conversations.replies({ channel: channelId, ts: messageId, limit: 200 });
    const message = (result.messages ?? []).find((m) => m.ts === messageId);
    if (!message?.ts) return undefined;
    const { botUserId } = this.options.identity;
    const names = await this.options.directory.mentionNames(message.text ?? '');
    return {
      messageId: message.ts,
      threadId: message.thread_ts ?? message.ts,
      userId: message.user ?? '',
      text: slackTextToPlain(message.text ?? '', botUserId, names),
      fromBot: isFromBot(message, this.options.identity),
      postedAt: new Date(Number(message.ts) * 1000).toISOString(),
    };
  }

  async namesOf(userId: string, channelId: string): Promise<{ user: string; channel: string }> {
    const names = await this.options.directory.mentionNames(`<@${userId}> <#${channelId}>`);
    return { user: names.users.get(userId) ?? userId, channel: names.channels.get(channelId) ?? channelId };
  }

  async markWorking(channelId: string, messageId: string, working: boolean): Promise<void> {
    const args = { channel: channelId, timestamp: messageId, name: WORKING_EMOJI };
    try {
      if (working) await this.options.client.reactions.add(args);
      else await this.options.client.reactions.remove(args);
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code === 'already_reacted' || code === 'no_reaction') return;
      throw error;
    }
  }

  async threadHistory(thread: ThreadRef, before: string): Promise<HistoryMessage[]> {
    const { botUserId, botId } = this.options.identity;
    const result = await this.options.client.conversations.replies({ channel: thread.channelId, ts: thread.threadId, limit: 50 });
    const earlier = (result.messages ?? []).filter((m) => m.ts !== undefined && m.ts !== before && Number(m.ts) < Number(before));
    const names = await this.options.directory.mentionNames(earlier.map((m) => m.text ?? '').join('\n'));
    return earlier.map((m) => {
      const fromLore = m.user === botUserId || (botId !== undefined && m.bot_id === botId);
      return { messageId: m.ts!, fromLore, text: fromLore ? (m.text ?? '') : slackTextToPlain(m.text ?? '', botUserId, names) };
    });
  }

  async nameMentions(message: IncomingMessage): Promise<string> {
    const raw = message.rawText ?? message.text;
    return slackTextToPlain(raw, this.options.identity.botUserId, await this.options.directory.mentionNames(raw));
  }

  /**
   * Workspace admins and owners of the workspace Lore is installed in; a guest or someone of a connected workspace
   * never is. Throws PlatformUnavailableError when Slack cannot say (rate limited, unreachable).
   */
  async isPlatformAdmin(userId: string): Promise<boolean> {
    const user = await this.options.directory.user(userId);
    if (!user?.admin) return false;
    const workspace = this.options.identity.teamId;
    return workspace === undefined ? !user.guest : audienceOf(user, workspace) === 'member';
  }

  async audienceOf(message: Pick<IncomingMessage, 'userId' | 'workspaceId' | 'userWorkspaceId'>): Promise<Audience> {
    // Without the installed workspace there is nothing to be a member of.
    if (!message.workspaceId) return 'guest';
    return this.options.audience.of(message.userId, message.workspaceId, message.userWorkspaceId);
  }

  async fileDetails(file: IncomingFile): Promise<FileDetails> {
    const result = await this.options.client.files.info({ file: file.id }).catch((error: unknown) => {
      throw fileInfoError(error);
    });
    const info = result.file;
    if (!info?.id) throw new UploadRefusedError(GONE);
    const name = nameWithSlackType(info.name ?? file.name ?? info.id, info.filetype, info.mimetype ?? file.mimeType);
    const downloadUrl = info.url_private_download ?? info.url_private;
    if (!downloadUrl) throw new UploadRefusedError(`${name} cannot be downloaded (it may be an external file or a post).`);
    return {
      id: info.id,
      name,
      title: info.title?.trim() || name,
      sizeBytes: info.size ?? file.sizeBytes ?? 0,
      mimeType: info.mimetype ?? file.mimeType,
      permalink: info.permalink ?? downloadUrl,
      downloadUrl,
    };
  }

  async download(file: FileDetails, maxBytes: number): Promise<Uint8Array> {
    const url = new URL(file.downloadUrl);
    // The bot token goes only to Slack: a file URL pointing anywhere else is refused, never fetched.
    const trusted =
      (url.protocol === 'https:' && (url.hostname === 'slack.com' || url.hostname.endsWith('.slack.com'))) ||
      (this.options.extraFileOrigins ?? []).includes(url.origin);
    if (!trusted) throw new UploadRefusedError(`${file.name} is not hosted by Slack (${url.origin}), so I won't download it.`);
    return downloadUpload(url, {
      name: file.name,
      platform: 'Slack',
      maxBytes,
      timeoutMs: this.options.downloadTimeoutMs ?? 60_000,
      headers: { authorization: `Bearer ${this.options.botToken}` },
      // A redirect usually means Slack wants a login (the token lacks files:read); never follow it with the token.
      redirect: 'manual',
      hint: (status) => (status >= 300 && status < 400 ? ' (Lore may be missing the files:read scope)' : ''),
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.posts.limiters().map(({ limiter }) => limiter.stop({ dropWaitingJobs: false }).catch(() => undefined)));
  }
}

function threadKey(thread: ThreadRef): string {
  return `${thread.channelId}:${thread.threadId}`;
}

const GONE = 'that file is no longer available in Slack (it may have been deleted).';

/** What a failed `files.info` means for the person who shared the file: final codes read as final. */
function fileInfoError(error: unknown): Error {
  const unavailable = slackUnavailable(error);
  if (unavailable) return unavailable;
  switch (slackErrorCode(error)) {
    case 'file_not_found':
    case 'file_deleted':
      return new UploadRefusedError(GONE);
    case 'access_denied':
    case 'not_visible':
    case 'missing_scope':
      return new UploadRefusedError('Lore is not allowed to read that file in Slack (it may be in a conversation Lore is not part of).');
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}
