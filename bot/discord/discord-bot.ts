import { once } from 'node:events';
import {
  ChannelType,
  Client,
  DiscordjsErrorCodes,
  Events,
  GatewayDispatchEvents,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  type ChatInputCommandInteraction,
  type GatewayMessageReactionAddDispatchData,
  type GatewayMessageReactionRemoveDispatchData,
  type Interaction,
  type Message,
} from 'discord.js';
import type { Logger } from 'pino';
import type { ChatPlatform, IncomingMessage } from '../conversation/chat-platform.ts';
import type { CommandResponder, Conversation } from '../conversation/conversation.ts';
import { HAND_OFF_BUTTON, HAND_OFF_RESOLVED_BUTTON, renderCommandReply } from './discord-render.ts';
import { channelScope } from './channel-scope.ts';
import { isFromBot, isPersonMessage, repliesToLore, threadName, toIncomingMessage, withScope, type AnswerPlace } from './discord-messages.ts';
import { DiscordServers } from './discord-servers.ts';
import { DiscordPlatform } from './discord-platform.ts';
import { discordTextToPlain, mentionsLore } from './discord-text.ts';
import { answerIdOfButton, answerIdOfModal, feedbackReasonModal, idAfter, REASON_FIELD } from './feedback-reason-modal.ts';
import { guardInteractionToken, withoutInteractionToken } from './interaction-token.ts';
import {
  commandFromSubcommand,
  COMMAND_NAME,
  loreCommand,
  MAX_QUESTION_CHARS,
  SAVE_VERIFIED_COMMAND,
  saveVerifiedCommand,
} from './slash-commands.ts';
import { errorMessage } from '../../rag/errors.ts';

// Lore in Discord, with discord.js. This file only translates: gateway events and interactions become calls on the
// conversation layer (the same one Slack uses); what is posted is rendered by DiscordPlatform.

/** Only what Lore needs: server channels and messages (with their content), reactions, and direct messages. */
export const DISCORD_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.GuildMessageReactions,
  GatewayIntentBits.DirectMessages,
  GatewayIntentBits.DirectMessageReactions,
];

export interface DiscordBotOptions {
  token: string;
  /** REST base URL, e.g. `http://127.0.0.1:3000/api` (tests point it at a local fake). */
  apiUrl?: string;
  /** Registers `/lore` in this server only (immediate); globally otherwise. */
  guildId?: string;
  /** The servers Lore answers in, and whose members it answers in direct messages (none: nowhere). */
  guildIds: readonly string[];
  /** Answer as a reply to the question, or inside a thread Lore starts on it. */
  replyMode: 'reply' | 'thread';
  /** Roles whose members may run admin commands (`role:<id>` in LORE_ADMINS). */
  adminRoleIds: readonly string[];
  conversation: Conversation;
  log: Logger;
  /** Per REST call. */
  requestTimeoutMs?: number;
  /** Retries per REST call on server errors (429s always wait for Retry-After). */
  retries?: number;
  /** How long logging in may take: the gateway session and the servers loading. */
  readyTimeoutMs?: number;
  /** Gateway connections that may fail while logging in before this login gives up (default 3). */
  loginAttempts?: number;
  /**
   * Told once when the client fails after connecting (discord.js threw handling a gateway packet): its state can no
   * longer be trusted, so the caller stops this bot and connects a new one. Without it the failure is only logged.
   */
  onFailure?: (error: Error) => void;
  /** Origins attachments may be downloaded from besides Discord's CDN (tests). */
  extraAttachmentOrigins?: string[];
  /** See DiscordPlatformOptions.postBurst. */
  postBurst?: number;
  /** On stop, how long answers in progress may take to finish before the connection closes. */
  drainTimeoutMs?: number;
}

export interface DiscordBot {
  readonly userId: string;
  readonly applicationId: string;
  /** What the conversation layer posts through (also outside an event: stale-source notices). */
  readonly platform: ChatPlatform;
  /** Stops taking events, lets answers in progress finish (bounded), then disconnects. Safe to call twice. */
  stop(): Promise<void>;
}

const EPHEMERAL = MessageFlags.Ephemeral;
const NO_MENTIONS = { parse: [] as [] };

/** Logs in to the gateway, wires the handlers and registers `/lore`. Rejects with a clear message when it cannot. */
export async function startDiscordBot(options: DiscordBotOptions): Promise<DiscordBot> {
  const { conversation } = options;
  const log = options.log.child({ platform: 'discord' });
  const client = new Client({
    intents: DISCORD_INTENTS,
    // DMs arrive on channels discord.js has never seen; without Channel they would be dropped. The others let it
    // build partial structures (replies to uncached messages, reactions) instead of ignoring the event.
    partials: [Partials.Channel, Partials.Message, Partials.Reaction, Partials.User],
    rest: { ...(options.apiUrl ? { api: options.apiUrl } : {}), timeout: options.requestTimeoutMs ?? 15_000, retries: options.retries ?? 3 },
    // Nothing Lore writes pings anyone, unless a call says so (the asker, when Lore replies).
    allowedMentions: { parse: [], repliedUser: false },
  });
  const platform = new DiscordPlatform({
    client,
    log,
    adminRoleIds: options.adminRoleIds,
    homeGuildId: options.guildId,
    extraAttachmentOrigins: options.extraAttachmentOrigins,
    postBurst: options.postBurst,
  });

  const servers = new DiscordServers(client, options.guildIds, log);
  const NOT_HERE = 'Lore is not set up for this server. Ask the person who runs Lore to add it (DISCORD_GUILD_IDS).';

  let stopping = false;
  // Work started from an event. Stopping waits for it: once the client is destroyed, nothing can be posted.
  const inFlight = new Set<Promise<unknown>>();
  const handle = (work: () => Promise<unknown>, onError: (error: unknown) => void): void => {
    if (stopping) return;
    const running = work().catch(onError);
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running));
  };

  client.on(Events.Warn, (message) => log.warn({ source: 'discord.js' }, message));
  client.on(Events.Error, (error) => log.error({ err: error }, 'Discord client error'));
  client.on(Events.ShardDisconnect, (event, shard) => log.warn({ code: event.code, shard }, 'disconnected from the Discord gateway'));
  // discord.js retries a lost gateway about twice a second: one line says it started, the rest are debug detail.
  // While logging in, `login` counts the attempts and reports the failure itself.
  let reconnecting = true;
  client.on(Events.ShardReconnecting, (shard) => {
    if (stopping) return;
    if (reconnecting) log.debug({ shard }, 'reconnecting to the Discord gateway');
    else log.warn({ shard }, 'lost the Discord gateway session: reconnecting');
    reconnecting = true;
  });
  client.on(Events.ShardReady, () => (reconnecting = false));
  client.on(Events.ShardResume, (shard, replayed) => {
    reconnecting = false;
    log.info({ shard, replayed }, 'Discord gateway session resumed');
  });
  let failed = false;
  guardPacketHandling(client, (error, event) => {
    log.error({ err: error, event }, 'discord.js failed handling a gateway packet: reconnecting with a new client');
    if (failed || stopping) return;
    failed = true;
    options.onFailure?.(error);
  });
  client.rest.on('rateLimited', (info) =>
    log.warn({ route: info.route, retryAfterMs: info.retryAfter, global: info.global }, 'Discord rate limit: waiting'),
  );

  /** Where Lore answers a message; in thread mode, a new question gets a thread of its own. */
  const answerPlace = async (message: Message): Promise<AnswerPlace> => {
    const channel = message.channel;
    const scope = await channelScope(client, channel.id, channel);
    if (channel.isThread()) return { channelId: channel.id, threadId: channel.id, ...scope, inThread: true };
    const reply: AnswerPlace = { channelId: channel.id, threadId: message.id, ...scope, inThread: message.reference?.messageId !== undefined };
    const lore = platform.loreMentions(message.guild);
    const startsThread =
      options.replyMode === 'thread' &&
      (channel.type === ChannelType.GuildText || channel.type === ChannelType.GuildAnnouncement) &&
      !isFromBot(message) &&
      mentionsLore(message.content, lore) &&
      // A reply to Lore continues that conversation where it is.
      !repliesToLore(message, lore.userId);
    if (!startsThread) return reply;
    const threadId = await platform.startThread(message, threadName(discordTextToPlain(message.content, lore, platform.namesIn(message.guild))));
    // Lore's own threads are public: they share their channel's scope and uploads.
    return threadId ? { channelId: threadId, threadId, ...scope, inThread: false } : reply;
  };

  const onMessage = async (message: Message): Promise<void> => {
    if (message.author.id === client.user?.id || !isPersonMessage(message)) return;
    if (!(await servers.admits(message.guildId, message.author.id))) return;
    const place = await answerPlace(message);
    if (message.attachments.size > 0) platform.rememberAttachments(message);
    const lore = platform.loreMentions(message.guild);
    await conversation.handleMessage(platform, toIncomingMessage(message, place, lore, platform.namesIn(message.guild)));
  };
  client.on(Events.MessageCreate, (message) => {
    handle(
      () => onMessage(message),
      (error) => log.error({ err: error, channel: message.channelId }, 'handling a Discord message failed'),
    );
  });

  // Reactions are read from the gateway payload itself: discord.js drops reactions in a DM channel it has not
  // cached (after a restart), even with partials, and feedback needs nothing but these ids.
  const onReaction = (added: boolean) => (data: GatewayMessageReactionAddDispatchData | GatewayMessageReactionRemoveDispatchData) => {
    const loreId = client.user?.id;
    // Read defensively: this runs inside the gateway's message handler, where a throw would end the process.
    if (!loreId || data.user_id === loreId || !data.emoji?.name) return;
    // Reactions on Lore's answers can be feedback; on someone's question, the taking up of Lore's offer of help. The
    // conversation tells which.
    if ('member' in data && data.member?.user.bot) return;
    if (data.guild_id !== undefined && !servers.allowed.includes(data.guild_id)) return;
    const reaction = { channelId: data.channel_id, messageId: data.message_id, userId: data.user_id, emoji: data.emoji.name, added };
    handle(
      () => conversation.handleReaction(platform, reaction),
      (error) => log.error({ err: error }, 'handling a Discord reaction failed'),
    );
  };
  client.ws.on(GatewayDispatchEvents.MessageReactionAdd, onReaction(true));
  client.ws.on(GatewayDispatchEvents.MessageReactionRemove, onReaction(false));

  const onSlashCommand = async (interaction: ChatInputCommandInteraction): Promise<void> => {
    if (!(await servers.admits(interaction.guildId, interaction.user.id))) {
      await interaction.reply({ content: NOT_HERE, flags: EPHEMERAL, allowedMentions: NO_MENTIONS });
      return;
    }
    const subcommand = interaction.options.getSubcommand(false);
    if (subcommand === 'ask') return ask(interaction);
    // Discord wants an answer within 3 seconds: defer at once, then edit the deferred reply.
    await interaction.deferReply({ flags: EPHEMERAL });
    const command = commandFromSubcommand(subcommand, (name) => interaction.options.getString(name));
    await conversation.handleCommand(
      platform,
      { userId: interaction.user.id, channelId: interaction.channelId, command },
      commandResponder(interaction, log),
    );
  };

  const ask = async (interaction: ChatInputCommandInteraction): Promise<void> => {
    const question = interaction.options.getString('question', true).trim();
    await interaction.deferReply();
    // Discord enforces the option's length, but nothing a client sends is taken on trust.
    const problem =
      question === ''
        ? 'Ask a question after `/lore ask`, e.g. `/lore ask question: How long are backups kept?`'
        : question.length > MAX_QUESTION_CHARS
          ? `That question is too long (${question.length} characters; the limit is ${MAX_QUESTION_CHARS.toLocaleString('en-US')}). Please shorten it.`
          : undefined;
    if (problem) {
      await interaction.editReply({ content: problem, allowedMentions: NO_MENTIONS });
      return;
    }
    const scope = await channelScope(client, interaction.channelId, interaction.channel);
    const incoming: IncomingMessage = {
      eventId: interaction.id,
      workspaceId: interaction.guildId ?? undefined,
      channelId: interaction.channelId,
      isDirect: interaction.guildId === null,
      messageId: interaction.id,
      threadId: interaction.id,
      inThread: false,
      userId: interaction.user.id,
      fromBot: interaction.user.bot,
      mentionsBot: true,
      text: question,
      files: [],
    };
    withScope(incoming, scope);
    const release = platform.registerInteraction(interaction.id, interaction, question);
    try {
      await conversation.handleMessage(platform, incoming);
    } finally {
      await release();
    }
  };

  const onInteraction = async (interaction: Interaction): Promise<void> => {
    if (interaction.isMessageContextMenuCommand() && interaction.commandName === SAVE_VERIFIED_COMMAND) {
      if (!(await servers.admits(interaction.guildId, interaction.user.id))) {
        await interaction.reply({ content: NOT_HERE, flags: EPHEMERAL, allowedMentions: NO_MENTIONS });
        return;
      }
      await interaction.deferReply({ flags: EPHEMERAL });
      const reply = await conversation.handleSaveVerified(platform, {
        channelId: interaction.channelId,
        messageId: interaction.targetId,
        userId: interaction.user.id,
        via: 'shortcut',
      });
      await interaction.editReply({ content: reply, allowedMentions: NO_MENTIONS });
      return;
    }
    if (interaction.isChatInputCommand()) {
      if (interaction.commandName === COMMAND_NAME) await onSlashCommand(interaction);
      return;
    }
    if (interaction.isButton()) {
      const answerId = answerIdOfButton(interaction.customId);
      if (answerId) {
        await interaction.showModal(feedbackReasonModal(answerId));
        return;
      }
      const handOff = idAfter(interaction.customId, HAND_OFF_BUTTON);
      const resolved = idAfter(interaction.customId, HAND_OFF_RESOLVED_BUTTON);
      if (!handOff && !resolved) return;
      // Within Discord's 3 seconds: the word for the clicker follows once the hand-off is done.
      await interaction.deferReply({ flags: EPHEMERAL });
      const click = { userId: interaction.user.id, channelId: interaction.channelId };
      const reply = handOff
        ? await conversation.handleHandOff(platform, handOff, click)
        : await conversation.handleHandOffResolved(platform, resolved!, click);
      await interaction.editReply({ content: reply, allowedMentions: NO_MENTIONS });
      return;
    }
    if (interaction.isModalSubmit()) {
      const answerId = answerIdOfModal(interaction.customId);
      if (!answerId) return;
      const saved = conversation.recordFeedbackReason(platform, answerId, interaction.user.id, interaction.fields.getTextInputValue(REASON_FIELD));
      const content = saved ? 'Thanks, noted.' : "I couldn't find your 👎 on that answer any more, so I didn't keep the reason.";
      await interaction.reply({ content, flags: EPHEMERAL, allowedMentions: NO_MENTIONS });
    }
  };
  client.on(Events.InteractionCreate, (interaction) => {
    handle(
      () => onInteraction(interaction),
      (error) => log.error({ err: withoutInteractionToken(error), interaction: interaction.id }, 'handling a Discord interaction failed'),
    );
  });

  try {
    await login(client, options.token, options.readyTimeoutMs ?? 30_000, options.loginAttempts ?? 3);
  } catch (error) {
    await client.destroy().catch(() => undefined);
    await platform.close();
    throw new Error(`could not connect to Discord: ${explainLoginError(error)}`, { cause: error });
  }
  const userId = client.user!.id;
  const applicationId = client.application!.id;
  await registerCommands(client, options.guildId, log);
  log.info(
    { botUserId: userId, applicationId, servers: client.guilds.cache.size, answersIn: servers.allowed, replyMode: options.replyMode },
    'connected to Discord',
  );
  if (servers.allowed.length === 0) {
    log.warn('DISCORD_GUILD_IDS (or DISCORD_GUILD_ID) is not set: Lore answers in no Discord server and no direct message');
  }
  const unconfigured = servers.unconfigured();
  if (unconfigured.length > 0) {
    log.warn(
      { servers: unconfigured },
      'Lore is in Discord servers it is not configured for and ignores them; make the bot private so no one else can invite it (README: Discord, Install)',
    );
  }

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    stopping = true;
    const drained = await drain(inFlight, options.drainTimeoutMs ?? 15_000);
    if (!drained) log.warn({ inFlight: inFlight.size }, 'closing the Discord connection with answers still in progress');
    await client.destroy().catch((error: unknown) => log.warn({ err: error }, 'closing the Discord gateway failed'));
    await platform.close();
    log.info('disconnected from Discord');
  };
  return {
    userId,
    applicationId,
    platform,
    stop: () => (stopped ??= stop()),
  };
}

/** True when every piece of work finished within the time. */
async function drain(work: Set<Promise<unknown>>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([Promise.allSettled([...work]).then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Logs in and waits for the servers to load, within `timeoutMs` and `attempts` failed gateway connections: on its
 * own, discord.js's login never returns while the gateway refuses connections (it retries forever).
 */
async function login(client: Client, token: string, timeoutMs: number, attempts: number): Promise<void> {
  const controller = new AbortController();
  let failures = 0;
  let lastReason: string | undefined;
  const giveUp = (why: string) => controller.abort(new Error(lastReason ? `${why} (${lastReason})` : why));
  const timer = setTimeout(() => giveUp(`the gateway did not finish loading within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
  const onError = (error: Error) => (lastReason = error.message);
  const onDebug = (message: string) => {
    if (/network error/i.test(message)) lastReason = 'could not reach the gateway: network error';
    else if (/closed with an unexpected code (\d+)/.test(message))
      lastReason ??= `the gateway closed the connection (${/code (\d+)/.exec(message)![1]})`;
  };
  const onReconnecting = () => {
    failures += 1;
    if (failures >= attempts) giveUp(`the gateway refused ${failures} connections in a row`);
  };
  client.on(Events.ShardError, onError);
  client.on(Events.Debug, onDebug);
  client.on(Events.ShardReconnecting, onReconnecting);
  const ready = once(client, Events.ClientReady, { signal: controller.signal });
  // Without listeners, a rejection that lost the race would be unhandled.
  ready.catch(() => undefined);
  const loggingIn = client.login(token);
  loggingIn.catch(() => undefined);
  const stopped = new Promise<never>((_, reject) =>
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true }),
  );
  stopped.catch(() => undefined);
  try {
    await Promise.race([loggingIn.then(() => ready), stopped]);
  } finally {
    clearTimeout(timer);
    controller.abort();
    client.off(Events.ShardError, onError);
    client.off(Events.Debug, onDebug);
    client.off(Events.ShardReconnecting, onReconnecting);
  }
}

/** The part of discord.js's gateway manager that runs a packet's handler (a private method, hence declared here). */
interface PacketHandling {
  handlePacket(packet?: { t?: string }, shard?: unknown): boolean;
}

/**
 * discord.js runs a packet's handler inside the WebSocket's message event, so a handler that throws on a malformed
 * packet (a TypeError reading a field that is missing) ends the process. Caught here, it is reported instead.
 */
function guardPacketHandling(client: Client, onFailure: (error: Error, event: string | undefined) => void): void {
  const manager = client.ws as unknown as PacketHandling;
  const handlePacket = manager.handlePacket.bind(manager);
  manager.handlePacket = (packet, shard) => {
    try {
      return handlePacket(packet, shard);
    } catch (error) {
      onFailure(error instanceof Error ? error : new Error(String(error)), packet?.t);
      return true;
    }
  };
}

/** A login failure that retrying cannot mend (the token or the intents were refused): someone has to act. */
export function isPermanentLoginFailure(error: Error): boolean {
  const cause = error.cause ?? error;
  const code = (cause as { code?: unknown }).code;
  const message = errorMessage(cause);
  return code === DiscordjsErrorCodes.TokenInvalid || code === DiscordjsErrorCodes.DisallowedIntents || /Authentication failed|intent/i.test(message);
}

function explainLoginError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = errorMessage(error);
  if (code === DiscordjsErrorCodes.TokenInvalid || /Authentication failed/i.test(message)) {
    return 'DISCORD_TOKEN was rejected: copy the bot token again from the Developer Portal (Bot → Reset Token).';
  }
  if (code === DiscordjsErrorCodes.DisallowedIntents || /intent/i.test(message)) {
    return 'Discord refused the gateway intents Lore needs: turn on "Message Content Intent" under Bot → Privileged Gateway Intents in the Developer Portal.';
  }
  return message;
}

/** Overwrites Lore's slash commands; a failure is logged, not fatal: mentions and DMs still work without them. */
async function registerCommands(client: Client, guildId: string | undefined, log: Logger): Promise<void> {
  try {
    const commands = client.application!.commands;
    const all = [loreCommand(), saveVerifiedCommand()];
    await (guildId ? commands.set(all, guildId) : commands.set(all));
    log.info({ scope: guildId ? `server ${guildId}` : 'global' }, 'registered the /lore command');
  } catch (error) {
    const hint = guildId ? ' (is Lore in the server DISCORD_GUILD_ID names, invited with the applications.commands scope?)' : '';
    log.error({ err: error }, `could not register the /lore command${hint}; mentions and direct messages still work`);
  }
}

/** `/lore` replies: the deferred (private) reply first, then private follow-ups; split to fit Discord's limit. */
function commandResponder(interaction: ChatInputCommandInteraction, log: Logger): CommandResponder {
  let acknowledged = false;
  const send = async (text: string): Promise<void> => {
    for (const piece of renderCommandReply(text)) {
      if (!acknowledged) {
        acknowledged = true;
        await guardInteractionToken(() => interaction.editReply({ content: piece, allowedMentions: NO_MENTIONS }));
      } else {
        await guardInteractionToken(() => interaction.followUp({ content: piece, flags: EPHEMERAL, allowedMentions: NO_MENTIONS }));
      }
    }
  };
  return {
    acknowledge: send,
    followUp: async (text) => {
      try {
        await send(text);
      } catch (error) {
        // An interaction can be answered for 15 minutes; a longer sync reports by direct message.
        log.warn({ err: error, user: interaction.user.id }, 'could not follow up on the command; sending a direct message instead');
        for (const piece of renderCommandReply(text)) await interaction.user.send({ content: piece, allowedMentions: NO_MENTIONS });
      }
    },
  };
}
