// Slack events as the conversation layer sees them. Only what a person wrote is a message to Lore: deletions, joins
// and other housekeeping subtypes are not, and neither is anything a bot or app posted. An edit is read apart
// (editFromEvent): it may change a question Lore answered.
import type { IncomingEdit, IncomingMessage } from '../conversation/chat-platform.ts';
import type { SlackIdentity } from './slack-platform.ts';
import { hasUnnamedMentions, mentionsUser, slackTextToPlain } from './slack-text.ts';

/** The fields of `app_mention` and `message` events Lore reads. */
export interface SlackMessageEvent {
  type: string;
  subtype?: string;
  channel?: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  /** Present on messages posted by an app, even when `bot_id` is missing. */
  bot_profile?: { id?: string };
  text?: string;
  ts?: string;
  event_ts?: string;
  thread_ts?: string;
  team?: string;
  /** The asker's own workspace (Slack Connect: may differ from the one Lore is installed in). */
  user_team?: string;
  files?: { id: string; name?: string; size?: number; mimetype?: string }[];
}

/**
 * Slackbot writes as a user (`USLACKBOT`) without a `bot_id`: its notices ("You have been removed from #x") would
 * otherwise read as questions in a DM.
 */
export const SLACKBOT_USER_ID = 'USLACKBOT';

/** Whether a message was written by a bot or an app (Slackbot and Lore included) rather than a person. */
export function isFromBot(event: Pick<SlackMessageEvent, 'user' | 'bot_id' | 'bot_profile' | 'subtype'>, identity: SlackIdentity): boolean {
  return (
    event.bot_id !== undefined ||
    event.bot_profile !== undefined ||
    event.subtype === 'bot_message' ||
    !event.user ||
    event.user === SLACKBOT_USER_ID ||
    event.user === identity.botUserId
  );
}

/** Subtypes that are still someone writing (a file shared with text, a reply also sent to the channel). */
const READ_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

/**
 * The message in an `app_mention` or `message` event, or undefined when it is not one Lore should read. A channel
 * message that mentions Lore also arrives as `app_mention` (with another event id): only that one is used.
 * `workspaceId` is the workspace Lore is installed in, never the asker's own (they differ in Slack Connect).
 */
export function messageFromEvent(
  event: SlackMessageEvent,
  eventId: string,
  workspaceId: string | undefined,
  identity: SlackIdentity,
): IncomingMessage | undefined {
  const message = readMessage(event, eventId, workspaceId, identity);
  if (event.type === 'message' && message && !message.isDirect && message.mentionsBot) return undefined;
  return message;
}

/** A `message_changed` event: the edited message (`message`) and what it said before (`previous_message`). */
export interface SlackEditEvent extends SlackMessageEvent {
  message?: SlackMessageEvent & { edited?: { user?: string; ts?: string } };
  previous_message?: { ts?: string; text?: string };
}

/**
 * The new version of an edited message, or undefined when the event is not an edit Lore should read. Edits have
 * no `app_mention` twin, so an edited channel message that mentions Lore is read here. How long after writing it
 * the message was edited comes from Slack's own timestamps (`edited.ts` and the message's `ts`).
 */
export function editFromEvent(
  event: SlackEditEvent,
  eventId: string,
  workspaceId: string | undefined,
  identity: SlackIdentity,
): IncomingEdit | undefined {
  const edited = event.message;
  if (event.subtype !== 'message_changed' || !edited || !event.channel) return undefined;
  const ts = edited.ts ?? event.previous_message?.ts;
  if (!ts) return undefined;
  const message = readMessage(
    { ...edited, type: 'message', channel: event.channel, channel_type: event.channel_type, ts },
    eventId,
    workspaceId,
    identity,
  );
  if (!message) return undefined;
  const editedAt = Number(edited.edited?.ts ?? event.event_ts ?? event.ts);
  return { message, editedAfterMs: Number.isFinite(editedAt) ? Math.max(0, (editedAt - Number(ts)) * 1000) : Number.POSITIVE_INFINITY };
}

/** `<!channel>`, `<!here>`, `<!everyone>`: written to everyone. */
const BROADCAST = /<!(?:channel|here|everyone)(?:\|[^>]*)?>/;

/** Whether the text mentions a person (other than Lore) or a user group. */
function mentionsSomeoneElse(text: string, botUserId: string): boolean {
  if (/<!subteam\^/.test(text)) return true;
  for (const match of text.matchAll(/<@([A-Z0-9]+)(?:\|[^>]*)?>/g)) if (match[1] !== botUserId) return true;
  return false;
}

function readMessage(
  event: SlackMessageEvent,
  eventId: string,
  workspaceId: string | undefined,
  identity: SlackIdentity,
): IncomingMessage | undefined {
  if (!READ_SUBTYPES.has(event.subtype) || !event.channel || !event.ts) return undefined;
  const text = event.text ?? '';
  const isDirect = event.channel_type === 'im' || (event.channel_type === undefined && event.channel.startsWith('D'));
  const mentionsBot = event.type === 'app_mention' || mentionsUser(text, identity.botUserId);
  const fromBot = isFromBot(event, identity);
  return {
    eventId,
    workspaceId: workspaceId ?? event.team,
    channelId: event.channel,
    isDirect,
    messageId: event.ts,
    threadId: event.thread_ts ?? event.ts,
    inThread: event.thread_ts !== undefined && event.thread_ts !== event.ts,
    userId: event.user ?? '',
    ...(event.user_team ? { userWorkspaceId: event.user_team } : {}),
    fromBot,
    mentionsBot,
    ...(BROADCAST.test(text) ? { broadcast: true } : {}),
    ...(mentionsSomeoneElse(text, identity.botUserId) ? { mentionsOthers: true } : {}),
    text: slackTextToPlain(text, identity.botUserId),
    ...(hasUnnamedMentions(text, identity.botUserId) ? { rawText: text } : {}),
    files: (event.files ?? []).map((file) => ({ id: file.id, name: file.name, sizeBytes: file.size, mimeType: file.mimetype })),
  };
}
