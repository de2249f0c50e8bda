import type { IncomingMessage as HttpRequest, ServerResponse } from 'node:http';
import {
  App,
  HTTPReceiver,
  webApi,
  type BlockAction,
  type BlockButtonAction,
  type BlockFeedbackButtonsAction,
  type ButtonAction,
  type MessageShortcut,
  type SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { Logger } from 'pino';
import { LoreError } from '../../rag/errors.ts';
import { parseSlashCommand } from '../conversation/chat-command.ts';
import type { Conversation, CommandResponder } from '../conversation/conversation.ts';
import type { ChatPlatform } from '../conversation/chat-platform.ts';
import { boltLogger } from './bolt-logger.ts';
import { FEEDBACK_REASON_VIEW, feedbackReasonModal, readFeedbackReason } from './feedback-reason-modal.ts';
import {
  FEEDBACK_BUTTON_VALUES,
  FEEDBACK_BUTTONS_ACTION,
  FEEDBACK_REASON_ACTION,
  HAND_OFF_ACTION,
  HAND_OFF_RESOLVED_ACTION,
} from './slack-blocks.ts';
import type { AssistantThreadStore } from './assistant-thread-store.ts';
import { createSlackAssistant } from './slack-assistant.ts';
import { SlackAudience } from './slack-audience.ts';
import { SlackDirectory } from './slack-directory.ts';
import { editFromEvent, messageFromEvent, type SlackEditEvent, type SlackMessageEvent } from './slack-events.ts';
import { SlackPlatform, type SlackIdentity } from './slack-platform.ts';
import { acknowledgeUnrouted } from './unrouted-deliveries.ts';
import { markdownToMrkdwn } from './markdown-to-mrkdwn.ts';

// Lore in Slack, with Bolt. This file only translates: Slack events, slash commands and interactions become calls
// on the conversation layer; what it posts is rendered by SlackPlatform. Socket Mode when an app-level token is
// given (no public URL needed); otherwise HTTP, where Bolt verifies each request's signature before anything runs.

export const SLACK_EVENTS_PATH = '/slack/events';
/** The callback id of the "Save as verified answer" message shortcut (bot/slack-manifest.yml). */
export const SAVE_VERIFIED_SHORTCUT = 'lore_save_verified';

/** Slack must have an answer to a slash command within 3 s; a lookup made before it gets less. */
const LOOKUP_TIMEOUT_MS = 2_000;

export interface SlackBotOptions {
  botToken: string;
  /** Required in HTTP mode. */
  signingSecret?: string;
  /** Socket Mode when set (`xapp-…`). */
  appToken?: string;
  /** Web API base URL (tests point it at a local fake). */
  apiUrl?: string;
  conversation: Conversation;
  /** The assistant panel's threads (the viewed channel, the title), in the store replicas share. */
  assistantThreads: AssistantThreadStore;
  log: Logger;
  /** Per Web API call. */
  requestTimeoutMs?: number;
  /** Retries per Web API call (429s wait for Retry-After). */
  retries?: number;
  /** See SlackPlatformOptions.postBurst. */
  postBurst?: number;
  /** The workspaces Lore answers in (SLACK_TEAM_IDS); default: the one the bot token belongs to. */
  teamIds?: string[];
}

/** What Lore reads of an event's envelope: which delivery, and the workspace the app is installed in. */
interface EventEnvelope {
  event_id?: string;
  team_id?: string;
  authorizations?: Array<{ team_id?: string | null }>;
}

export interface SlackBot {
  readonly mode: 'http' | 'socket';
  readonly identity: SlackIdentity;
  /** What the conversation layer posts through (also outside an event: stale-source notices). */
  readonly platform: ChatPlatform;
  /** HTTP mode: handles `POST /slack/events` (events, slash commands, interactivity). */
  readonly handleRequest?: (req: HttpRequest, res: ServerResponse) => void;
  stop(): Promise<void>;
}

/** SLACK_BOT_TOKEN belongs to no bot user (a user or app token): no retry can mend it. */
export class NotABotTokenError extends LoreError {
  override readonly code: string = 'not_a_bot_token';
  override name = 'NotABotTokenError';

  constructor() {
    super('Slack auth.test returned no bot user id: is SLACK_BOT_TOKEN a bot token (xoxb-…)?');
  }
}

/** Connects Lore to Slack: checks the token (auth.test), registers the handlers, and in Socket Mode opens the socket. */
export async function startSlackBot(options: SlackBotOptions): Promise<SlackBot> {
  const { conversation } = options;
  const log = options.log.child({ platform: 'slack' });
  const socketMode = options.appToken !== undefined;
  if (!socketMode && !options.signingSecret) {
    throw new Error('SLACK_SIGNING_SECRET is required to receive Slack events over HTTP (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  const logger = boltLogger(log);
  const timeoutMs = options.requestTimeoutMs ?? 15_000;
  const clientOptions: webApi.WebClientOptions = {
    // The Web API client sets its own timeout; `respond()` (slash command follow-ups) gets one here.
    fetch: (input, init) => fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) }),
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    timeout: timeoutMs,
    retryConfig: { retries: options.retries ?? 3, factor: 2, minTimeout: 500, maxTimeout: 30_000, randomize: true },
    maxRequestConcurrency: 10,
    // Method names only: an absolute URL must never receive the bot token.
    allowAbsoluteUrls: false,
  };
  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({ signingSecret: options.signingSecret!, endpoints: SLACK_EVENTS_PATH, logger, processBeforeResponse: false });
  const app = new App({
    token: options.botToken,
    logger,
    clientOptions,
    deferInitialization: true,
    // Lore keeps its own state (SQLite); Bolt's in-memory conversation store would only grow.
    convoStore: false,
    ...(socketMode ? { socketMode: true, appToken: options.appToken } : { receiver }),
  });
  app.error(async (error) => {
    log.error({ err: error }, 'Slack handler failed');
  });
  await app.init();
  const auth = await app.client.auth.test();
  if (!auth.user_id) throw new NotABotTokenError();
  const identity: SlackIdentity = { botUserId: auth.user_id, botId: auth.bot_id, ...(auth.team_id ? { teamId: auth.team_id } : {}) };
  const apiOrigin = options.apiUrl ? new URL(options.apiUrl).origin : undefined;
  // Lookups that have an honest answer without Slack (who is mentioned, may they sync) must not sit out a
  // Retry-After: a 429 fails them at once, and the caller keeps the id or says Slack is rate limiting.
  const lookups = new webApi.WebClient(options.botToken, {
    ...clientOptions,
    logger,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: Math.min(timeoutMs, LOOKUP_TIMEOUT_MS),
  });
  const directory = new SlackDirectory({ client: lookups, patientClient: app.client, log });
  const audience = new SlackAudience({ directory, log });
  const platform = new SlackPlatform({
    client: app.client,
    audience,
    directory,
    botToken: options.botToken,
    identity,
    log,
    extraFileOrigins: apiOrigin ? [apiOrigin] : [],
    postBurst: options.postBurst,
  });

  const installedTeam = auth.team_id;
  const teamIds = options.teamIds && options.teamIds.length > 0 ? options.teamIds : installedTeam ? [installedTeam] : [];
  /**
   * The workspace an event is for: the one Lore is installed in (`authorizations`), not the envelope's `team_id`,
   * which in a Slack Connect channel is the connected workspace the message came from. Undefined: not one of ours.
   */
  const workspaceOf = (body: EventEnvelope): string | undefined => {
    const workspace = body.authorizations?.[0]?.team_id ?? installedTeam ?? body.team_id;
    if (workspace && teamIds.includes(workspace)) return workspace;
    log.info({ workspace, eventId: body.event_id }, 'event from a workspace Lore is not configured for (SLACK_TEAM_IDS): ignored');
    return undefined;
  };

  const onMessage = async ({ event, body }: { event: unknown; body: EventEnvelope }) => {
    const workspace = workspaceOf(body);
    if (!workspace) return;
    const edit = editFromEvent(event as SlackEditEvent, body.event_id ?? '', workspace, identity);
    // Lore's own streamed edits come back as message_changed too: dropped here, before any work.
    if (edit) {
      if (!edit.message.fromBot && edit.message.eventId) void conversation.handleEdit(platform, edit);
      return;
    }
    const message = messageFromEvent(event as SlackMessageEvent, body.event_id ?? '', workspace, identity);
    if (!message?.eventId) return;
    void conversation.handleMessage(platform, message);
  };
  // Before the `message` listener: the assistant panel's messages are its own (Bolt stops them there).
  app.assistant(createSlackAssistant({ conversation, platform, identity, threads: options.assistantThreads, log, workspaceOf }));
  app.event('app_mention', onMessage);
  app.event('message', onMessage);

  const onReaction =
    (added: boolean) =>
    async ({ event, body }: { event: ReactionEvent; body: EventEnvelope }) => {
      if (!workspaceOf(body)) return;
      // Reactions on Lore's answers can be feedback; on someone's question, the taking up of Lore's offer of help.
      // The conversation tells which; Lore's own reactions (👀, the offer itself) are nothing.
      if (event.item.type !== 'message' || event.user === identity.botUserId) return;
      void conversation.handleReaction(platform, {
        eventId: body.event_id,
        channelId: event.item.channel,
        messageId: event.item.ts,
        userId: event.user,
        emoji: event.reaction,
        added,
      });
    };
  app.event('reaction_added', onReaction(true));
  app.event('reaction_removed', onReaction(false));

  app.command('/lore', async ({ command, ack, respond }) => {
    let acknowledged = false;
    const responder: CommandResponder = {
      acknowledge: async (text) => {
        if (acknowledged) return responder.followUp(text);
        acknowledged = true;
        await ack({ response_type: 'ephemeral', text: markdownToMrkdwn(text) });
      },
      followUp: async (text) => {
        await respond({ response_type: 'ephemeral', replace_original: false, text: markdownToMrkdwn(text) });
      },
    };
    // No audience here: only a sync needs one, and the admin check (SlackPlatform.isPlatformAdmin) already refuses
    // guests and other workspaces while telling "Slack could not say" apart from "no".
    await conversation.handleCommand(
      platform,
      { userId: command.user_id, channelId: command.channel_id, command: parseSlashCommand(command.text) },
      responder,
    );
    if (!acknowledged) await ack();
  });

  app.action<BlockButtonAction>(FEEDBACK_REASON_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    await client.views.open({ trigger_id: body.trigger_id, view: feedbackReasonModal(action.value ?? '') });
  });

  app.action<BlockFeedbackButtonsAction>(FEEDBACK_BUTTONS_ACTION, async ({ ack, body, action }) => {
    await ack();
    const rating = action.value === FEEDBACK_BUTTON_VALUES.up ? 'up' : action.value === FEEDBACK_BUTTON_VALUES.down ? 'down' : undefined;
    const channelId = body.channel?.id ?? body.container.channel_id;
    const messageId = body.message?.ts ?? body.container.message_ts;
    if (!rating || !channelId || !messageId) return;
    void conversation.handleFeedbackButton(platform, { channelId, messageId, userId: body.user.id, rating });
  });

  // "Ask a person" and "Resolved": the conversation does the work; its word for the clicker is shown to them only.
  const onHandOffButton =
    (handle: (value: string, click: { userId: string; channelId: string }) => Promise<string>) =>
    async ({ ack, body, action, respond }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>>) => {
      await ack();
      const channelId = body.channel?.id ?? body.container.channel_id;
      if (!action.value || !channelId) return;
      const reply = await handle(action.value, { userId: body.user.id, channelId });
      await respond({ response_type: 'ephemeral', replace_original: false, text: markdownToMrkdwn(reply) }).catch((error: unknown) =>
        log.warn({ err: error }, 'could not answer a hand-off click'),
      );
    };
  app.action<BlockButtonAction>(
    HAND_OFF_ACTION,
    onHandOffButton((answerId, click) => conversation.handleHandOff(platform, answerId, click)),
  );
  app.action<BlockButtonAction>(
    HAND_OFF_RESOLVED_ACTION,
    onHandOffButton((handOffId, click) => conversation.handleHandOffResolved(platform, handOffId, click)),
  );

  // "Save as verified answer" on a message (the manifest's message shortcut): the asker or an admin saves a person's
  // reply in a thread Lore answered in. What Lore says goes to the person who used it only.
  app.shortcut<MessageShortcut>({ callback_id: SAVE_VERIFIED_SHORTCUT, type: 'message_action' }, async ({ ack, shortcut, respond }) => {
    await ack();
    if (shortcut.team?.id && !teamIds.includes(shortcut.team.id)) return;
    const reply = await conversation.handleSaveVerified(platform, {
      channelId: shortcut.channel.id,
      messageId: shortcut.message.ts,
      userId: shortcut.user.id,
      via: 'shortcut',
    });
    await respond({ response_type: 'ephemeral', replace_original: false, text: markdownToMrkdwn(reply) }).catch((error: unknown) =>
      log.warn({ err: error }, 'could not answer the save shortcut'),
    );
  });

  app.view(FEEDBACK_REASON_VIEW, async ({ ack, view, body }) => {
    await ack();
    const submitted = readFeedbackReason(view);
    if (submitted) await conversation.recordFeedbackReason(platform, submitted.answerId, body.user.id, submitted.reason);
  });

  acknowledgeUnrouted(
    app,
    { actions: [FEEDBACK_REASON_ACTION, FEEDBACK_BUTTONS_ACTION, HAND_OFF_ACTION, HAND_OFF_RESOLVED_ACTION], views: [FEEDBACK_REASON_VIEW] },
    log,
  );

  if (socketMode) await app.start();
  log.info({ mode: socketMode ? 'socket' : 'http', botUserId: identity.botUserId, team: auth.team_id, answersIn: teamIds }, 'connected to Slack');
  return {
    mode: socketMode ? 'socket' : 'http',
    identity,
    platform,
    ...(receiver ? { handleRequest: (req: HttpRequest, res: ServerResponse) => receiver.requestListener(req, res) } : {}),
    stop: async () => {
      if (socketMode) await app.stop().catch((error: unknown) => log.warn({ err: error }, 'closing the Slack socket failed'));
      await platform.close();
    },
  };
}

interface ReactionEvent {
  user: string;
  reaction: string;
  item_user?: string;
  item: { type: string; channel: string; ts: string };
}
