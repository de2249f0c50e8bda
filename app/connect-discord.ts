import type { Conversation } from '../bot/conversation/conversation.ts';
import { adminRoleIds, DiscordAdminsError } from '../bot/discord/discord-admins.ts';
import { startDiscordBot, type DiscordBot, type DiscordBotOptions } from '../bot/discord/discord-bot.ts';
import { ConfigError, type Config } from './config.ts';
import type { Logger } from './logger.ts';

export interface ConnectDiscordOptions {
  config: Config;
  log: Logger;
  /** The conversation layer every chat platform shares (one set of rate limits, one feedback store). */
  conversation: Conversation;
  /** Overrides for tests (timeouts, retries, the fake's attachment origin). */
  discord?: Partial<Pick<DiscordBotOptions, 'requestTimeoutMs' | 'retries' | 'readyTimeoutMs' | 'extraAttachmentOrigins' | 'postBurst'>>;
}

/**
 * Connects Lore to Discord with DISCORD_TOKEN (REST base DISCORD_API_URL, `/lore` registered in DISCORD_GUILD_ID or
 * globally, answers as replies or threads per DISCORD_REPLY_MODE). Discord settings are checked before connecting,
 * so a mistake fails at start with a message naming the variable.
 */
export async function connectDiscord(options: ConnectDiscordOptions): Promise<DiscordBot> {
  const { config, log, conversation } = options;
  const { token, apiUrl, guildId, guildIds, replyMode } = config.discord;
  if (!token) throw new ConfigError('Invalid configuration: DISCORD_TOKEN is not set');
  if (guildId !== undefined && !/^\d{15,21}$/.test(guildId)) {
    throw new ConfigError(`Invalid configuration: DISCORD_GUILD_ID must be a Discord server id, a number (got "${guildId}")`);
  }
  let roles: string[];
  try {
    roles = adminRoleIds(config.admins);
  } catch (error) {
    if (error instanceof DiscordAdminsError) throw new ConfigError(`Invalid configuration: LORE_ADMINS ${error.message}`);
    throw error;
  }
  return startDiscordBot({ token, apiUrl, guildId, guildIds, replyMode, adminRoleIds: roles, conversation, log, ...options.discord });
}
