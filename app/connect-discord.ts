import type { Conversation } from '../bot/conversation/conversation.ts';
import { startDiscordBot, type DiscordBot, type DiscordBotOptions } from '../bot/discord/discord-bot.ts';
import { isPermanentLoginFailure } from '../bot/discord/discord-login.ts';
import type { SqlDatabase } from '../rag/contracts/sql-database.ts';
import { errorMessage } from '../rag/errors.ts';
import { keepLease } from '../rag/store/lease-keeper.ts';
import { type LeaseOptions, Leases } from '../rag/store/leases.ts';
import { PlatformSupervisor, type PlatformMetrics, type PlatformSupervisorOptions, type TakeTurns } from './chat-platform-supervisor.ts';
import { ConfigError, type Config } from './config.ts';
import type { Logger } from './logger.ts';

export interface ConnectDiscordOptions {
  config: Config;
  log: Logger;
  /** The conversation layer every chat platform shares (one set of rate limits, one feedback store). */
  conversation: Conversation;
  /** Overrides for tests (timeouts, retries, the fake's attachment origin). */
  discord?: Partial<
    Pick<DiscordBotOptions, 'requestTimeoutMs' | 'retries' | 'readyTimeoutMs' | 'loginAttempts' | 'extraAttachmentOrigins' | 'postBurst'>
  >;
  /** Backoff between connection attempts (tests shorten it). */
  supervisor?: Partial<Pick<PlatformSupervisorOptions<DiscordBot>, 'initialDelayMs' | 'maxDelayMs'>>;
  /** Connect only during this replica's turn (`discordGatewayTurns`); without, at once. */
  takeTurns?: TakeTurns;
}

/** The lease naming the replica connected to Discord's gateway. */
export const DISCORD_GATEWAY_LEASE = 'discord-gateway';

/** Timing of the gateway's lease (tests shorten it), and who this replica is (tests pretend to be others). */
export type DiscordGatewayLeaseOptions = Pick<LeaseOptions, 'ttlMs' | 'heartbeatMs' | 'host'> & { retryMs?: number };

/**
 * Turns at Discord's gateway among the replicas sharing `sql`: Discord delivers each event to every session connected
 * for the bot (one shard), so with several replicas only the holder of the lease connects, and when it dies another
 * connects within the TTL plus a retry (30 s + 7.5 s by default), at once when it stops. On SQLite the one process
 * holds it. A holder that stalls past the TTL may overlap the next one for up to a heartbeat before it learns it lost
 * the lease; the chat store's "handled once" keeps those events from being answered twice.
 */
export function discordGatewayTurns(sql: SqlDatabase, log: Logger, options: DiscordGatewayLeaseOptions = {}): TakeTurns {
  const { retryMs, ...leaseOptions } = options;
  const leases = new Leases(sql, { ttlMs: 30_000, ...leaseOptions });
  return (onTurn) =>
    keepLease(leases, DISCORD_GATEWAY_LEASE, {
      ...(retryMs !== undefined ? { retryMs } : {}),
      onHeld(lease) {
        log.info({ platform: 'discord' }, 'this replica holds the Discord gateway lease: connecting');
        onTurn(lease.signal);
      },
      onError: (error) => log.warn({ platform: 'discord', err: errorMessage(error) }, 'could not ask for the Discord gateway lease; asking again'),
    });
}

/**
 * Connects Lore to Discord with DISCORD_TOKEN (REST base DISCORD_API_URL, `/lore` registered in DISCORD_GUILD_ID or
 * globally, answers as replies or threads per DISCORD_REPLY_MODE). Discord settings are checked before connecting,
 * so a mistake fails at start with a message naming the variable.
 */
export async function connectDiscord(options: ConnectDiscordOptions, onFailure?: (error: Error) => void): Promise<DiscordBot> {
  return startDiscordBot({ ...discordBotOptions(options), ...(onFailure ? { onFailure } : {}) });
}

/**
 * Discord kept connected in the background by a supervisor (`lore start`): its settings are checked here, at once,
 * so a mistake still stops Lore at start; connecting, retrying and replacing a failed client happen behind it.
 */
export function superviseDiscord(options: ConnectDiscordOptions & { metrics?: PlatformMetrics }): PlatformSupervisor<DiscordBot> {
  const botOptions = discordBotOptions(options);
  return new PlatformSupervisor<DiscordBot>({
    platform: 'discord',
    connect: (onFailure) => startDiscordBot({ ...botOptions, onFailure }),
    log: options.log,
    isPermanent: isPermanentLoginFailure,
    ...(options.takeTurns ? { takeTurns: options.takeTurns } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...options.supervisor,
  });
}

function discordBotOptions(options: ConnectDiscordOptions): DiscordBotOptions {
  const { config, log, conversation } = options;
  const { token, apiUrl, guildId, guildIds, replyMode, adminRoleIds } = config.discord;
  if (!token) throw new ConfigError('Invalid configuration: DISCORD_TOKEN is not set');
  return { token, apiUrl, guildId, guildIds, replyMode, adminRoleIds, conversation, log, ...options.discord };
}
