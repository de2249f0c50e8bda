import { Assistant, type AssistantConfig } from '@slack/bolt';
import type { Logger } from 'pino';
import type { IncomingMessage } from '../conversation/chat-platform.ts';
import type { Conversation } from '../conversation/conversation.ts';
import type { AssistantThreadContext, AssistantThreadRef, AssistantThreadStore } from './assistant-thread-store.ts';
import { messageFromEvent, type SlackMessageEvent } from './slack-events.ts';
import type { SlackIdentity, SlackPlatform } from './slack-platform.ts';

// Lore in Slack's "Agents & AI Apps" side panel, through Bolt's Assistant class
// (https://docs.slack.dev/tools/bolt-js/concepts/ai-apps). Opening the panel (`assistant_thread_started`) greets
// the person and offers suggested prompts; a question in the panel is answered like a direct message, except that
// the channel the person is viewing beside the panel (the thread context) decides the scope, as a mention there
// would. While Lore answers, the panel's status line says what it is doing; the thread is titled by its first question.
// The context and the title are kept in the store replicas share (assistant-thread-store.ts): the thread's events
// may reach any replica.

/** The fields of an envelope the assistant handlers read. */
interface AssistantEnvelope {
  event_id?: string;
  team_id?: string;
  authorizations?: Array<{ team_id?: string | null }>;
}

export interface SlackAssistantOptions {
  conversation: Conversation;
  platform: SlackPlatform;
  identity: SlackIdentity;
  /** The panel threads' contexts and titles, in the store replicas share. */
  threads: AssistantThreadStore;
  log: Logger;
  /** The workspace an event is for, when it is one Lore answers in (as for every other event). */
  workspaceOf(body: AssistantEnvelope): string | undefined;
}

export const ASSISTANT_GREETING =
  "Hi! I'm Lore. Ask me anything about your team's docs and I'll answer with sources. I answer from what the channel you're viewing may see.";
const PROMPTS_TITLE = 'Often asked';
/** Slack cuts a prompt's title short in the panel; the whole question goes in its message. */
const PROMPT_TITLE_CHARS = 60;
/** Slack cuts thread titles short in the history list. */
const TITLE_CHARS = 80;

/** The panel thread an assistant event or a message in it belongs to. */
function threadOf(payload: unknown): AssistantThreadRef | undefined {
  const event = payload as { assistant_thread?: { channel_id?: string; thread_ts?: string }; channel?: string; thread_ts?: string };
  const channelId = event.assistant_thread?.channel_id ?? event.channel;
  const threadTs = event.assistant_thread?.thread_ts ?? event.thread_ts;
  return channelId && threadTs ? { channelId, threadTs } : undefined;
}

/**
 * Bolt's thread context store over Lore's store, by channel and thread. Bolt's default keeps one context for all
 * threads at once (the last one saved), which would give one person's channel scope to another's question. A thread
 * whose context was never saved (opened before this store, or a day idle) is unknown until Slack sends it again: its
 * questions get the direct-message scope.
 */
function threadContextStore(threads: AssistantThreadStore): NonNullable<AssistantConfig['threadContextStore']> {
  return {
    get: async ({ payload }) => {
      const thread = threadOf(payload);
      return (thread && (await threads.find(thread))) || {};
    },
    save: async ({ payload }) => {
      const thread = threadOf(payload);
      const context = (payload as { assistant_thread?: { context?: AssistantThreadContext } }).assistant_thread?.context;
      if (thread && context) await threads.save(thread, context);
    },
  };
}

/** The channel whose scope applies: the one being viewed, unless it is a direct message (where no mention goes). */
function viewedChannel(context: AssistantThreadContext): string | undefined {
  const channel = context.channel_id;
  return channel && !channel.startsWith('D') ? channel : undefined;
}

export function createSlackAssistant(options: SlackAssistantOptions): Assistant {
  const { conversation, platform, identity, threads, log } = options;

  /** Suggested prompts for what the person may see from the channel they are viewing; none when nothing qualifies. */
  const suggest = async (
    workspace: string,
    thread: { user_id: string; context: AssistantThreadContext },
    setSuggestedPrompts: (args: { prompts: { title: string; message: string }[]; title?: string }) => Promise<unknown>,
  ) => {
    const channelId = viewedChannel(thread.context);
    const questions = await conversation.suggestedQuestions(platform, {
      userId: thread.user_id,
      workspaceId: workspace,
      ...(channelId ? { channelId } : {}),
    });
    if (questions.length === 0) return;
    await setSuggestedPrompts({
      title: PROMPTS_TITLE,
      prompts: questions.map((question) => ({ title: shorten(question, PROMPT_TITLE_CHARS), message: question })),
    });
  };

  return new Assistant({
    threadContextStore: threadContextStore(threads),
    threadStarted: async ({ event, body, say, saveThreadContext, setSuggestedPrompts }) => {
      const workspace = options.workspaceOf(body as AssistantEnvelope);
      if (!workspace) return;
      await saveThreadContext();
      // `say` also records the context on the greeting (message metadata), as Slack's AI apps do.
      await say(ASSISTANT_GREETING);
      await suggest(workspace, event.assistant_thread, setSuggestedPrompts);
    },
    threadContextChanged: async ({ event, body, saveThreadContext, setSuggestedPrompts }) => {
      const workspace = options.workspaceOf(body as AssistantEnvelope);
      if (!workspace) return;
      await saveThreadContext();
      // Another channel may see other sources: its suggestions replace the earlier ones.
      await suggest(workspace, event.assistant_thread, setSuggestedPrompts);
    },
    userMessage: async ({ message, body, setStatus, setTitle }) => {
      const envelope = body as AssistantEnvelope;
      const workspace = options.workspaceOf(envelope);
      if (!workspace) return;
      const incoming = messageFromEvent(message as SlackMessageEvent, envelope.event_id ?? '', workspace, identity);
      // Lore's own replies in the panel arrive here too.
      if (!incoming?.eventId || incoming.fromBot) return;
      const panelThread = threadOf(message);
      // What getThreadContext would read, read once: a saved context also says the thread is the panel's.
      const context = panelThread && (await threads.find(panelThread));
      const channelId = context && viewedChannel(context);
      // Bolt hands over every threaded DM; only a thread opened in the panel has a status line and a title (one
      // whose context is unknown is answered all the same, without them).
      if (panelThread && context) {
        platform.trackAssistantThread({ channelId: incoming.channelId, threadId: incoming.threadId }, (status) => setStatus(status));
        // Claimed in the store: the thread's questions may reach two replicas, and it is titled once.
        if (
          incoming.text.trim() !== '' &&
          (await threads.claimTitle(panelThread).catch((error: unknown) => {
            log.warn({ err: error }, 'could not claim the title of the assistant thread');
            return false;
          }))
        ) {
          await setTitle(shorten(incoming.text, TITLE_CHARS)).catch((error: unknown) =>
            log.debug({ err: error }, 'could not title the assistant thread'),
          );
        }
      }
      const scoped: IncomingMessage = channelId
        ? // Files shared in the panel stay the panel's own: the viewed channel's scope never widens to them.
          { ...incoming, scopeChannelId: channelId, uploadScopeId: incoming.channelId }
        : incoming;
      void conversation.handleMessage(platform, scoped);
    },
  });
}

function shorten(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
