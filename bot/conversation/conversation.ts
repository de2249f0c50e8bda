import type { Logger } from 'pino';
import type { Question, SourceKind, ThreadMessage } from '../../rag/types.ts';
import { answerIfSupported, answerInThread, tellThread } from './answer-in-thread.ts';
import type { SyncTarget } from '../../rag/contracts/sources.ts';
import { SyncBusyError } from '../../rag/contracts/sync.ts';
import type { BotServices } from './bot-services.ts';
import type { Audience, ChatConfig } from './chat-config.ts';
import { commandInMessage, type ChatCommand } from './chat-command.ts';
import { uploadScopeOf, type ChatPlatform, type IncomingEdit, type IncomingMessage, type ThreadRef } from './chat-platform.ts';
import { cleanFeedbackReason, type AnsweredQuestion, type ChatStore, type HelpOffer, type QuestionRef, type Rating } from './chat-store.ts';
import { formatStatus, formatSyncProgress, formatSyncReport, formatSyncStarted, HELP_TEXT } from './command-replies.ts';
import { ratingOf } from './feedback-emoji.ts';
import { friendlyError } from './friendly-error.ts';
import { HandOffs, type IncomingHandOffClick } from './hand-off.ts';
import type { HandOffStore } from './hand-off-store.ts';
import { isSameEmoji, type ChatEmoji } from './offer-help-emoji.ts';
import { isSupportQuestion } from './support-question.ts';
import { isSaveReaction, VerifiedAnswers, type SaveRequest } from './verified.ts';
import type { VerifiedStore } from './verified-store.ts';
import { asksToLearn, learnFiles } from './learn-files.ts';
import { describeUnavailable, PlatformUnavailableError } from './platform-unavailable.ts';
import { LimiterStoppedError, QuestionLimiter, type QuestionLimits, type QueuedNotice } from './question-limiter.ts';

// The platform-neutral half of every chat adapter: who gets answered, with what scope and history, under which
// rate limits; commands and who may run them; feedback. An adapter turns its events into these calls and
// implements ChatPlatform to render what comes back.

/** Counters for the metrics endpoint (feedback, answers, refusals). */
export interface ChatMetrics {
  increment(name: string, labels: Record<string, string>): void;
}

export interface ConversationOptions {
  services: BotServices;
  store: ChatStore;
  /** Hand-offs to people ("Ask a person") and their outcomes. */
  handOffs: HandOffStore;
  /** People's replies saved as verified answers. */
  verified: VerifiedStore;
  chatConfig: ChatConfig;
  /** User ids (any platform) allowed to run admin commands (LORE_ADMINS). */
  admins: readonly string[];
  /** Answer every message in a thread Lore has answered in, not only mentions (LORE_FOLLOW_THREADS). */
  followThreads: boolean;
  limits: QuestionLimits;
  log: Logger;
  metrics?: ChatMetrics;
  /** Least time between two edits of a streamed answer (default 1 s: Slack's chat.update allows about 50 a minute). */
  updateIntervalMs?: number;
  /** Least time between two sync progress reports (default 15 s), and how many are sent at most. */
  progressIntervalMs?: number;
  maxProgressReports?: number;
  /** Earlier thread messages used to understand a follow-up. */
  historyLimit?: number;
  /** How long to wait for the platform to say whether someone is an administrator. */
  adminCheckTimeoutMs?: number;
  /**
   * An asker who edits a question Lore answered within this long (default 10 min) gets the edited question
   * answered in place of the earlier answer. Later edits are left alone: the thread has moved on.
   */
  editWindowMs?: number;
}

const DEFAULT_EDIT_WINDOW_MS = 10 * 60_000;

/** How a command's replies reach the person who ran it. */
export interface CommandResponder {
  /** The first reply; platforms need it quickly (Slack: within 3 s). Called exactly once. */
  acknowledge(text: string): Promise<void>;
  /** Later replies (progress, summary). */
  followUp(text: string): Promise<void>;
}

export interface IncomingCommand {
  userId: string;
  channelId: string;
  command: ChatCommand;
  /** Default `member`; a guest or an external user is never an admin, whatever their own workspace says. */
  audience?: Audience;
}

export interface IncomingReaction {
  /** Present when the platform re-delivers events (Slack): used to drop duplicates. */
  eventId?: string;
  channelId: string;
  messageId: string;
  userId: string;
  emoji: string;
  added: boolean;
  /** The rating itself, when it does not come from an emoji (a feedback button). */
  rating?: Rating;
}

/** A click on an answer's 👍/👎 feedback button; a second click on the same one takes the rating back. */
export interface IncomingFeedbackButton {
  channelId: string;
  messageId: string;
  userId: string;
  rating: Rating;
}

/** Who is looking for suggestions, and the channel they are viewing (none: a direct message with Lore). */
export interface SuggestionViewer extends Pick<IncomingMessage, 'userId' | 'workspaceId' | 'userWorkspaceId'> {
  channelId?: string;
}

/** What `feedback.emoji` says of a rating given with a button rather than a reaction. */
export const FEEDBACK_BUTTON_EMOJI = 'feedback_button';

export class Conversation {
  private readonly limiter: QuestionLimiter;
  private readonly tasks = new Set<Promise<unknown>>();
  /** Aborts syncs started from chat when Lore shuts down. */
  private readonly closing = new AbortController();
  private readonly log: Logger;
  private readonly handOffs: HandOffs;
  private readonly verified: VerifiedAnswers;

  constructor(private readonly options: ConversationOptions) {
    this.limiter = new QuestionLimiter(options.limits);
    this.log = options.log;
    this.handOffs = new HandOffs({
      store: options.store,
      handOffs: options.handOffs,
      chatConfig: options.chatConfig,
      log: options.log,
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
    this.verified = new VerifiedAnswers({
      services: options.services,
      store: options.verified,
      log: options.log,
      isAdmin: (platform, userId, channelId) => this.isAdmin(platform, userId, channelId),
    });
  }

  /**
   * A message Lore can see. It is answered when it is addressed to Lore: a mention, a direct message, or (with
   * followThreads) any message in a thread Lore already answered in. Never throws.
   */
  async handleMessage(platform: ChatPlatform, message: IncomingMessage): Promise<void> {
    return this.track(this.respond(platform, message));
  }

  /**
   * A message someone edited. When it is a question Lore answered for the same person within the edit window and
   * its words really changed, the new version is answered in place of the earlier answer. Never throws.
   */
  async handleEdit(platform: ChatPlatform, edit: IncomingEdit): Promise<void> {
    return this.track(this.respondToEdit(platform, edit));
  }

  /** A slash command (or its equivalent). Resolves once acknowledged; long work (sync) continues in the background. */
  async handleCommand(platform: ChatPlatform, incoming: IncomingCommand, responder: CommandResponder): Promise<void> {
    try {
      await this.runCommand(platform, incoming, responder);
    } catch (error) {
      this.log.error({ err: error, platform: platform.name, command: incoming.command.name }, 'command failed');
      await responder.acknowledge(friendlyError(error, `running \`${incoming.command.name}\``)).catch(() => undefined);
    }
  }

  /** A reaction added to or removed from a message: feedback when it is a 👍/👎 on one of Lore's answers. */
  async handleReaction(platform: ChatPlatform, reaction: IncomingReaction): Promise<void> {
    return this.track(this.recordReaction(platform, reaction));
  }

  /**
   * A feedback button clicked under an answer: recorded like the matching reaction (same table, same 👎 follow-up),
   * or taken back when the person already gave that rating, as Slack's buttons toggle.
   */
  async handleFeedbackButton(platform: ChatPlatform, click: IncomingFeedbackButton): Promise<void> {
    const { store } = this.options;
    const recordClick = async () => {
      const answer = await store.findAnswerByMessage(platform.name, click.channelId, click.messageId);
      if (!answer) return;
      const added = !(await store.hasActiveFeedback(answer.id, click.userId, click.rating));
      await this.recordReaction(platform, { ...click, emoji: FEEDBACK_BUTTON_EMOJI, added });
    };
    return this.track(recordClick().catch((error: unknown) => this.log.error({ err: error, platform: platform.name }, 'recording feedback failed')));
  }

  /**
   * Questions to offer someone as prompts: the most asked, well-answered questions of the query log that the channel
   * they are viewing may see, scoped exactly as a question asked there would be. Never throws.
   */
  async suggestedQuestions(platform: ChatPlatform, viewer: SuggestionViewer): Promise<string[]> {
    const limit = this.options.chatConfig.suggestedPrompts;
    if (limit === 0) return [];
    try {
      const { sources } = await this.scopeOf(platform, {
        ...viewer,
        channelId: viewer.channelId ?? '',
        isDirect: viewer.channelId === undefined,
      });
      return await this.options.store.popularQuestions({ sources, limit });
    } catch (error) {
      this.log.warn({ err: error, platform: platform.name }, 'could not choose suggested questions');
      return [];
    }
  }

  /**
   * "Ask a person" clicked under an answer: the channel's responders are mentioned in the thread and the hand-off is
   * recorded. Resolves with what to tell the person who clicked (only them). Never throws.
   */
  async handleHandOff(platform: ChatPlatform, answerId: string, click: IncomingHandOffClick): Promise<string> {
    return this.track(
      this.handOffs.askPerson(platform, answerId, click).catch((error: unknown) => {
        this.log.error({ err: error, platform: platform.name, answerId }, 'hand-off failed');
        return friendlyError(error, 'asking a person');
      }),
    );
  }

  /** "Resolved" clicked on a hand-off: the outcome is recorded. Resolves with what to tell the clicker. Never throws. */
  async handleHandOffResolved(platform: ChatPlatform, handOffId: string, click: IncomingHandOffClick): Promise<string> {
    return this.track(
      this.handOffs.resolve(platform, handOffId, click).catch((error: unknown) => {
        this.log.error({ err: error, platform: platform.name, handOffId }, 'resolving a hand-off failed');
        return friendlyError(error, 'marking this resolved');
      }),
    );
  }

  /**
   * Someone asks to save a message as the verified answer to its thread's question (a message shortcut or command).
   * Resolves with what to tell them (only them). Never throws.
   */
  async handleSaveVerified(platform: ChatPlatform, request: SaveRequest): Promise<string> {
    return this.track(
      this.verified.save(platform, request).catch((error: unknown) => {
        this.log.error({ err: error, platform: platform.name }, 'saving a verified answer failed');
        return friendlyError(error, 'saving the answer');
      }),
    );
  }

  /** The one-line reason someone gave for their 👎. Returns false when they have no 👎 on that answer. */
  async recordFeedbackReason(platform: ChatPlatform, answerId: string, userId: string, reason: string): Promise<boolean> {
    const cleaned = cleanFeedbackReason(reason);
    if (cleaned === '') return false;
    const saved = await this.options.store.setFeedbackReason(answerId, userId, cleaned);
    this.log.info(
      { platform: platform.name, answerId, user: userId, saved },
      saved ? 'feedback reason recorded' : 'feedback reason without a 👎 ignored',
    );
    return saved;
  }

  /** Resolves when every answer, upload and sync started so far has finished. */
  async idle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  /** Stops taking questions (waiting ones are dropped) and waits for the ones in progress. */
  async close(): Promise<void> {
    this.closing.abort(new Error('Lore is shutting down'));
    await this.limiter.stop();
    await this.idle();
  }

  private get editWindowMs(): number {
    return this.options.editWindowMs ?? DEFAULT_EDIT_WINDOW_MS;
  }

  private async respondToEdit(platform: ChatPlatform, edit: IncomingEdit): Promise<void> {
    const { message } = edit;
    if (message.fromBot || edit.editedAfterMs > this.editWindowMs) return;
    let asked: AnsweredQuestion | undefined;
    try {
      // From the store: the question may have been answered by another replica.
      asked = await this.options.store.answeredQuestion(questionRef(platform, message), this.editWindowMs);
    } catch (error) {
      this.log.error({ err: error, platform: platform.name }, 'looking up an edited question failed');
      return;
    }
    // Only the asker's own edit, and only one that changes the words (platforms also "edit" to add a link preview).
    if (!asked || asked.userId !== message.userId || sameWords(asked.text, message.text)) return;
    // An edit re-asks a question; it does not run a command or learn files again.
    if (commandInMessage(message.text) || (message.files.length > 0 && (message.isDirect || asksToLearn(message.text)))) return;
    this.log.info(
      { platform: platform.name, channel: message.channelId, editedAfterMs: Math.round(edit.editedAfterMs) },
      'question edited after its answer: answering it again',
    );
    await this.respond(platform, message, asked);
  }

  /** `edited`: the message is the new version of a question Lore answered, whose answer it replaces. */
  private async respond(platform: ChatPlatform, incoming: IncomingMessage, edited?: AnsweredQuestion): Promise<void> {
    const { store } = this.options;
    let message = incoming;
    if (message.fromBot) return;
    const addressed = await this.isAddressed(platform, message);
    // A support channel's new question, asked of no one: answered only if the answer is supported.
    const unasked = !addressed && edited === undefined && this.isUnaskedQuestion(platform, message);
    if (!addressed && !unasked) return;
    if (!(await store.claimEvent(platform.name, message.eventId))) {
      this.log.info({ platform: platform.name, eventId: message.eventId }, 'event already handled (a re-delivery): ignored');
      return;
    }
    const thread: ThreadRef = { channelId: message.channelId, threadId: message.threadId };
    try {
      if (message.rawText !== undefined && platform.nameMentions) message = { ...message, text: await platform.nameMentions(message) };
      const { audience, sources } = await this.scopeOf(platform, message);
      const behaviour = this.options.chatConfig.behaviourOf(platform.name, message.scopeChannelId ?? message.channelId, message.workspaceId);
      if (unasked) {
        await this.answerUnasked(platform, message, thread, sources, behaviour.offerHelp, behaviour.responders !== undefined);
        return;
      }
      if (message.files.length > 0 && (message.isDirect || asksToLearn(message.text))) {
        await this.limited(platform, message, thread, () =>
          learnFiles({ platform, services: this.options.services, log: this.log, message, thread, uploadsAllowed: sources.includes('upload') }),
        );
        return;
      }
      const command = commandInMessage(message.text);
      if (command) {
        const incoming = { userId: message.userId, channelId: message.channelId, command, audience };
        await this.handleCommand(platform, incoming, this.threadResponder(platform, thread));
        return;
      }
      const history = message.inThread ? await this.history(platform, thread, message.messageId) : [];
      const question: Question = {
        text: message.text,
        ...(history.length > 0 ? { history } : {}),
        allowedSources: sources,
        uploadScope: `${platform.name}:${uploadScopeOf(message)}`,
        asker: { platform: platform.name, userId: message.userId, channelId: message.channelId },
      };
      await this.limited(platform, message, thread, async () => {
        if (edited && !(await this.reopenAnswer(platform, thread, edited))) return;
        const answered = await answerInThread({
          platform,
          services: this.options.services,
          store,
          log: this.log,
          message,
          thread,
          question,
          updateIntervalMs: this.options.updateIntervalMs ?? 1_000,
          offerHandOff: behaviour.responders !== undefined,
          ...(edited ? { replacing: edited.answerMessageId } : {}),
        });
        this.options.metrics?.increment('lore_chat_answers_total', { platform: platform.name, mode: answered?.answer.mode ?? 'failed' });
        if (answered)
          await this.rememberAnswered(platform, message, { userId: message.userId, text: incoming.text, answerMessageId: answered.messageId });
      });
    } catch (error) {
      if (error instanceof LimiterStoppedError) {
        await platform
          .post(thread, {
            kind: 'notice',
            tone: 'error',
            text: 'Lore is restarting and could not get to your question. Please ask again in a minute.',
          })
          .catch(() => undefined);
        return;
      }
      this.log.error({ err: error, platform: platform.name, channel: message.channelId }, 'handling a message failed');
      await tellThread(platform, thread, undefined, friendlyError(error), this.log);
    }
  }

  /**
   * A support channel's question nobody addressed to Lore: answered under the same rate limits and scope as a
   * mention, posted only when supported. Otherwise Lore stays silent, or reacts with the channel's offer-help emoji
   * and remembers the question, to answer it after all if its asker adds the same reaction.
   */
  private async answerUnasked(
    platform: ChatPlatform,
    message: IncomingMessage,
    thread: ThreadRef,
    sources: SourceKind[],
    offerHelp: ChatEmoji | undefined,
    offerHandOff: boolean,
  ): Promise<void> {
    const question: Question = {
      text: message.text,
      allowedSources: sources,
      uploadScope: `${platform.name}:${uploadScopeOf(message)}`,
      asker: { platform: platform.name, userId: message.userId, channelId: message.channelId },
    };
    await this.limited(
      platform,
      message,
      thread,
      async () => {
        const result = await answerIfSupported({
          platform,
          services: this.options.services,
          store: this.options.store,
          log: this.log,
          message,
          thread,
          question,
          updateIntervalMs: 0,
          offerHandOff,
        });
        this.options.metrics?.increment('lore_chat_unasked_total', { platform: platform.name, answered: String(result?.messageId !== undefined) });
        if (result?.messageId !== undefined) {
          await this.rememberAnswered(platform, message, { userId: message.userId, text: message.text, answerMessageId: result.messageId });
          return;
        }
        if (!offerHelp) return;
        await platform
          .addReaction(message.channelId, message.messageId, offerHelp)
          // In the store: the asker's reaction may reach another replica.
          .then(() => this.options.store.offerHelp(platform.name, { message, emoji: offerHelp }))
          .catch((error: unknown) => this.log.warn({ err: error, platform: platform.name }, 'could not react to offer help'));
      },
      { quiet: true },
    );
  }

  /** A new top-level question in a channel whose mode is `auto`. */
  private isUnaskedQuestion(platform: ChatPlatform, message: IncomingMessage): boolean {
    if (message.isDirect || message.inThread || message.scopeUnknown) return false;
    const behaviour = this.options.chatConfig.behaviourOf(platform.name, message.scopeChannelId ?? message.channelId, message.workspaceId);
    return behaviour.mode === 'auto' && isSupportQuestion(message);
  }

  /**
   * Keeps an answered question for the edit window, in the store that replicas share. A failure costs only the
   * re-answer of a later edit: the answer itself is posted, so it is logged rather than told to the thread.
   */
  private async rememberAnswered(platform: ChatPlatform, message: IncomingMessage, answered: AnsweredQuestion): Promise<void> {
    await this.options.store
      .rememberAnswered(questionRef(platform, message), answered, this.editWindowMs)
      .catch((error: unknown) => this.log.warn({ err: error, platform: platform.name }, 'could not remember an answered question'));
  }

  /**
   * The asker took up Lore's offer of help (added the same emoji to their question): the question is answered as if
   * they had mentioned Lore, abstention (and its "Ask a person") included. False when the reaction is no such thing.
   */
  private async acceptHelpOffer(platform: ChatPlatform, reaction: IncomingReaction): Promise<boolean> {
    if (!reaction.added) return false;
    let offered: HelpOffer | undefined;
    try {
      offered = await this.options.store.takeHelpOffer(platform.name, reaction.channelId, reaction.messageId, reaction.userId, (emoji) =>
        isSameEmoji(reaction.emoji, emoji),
      );
    } catch (error) {
      this.log.error({ err: error, platform: platform.name }, 'looking up an offer of help failed');
      return false;
    }
    if (!offered) return false;
    this.log.info({ platform: platform.name, channel: reaction.channelId }, 'offer of help taken up: answering the question');
    void this.track(this.respond(platform, { ...offered.message, eventId: `${offered.message.eventId}:help`, mentionsBot: true }));
    return true;
  }

  /**
   * Turns the earlier answer back into "working on it" before answering the edited question into it. False when it
   * cannot be edited (deleted, too old for the platform): the thread is told the question changed instead, so the
   * earlier answer is not taken for an answer to the new words.
   */
  private async reopenAnswer(platform: ChatPlatform, thread: ThreadRef, edited: AnsweredQuestion): Promise<boolean> {
    try {
      await platform.update(thread, edited.answerMessageId, { kind: 'working' });
      return true;
    } catch (error) {
      this.log.warn({ err: error, platform: platform.name, channel: thread.channelId }, 'could not reopen the answer to an edited question');
      await platform
        .post(thread, {
          kind: 'notice',
          tone: 'info',
          text: 'This question was edited after I answered it, and I could not update my answer: it answers the earlier version. Ask me again to get an answer to the new one.',
        })
        .catch((postError: unknown) => this.log.warn({ err: postError }, 'could not say that the question was edited'));
      return false;
    }
  }

  /**
   * Who asks and which sources they may get answers from, in the channel whose scope applies. A direct message that
   * takes its scope from another channel (Slack's assistant panel, beside the channel being viewed) is scoped as
   * that channel, exactly as a mention there would be.
   */
  private async scopeOf(
    platform: ChatPlatform,
    message: Pick<IncomingMessage, 'userId' | 'workspaceId' | 'userWorkspaceId' | 'channelId' | 'isDirect' | 'scopeChannelId' | 'scopeUnknown'>,
  ): Promise<{ audience: Audience; sources: SourceKind[] }> {
    const scopeChannelId = message.scopeChannelId ?? message.channelId;
    const direct = message.isDirect && scopeChannelId === message.channelId;
    const audience = platform.audienceOf ? await platform.audienceOf(message) : 'member';
    const configured = this.options.chatConfig.sourcesFor(platform.name, scopeChannelId, direct, message.workspaceId, audience);
    return { audience, sources: message.scopeUnknown ? configured.filter((source) => source === 'upload') : configured };
  }

  private async isAddressed(platform: ChatPlatform, message: IncomingMessage): Promise<boolean> {
    if (message.isDirect || message.mentionsBot) return true;
    return (
      this.options.followThreads &&
      message.inThread &&
      (await this.options.store.hasAnsweredInThread(platform.name, message.channelId, message.threadId))
    );
  }

  /**
   * Runs work under the asker's and the channel's rate limits, telling them their place when they must wait (unless
   * `quiet`: a question nobody asked Lore waits its turn without a word).
   */
  private async limited(
    platform: ChatPlatform,
    message: IncomingMessage,
    thread: ThreadRef,
    work: () => Promise<void>,
    options: { quiet?: boolean } = {},
  ): Promise<void> {
    const { userPerMinute, channelPerMinute } = this.options.limits;
    const onQueued = (notice: QueuedNotice) => {
      this.options.metrics?.increment('lore_chat_rate_limited_total', { platform: platform.name });
      this.log.info({ platform: platform.name, user: message.userId, channel: message.channelId, ...notice }, 'question queued by the rate limit');
      const seconds = Math.max(1, Math.round(notice.waitMs / 1000));
      const text =
        `Lots of questions right now (the limit is ${userPerMinute} a minute per person and ${channelPerMinute} per channel). ` +
        `Yours is **#${notice.position}** in the queue; I'll answer in about ${seconds} s.`;
      if (options.quiet) return;
      platform
        .post(thread, { kind: 'notice', tone: 'info', text })
        .catch((error: unknown) => this.log.warn({ err: error }, 'could not post the queue notice'));
    };
    await this.limiter.run(`${platform.name}:${message.userId}`, `${platform.name}:${message.scopeChannelId ?? message.channelId}`, onQueued, work);
  }

  private async history(platform: ChatPlatform, thread: ThreadRef, before: string): Promise<ThreadMessage[]> {
    try {
      const messages = await platform.threadHistory(thread, before);
      // Commands in the thread ("sync notion") are no part of the conversation a follow-up continues.
      return messages
        .filter((m) => m.text.trim() !== '')
        .slice(-(this.options.historyLimit ?? 10))
        .filter((m) => m.fromLore || commandInMessage(m.text) === undefined)
        .map((m) => ({ role: m.fromLore ? 'assistant' : 'user', text: m.text }));
    } catch (error) {
      // Without history the question is still answered, only without the thread's context.
      this.log.warn({ err: error, platform: platform.name, channel: thread.channelId }, 'could not read the thread; answering without it');
      return [];
    }
  }

  private async runCommand(platform: ChatPlatform, incoming: IncomingCommand, responder: CommandResponder): Promise<void> {
    const { command } = incoming;
    this.log.info({ platform: platform.name, user: incoming.userId, channel: incoming.channelId, command }, 'command received');
    switch (command.name) {
      case 'help':
        return responder.acknowledge(HELP_TEXT);
      case 'status':
        return responder.acknowledge(formatStatus(await this.options.services.status()));
      case 'invalid':
        return responder.acknowledge(`${command.problem} Try \`/lore help\`.`);
      case 'sync':
        return this.startSync(platform, incoming, command.target, responder);
      case 'verified': {
        const refusal = await this.adminRefusal(platform, incoming, 'manage verified answers');
        return responder.acknowledge(refusal ?? (await this.verified.command(platform, command, incoming.userId)));
      }
    }
  }

  /**
   * Why someone may not run an admin command (`what` they tried, in words), or undefined when they may: Lore admins
   * (LORE_ADMINS) and the platform's administrators; a guest or someone of another workspace never.
   */
  private async adminRefusal(platform: ChatPlatform, incoming: IncomingCommand, what: string): Promise<string | undefined> {
    const outsider = incoming.audience !== undefined && incoming.audience !== 'member' && !this.options.admins.includes(incoming.userId);
    const admin = outsider ? false : await this.isAdmin(platform, incoming.userId, incoming.channelId);
    if (admin === true) return undefined;
    this.log.warn(
      { platform: platform.name, user: incoming.userId, command: incoming.command.name, unknown: admin !== false },
      'refused: not known to be an admin',
    );
    // Not knowing is not a no: a refusal here would tell an admin they are not one.
    if (admin !== false) return `I couldn't check whether you may ${what}: ${admin}. Please try again in a minute.`;
    return `Only Lore admins can ${what} (workspace admins, or the users listed in \`LORE_ADMINS\`). Ask one of them, or try \`/lore status\`.`;
  }

  private async startSync(platform: ChatPlatform, incoming: IncomingCommand, target: SyncTarget, responder: CommandResponder): Promise<void> {
    const { services } = this.options;
    const refusal = await this.adminRefusal(platform, incoming, 'start a sync');
    if (refusal) return responder.acknowledge(refusal);
    const statuses = await services.status();
    const targets = statuses.filter((s) => s.configured && (target === 'all' || s.source === target));
    if (target !== 'all' && targets.length === 0) {
      return responder.acknowledge(
        `The **${target}** source is not configured, so there is nothing to sync. \`/lore status\` lists the configured sources.`,
      );
    }
    const running = targets.find((s) => s.running);
    if (running) return responder.acknowledge(friendlyError(new SyncBusyError(running.source)));
    await responder.acknowledge(
      formatSyncStarted(
        target,
        targets.map((s) => s.source),
      ),
    );
    void this.track(this.runSync(platform, incoming, target, responder));
  }

  private async runSync(platform: ChatPlatform, incoming: IncomingCommand, target: SyncTarget, responder: CommandResponder): Promise<void> {
    const interval = this.options.progressIntervalMs ?? 15_000;
    const maxReports = this.options.maxProgressReports ?? 3;
    let lastReport = Date.now();
    let reports = 0;
    const started = Date.now();
    try {
      const result = await this.options.services.sync(
        target,
        (progress) => {
          // Progress is worth a message only now and then; most platforms limit follow-ups (Slack: 5 per command).
          if (reports >= maxReports || Date.now() - lastReport < interval || progress.phase === 'done') return;
          lastReport = Date.now();
          reports += 1;
          responder.followUp(formatSyncProgress(progress)).catch((error: unknown) => this.log.warn({ err: error }, 'could not report sync progress'));
        },
        this.closing.signal,
      );
      this.log.info({ platform: platform.name, user: incoming.userId, target, durationMs: Date.now() - started }, 'sync requested in chat finished');
      await responder.followUp(formatSyncReport(result));
    } catch (error) {
      this.log.error({ err: error, platform: platform.name, target }, 'sync requested in chat failed');
      await responder.followUp(friendlyError(error, 'syncing')).catch(() => undefined);
    }
  }

  /** True or false when known; otherwise why the platform could not say, in words for the asker. */
  private async isAdmin(platform: ChatPlatform, userId: string, channelId: string): Promise<boolean | string> {
    if (this.options.admins.includes(userId)) return true;
    const timeoutMs = this.options.adminCheckTimeoutMs ?? 2_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`${platformTitle(platform)} did not answer in time`), timeoutMs);
    });
    try {
      return await Promise.race([platform.isPlatformAdmin(userId, channelId), timeout]);
    } catch (error) {
      this.log.warn({ err: error, platform: platform.name, user: userId }, 'could not check whether the user is an admin');
      return error instanceof PlatformUnavailableError ? describeUnavailable(error) : `${platformTitle(platform)} could not tell me`;
    } finally {
      clearTimeout(timer);
    }
  }

  private threadResponder(platform: ChatPlatform, thread: ThreadRef): CommandResponder {
    const post = async (text: string) => {
      await platform.post(thread, { kind: 'notice', tone: 'info', text });
    };
    return { acknowledge: post, followUp: post };
  }

  private async recordReaction(platform: ChatPlatform, reaction: IncomingReaction): Promise<void> {
    const { store } = this.options;
    if (await this.acceptHelpOffer(platform, reaction)) return;
    if (reaction.added && isSaveReaction(reaction.emoji)) {
      // A ✅ by the asker on a reply in a thread Lore answered in; anyone else's ✅ is only a reaction.
      if (reaction.eventId !== undefined && !(await store.claimEvent(platform.name, reaction.eventId))) return;
      const said = await this.handleSaveVerified(platform, { ...reaction, via: 'reaction' });
      this.log.debug({ platform: platform.name, said }, 'save reaction handled');
      return;
    }
    const rating = reaction.rating ?? ratingOf(reaction.emoji);
    if (!rating) return;
    try {
      const answer = await store.findAnswerByMessage(platform.name, reaction.channelId, reaction.messageId);
      if (!answer) return;
      if (reaction.eventId !== undefined && !(await store.claimEvent(platform.name, reaction.eventId))) return;
      const fields = {
        platform: platform.name,
        answerId: answer.id,
        user: reaction.userId,
        channel: reaction.channelId,
        rating,
        emoji: reaction.emoji,
      };
      if (!reaction.added) {
        const retracted = await store.retractFeedback(answer.id, reaction.userId, rating);
        if (retracted) {
          this.log.info(fields, 'feedback retracted');
          this.options.metrics?.increment('lore_feedback_retracted_total', { platform: platform.name, rating });
        }
        return;
      }
      await store.recordFeedback({
        answerId: answer.id,
        platform: platform.name,
        userId: reaction.userId,
        rating,
        emoji: reaction.emoji,
        channelId: reaction.channelId,
      });
      // The question stays in the database (answers), where retention and access apply; the log names the answer.
      this.log.info({ ...fields, chunks: answer.citations.map((c) => c.chunkId) }, 'feedback recorded');
      this.options.metrics?.increment('lore_feedback_total', { platform: platform.name, rating });
      if (rating === 'down') {
        await platform
          .postPrivate({ channelId: answer.channelId, threadId: answer.threadId }, reaction.userId, { kind: 'feedback-invite', answerId: answer.id })
          .catch((error: unknown) => this.log.warn({ err: error }, 'could not invite a reason for the 👎'));
        await this.handOffs.offerAfterThumbsDown(platform, answer);
      }
    } catch (error) {
      this.log.error({ err: error, platform: platform.name }, 'recording feedback failed');
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.tasks.add(work);
    void work.finally(() => this.tasks.delete(work)).catch(() => undefined);
    return work;
  }
}

/** `slack` -> `Slack`: how people write the platform's name. */
function platformTitle(platform: ChatPlatform): string {
  return platform.name.charAt(0).toUpperCase() + platform.name.slice(1);
}

function questionRef(platform: ChatPlatform, message: IncomingMessage): QuestionRef {
  return { platform: platform.name, channelId: message.channelId, messageId: message.messageId };
}

/** Equal but for spacing and case: not a change worth a new answer. */
function sameWords(a: string, b: string): boolean {
  const words = (text: string) => text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return words(a) === words(b);
}
