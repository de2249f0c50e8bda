import type { Conversation } from '../bot/conversation/conversation.ts';
import { startDiscordBot, type DiscordBot, type DiscordBotOptions } from '../bot/discord/discord-bot.ts';
import { isPermanentLoginFailure } from '../bot/discord/discord-login.ts';
import { PlatformSupervisor, type PlatformMetrics, type PlatformSupervisorOptions } from './chat-platform-supervisor.ts';
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
