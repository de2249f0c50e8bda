// The contract between the conversation layer and one chat platform. The conversation decides what to say and
// when; the adapter (bot/slack, bot/discord) only translates events in and renders messages out.
import type { Answer, Citation } from '../../rag/types.ts';
import type { Audience, Responders } from './chat-config.ts';
import type { ChatEmoji } from './offer-help-emoji.ts';

/** A message read back from the platform (a reply someone wants saved as the answer). */
export interface PlatformMessage {
  messageId: string;
  /** The thread it is in (a Discord thread: the thread's id; otherwise the root message's id). */
  threadId: string;
  /** The message it replies to, when the platform says (a Discord reply). */
  repliesTo?: string;
  userId: string;
  /** Plain text, mentions named. */
  text: string;
  fromBot: boolean;
  /** ISO-8601. */
  postedAt: string;
}

/** Where a conversation happens: a channel (or DM) and the thread's root message. */
export interface ThreadRef {
  channelId: string;
  threadId: string;
}

/** A file attached to a message, as the event describes it (the platform may need to look up the rest). */
export interface IncomingFile {
  id: string;
  name?: string;
  sizeBytes?: number;
  mimeType?: string;
}

/** Everything known about a file before downloading it. */
export interface FileDetails {
  id: string;
  name: string;
  title: string;
  sizeBytes: number;
  mimeType?: string;
  /** Where citations of the file link to. */
  permalink: string;
  /** Where the adapter downloads it from (with the bot's credentials). */
  downloadUrl: string;
}

/** A message someone wrote, already turned into plain text (mentions of the bot removed). */
export interface IncomingMessage {
  /** The platform's id for this delivery; re-deliveries carry the same id. */
  eventId: string;
  /** The workspace Lore is installed in (a Slack team, a Discord server), never a connected one. */
  workspaceId?: string;
  /** The asker's own workspace, when the platform names it and it may differ (a Slack Connect channel). */
  userWorkspaceId?: string;
  channelId: string;
  isDirect: boolean;
  /**
   * The channel whose source scope, uploads and rate limit apply, when the message is in a sub-channel of it (a
   * Discord thread is a channel of its own); defaults to channelId.
   */
  scopeChannelId?: string;
  /**
   * Where files shared in this message are kept and whose uploads a question here sees, when narrower than the scope
   * channel (a Discord private thread: visible to its members only); defaults to scopeChannelId.
   */
  uploadScopeId?: string;
  /**
   * The platform could not tell which channel's scope applies (a thread whose channel could not be fetched): only
   * the uploads shared in this very place are searched. Any doubt scopes narrower, never wider.
   */
  scopeUnknown?: boolean;
  /** The message's own id. */
  messageId: string;
  /** The thread it belongs to (its own id when it starts one). */
  threadId: string;
  /** True when the message is a reply inside an existing thread. */
  inThread: boolean;
  userId: string;
  /** Sent by a bot or an app (including Lore itself): never answered. */
  fromBot: boolean;
  mentionsBot: boolean;
  /** Addressed to everyone (Slack's <!channel>/<!here>, Discord's @everyone/@here, an announcement channel): never a question for Lore unasked. */
  broadcast?: boolean;
  /** Mentions a person or group other than Lore: meant for them, so Lore answers it only when mentioned too. */
  mentionsOthers?: boolean;
  text: string;
  /**
   * The text as the platform sent it, when it mentions people or channels by id alone: ChatPlatform.nameMentions
   * turns those into names once the message turns out to be a question (a lookup each, so not before).
   */
  rawText?: string;
  files: IncomingFile[];
}

/** A message someone edited: its new version (`eventId` is the edit's delivery). */
export interface IncomingEdit {
  message: IncomingMessage;
  /** How long after writing the message it was edited, by the platform's clock. */
  editedAfterMs: number;
}

export interface HistoryMessage {
  messageId: string;
  fromLore: boolean;
  text: string;
}

/** A citation with when its source was last brought up to date. */
export interface CitedSource extends Citation {
  lastSyncedAt?: string;
}

/**
 * "Ask a person": the message that mentions a channel's responders. Its texts are already redacted; the platform
 * neutralises them like every text, and builds the one deliberate mention from `responders` (configured ids only).
 */
export interface HandOffNotice {
  /** The hand-off's id: the "Resolved" button carries it. */
  id: string;
  responders: Responders;
  /** The question, as Lore understood it. */
  question: string;
  /** What Lore searched ("Notion, GitHub and the files"). */
  searched: string;
  /** The closest sources it found, by title. */
  closest: string[];
  /** Someone marked the thread resolved: shown without the mention and the button. */
  resolved?: boolean;
}

/** What the conversation posts; each platform renders it its own way. Texts are Markdown. */
export type OutgoingMessage =
  /** Shown at once while Lore works on the answer. */
  | { kind: 'working' }
  /** The answer streamed so far (`notice` e.g. when the model failed and an extractive answer follows). */
  | { kind: 'streaming'; text: string; notice?: string }
  /** `handOff`: the answer is an abstention in a channel with responders, so it offers "Ask a person". */
  | { kind: 'answer'; answer: Answer; sources: CitedSource[]; handOff?: boolean }
  | { kind: 'notice'; text: string; tone: 'info' | 'error' }
  /** After a 👎 in a channel with responders: "Ask a person" for that answer. */
  | { kind: 'handoff-offer'; answerId: string }
  | { kind: 'handoff'; handOff: HandOffNotice };

/** Messages only one person sees. */
export type PrivateMessage =
  /** After a 👎: an invitation to say, in one line, what was wrong. */
  { kind: 'feedback-invite'; answerId: string } | { kind: 'notice'; text: string };

/** The final rendering of an answer: what `post`/`update` show last, and what a native stream ends with. */
export type AnswerMessage = Extract<OutgoingMessage, { kind: 'answer' }>;

/**
 * A message the platform writes as the answer streams in (Slack's chat streaming), instead of a placeholder edited
 * over and over. Text appended is Markdown, already redacted by the pipeline; the platform neutralises it.
 */
export interface StreamedMessage {
  /** The message's id (the platform created it when the stream started). */
  readonly messageId: string;
  /** Adds text to the end. A failed append is not fatal: the final rendering replaces the whole text. */
  append(text: string): Promise<void>;
  /** Stops the stream with the final answer (sources, footer, feedback) in place of what was streamed. */
  finish(message: AnswerMessage): Promise<void>;
  /** Stops the stream without an answer, so the message can be edited into an error notice. Never throws. */
  abandon(): Promise<void>;
}

/** Who a streamed answer is written for (Slack needs the recipient outside direct messages). */
export interface StreamRecipient {
  userId: string;
  workspaceId?: string;
}

export interface ChatPlatform {
  /** `slack`, `discord`: stored with answers and feedback. */
  readonly name: string;
  post(thread: ThreadRef, message: OutgoingMessage): Promise<string>;
  update(thread: ThreadRef, messageId: string, message: OutgoingMessage): Promise<void>;
  postPrivate(thread: ThreadRef, userId: string, message: PrivateMessage): Promise<void>;
  /** Reacts to a message with an emoji (a support channel's offer of help). */
  addReaction(channelId: string, messageId: string, emoji: ChatEmoji): Promise<void>;
  /**
   * The channel whose configuration applies to messages in `channelId`, and its workspace, when the platform knows
   * more than the id (a Discord thread: its parent channel and server). Platforms where a channel is its own omit it.
   */
  configPlaceOf?(channelId: string): Promise<{ channelId: string; workspaceId?: string; uploadScopeId?: string }>;
  /** A message of a channel, or undefined when it cannot be read. */
  messageOf(channelId: string, messageId: string): Promise<PlatformMessage | undefined>;
  /** How people see a user and a channel named (`maria`, `support`); the ids themselves when the platform cannot say. */
  namesOf(userId: string, channelId: string): Promise<{ user: string; channel: string }>;
  /** Marks the asker's message as being worked on (👀), or clears the mark. Best effort. */
  markWorking(channelId: string, messageId: string, working: boolean): Promise<void>;
  /** Earlier messages of a thread, oldest first, without the message `before`. */
  threadHistory(thread: ThreadRef, before: string): Promise<HistoryMessage[]>;
  /** Workspace/server administrators may run admin commands even when not listed in LORE_ADMINS. */
  isPlatformAdmin(userId: string, channelId?: string): Promise<boolean>;
  /** Who asks, seen from the workspace Lore is installed in; platforms without guests or connected workspaces omit it. */
  audienceOf?(message: Pick<IncomingMessage, 'userId' | 'workspaceId' | 'userWorkspaceId'>): Promise<Audience>;
  /**
   * The message's text with the people and channels it mentions by id named (`@maria`, `#general`), or a neutral
   * `@U123` where a name cannot be had: a mention is part of the question and is never dropped. Never throws.
   * Platforms whose events carry names already omit it.
   */
  nameMentions?(message: IncomingMessage): Promise<string>;
  /**
   * Starts a natively streamed answer in the thread, or resolves undefined when the platform cannot stream there
   * (then the answer is posted and edited as it grows). Never throws. Platforms without native streaming omit it.
   */
  startStream?(thread: ThreadRef, recipient: StreamRecipient): Promise<StreamedMessage | undefined>;
  /**
   * Says what Lore is doing while it answers ("searching Notion…"), where the platform shows such a status (Slack's
   * assistant threads); a no-op elsewhere. Best effort, never throws. An empty text clears it.
   */
  showStatus?(thread: ThreadRef, status: string): Promise<void>;
  fileDetails(file: IncomingFile): Promise<FileDetails>;
  /** Downloads with the bot's credentials, refusing more than `maxBytes`. */
  download(file: FileDetails, maxBytes: number): Promise<Uint8Array>;
}

/** Where a message's uploads are kept and searched: the narrowest place the conversation is visible in. */
export function uploadScopeOf(message: IncomingMessage): string {
  return message.uploadScopeId ?? message.scopeChannelId ?? message.channelId;
}
