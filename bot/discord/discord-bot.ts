import type { Client } from 'discord.js';
import type { Logger } from 'pino';
import type { ChatPlatform } from '../conversation/chat-platform.ts';
import type { Conversation } from '../conversation/conversation.ts';
import { createDiscordClient, logConnectionEvents } from './discord-client.ts';
import { explainLoginError, login } from './discord-login.ts';
import { DiscordPlatform } from './discord-platform.ts';
import { DiscordServers } from './discord-servers.ts';
import { InFlightWork } from './in-flight-work.ts';
import { handleInteractions } from './interaction-events.ts';
import { handleMessages } from './message-events.ts';
import { guardPacketHandling } from './packet-guard.ts';
import { handleReactions } from './reaction-events.ts';
import { loreCommand, saveVerifiedCommand } from './slash-commands.ts';

// Lore in Discord, with discord.js. This file only translates: gateway events and interactions become calls on the
// conversation layer (the same one Slack uses); what is posted is rendered by DiscordPlatform. It connects the parts:
// the client (discord-client.ts), the handlers of messages, reactions and interactions (*-events.ts) and the login
// (discord-login.ts).

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

/** Logs in to the gateway, wires the handlers and registers `/lore`. Rejects with a clear message when it cannot. */
export async function startDiscordBot(options: DiscordBotOptions): Promise<DiscordBot> {
  const log = options.log.child({ platform: 'discord' });
  const client = createDiscordClient(options);
  const platform = new DiscordPlatform({
    client,
    log,
    adminRoleIds: options.adminRoleIds,
    homeGuildId: options.guildId,
    extraAttachmentOrigins: options.extraAttachmentOrigins,
    postBurst: options.postBurst,
  });
  const servers = new DiscordServers(client, options.guildIds, log);
  const work = new InFlightWork();

  logConnectionEvents(client, log, work);
  reportPacketFailures(client, log, work, options.onFailure);
  const context = { client, platform, servers, conversation: options.conversation, log, work };
  handleMessages(context, options.replyMode);
  handleReactions(context);
  handleInteractions(context);

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
  logConnected(client, servers, log, options.replyMode);

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    const drained = await work.drain(options.drainTimeoutMs ?? 15_000);
    if (!drained) log.warn({ inFlight: work.size }, 'closing the Discord connection with answers still in progress');
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

/** A packet discord.js failed handling is logged, and told once (see DiscordBotOptions.onFailure) unless stopping. */
function reportPacketFailures(client: Client, log: Logger, work: InFlightWork, onFailure: ((error: Error) => void) | undefined): void {
  let failed = false;
  guardPacketHandling(client, (error, event) => {
    log.error({ err: error, event }, 'discord.js failed handling a gateway packet: reconnecting with a new client');
    if (failed || work.stopping) return;
    failed = true;
    onFailure?.(error);
  });
}

/** Says where Lore answers, and warns about servers it answers in none of or is in without being configured for. */
function logConnected(client: Client, servers: DiscordServers, log: Logger, replyMode: DiscordBotOptions['replyMode']): void {
  log.info(
    { botUserId: client.user!.id, applicationId: client.application!.id, servers: client.guilds.cache.size, answersIn: servers.allowed, replyMode },
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
