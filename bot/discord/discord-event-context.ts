import type { Client } from 'discord.js';
import type { Logger } from 'pino';
import type { Conversation } from '../conversation/conversation.ts';
import type { DiscordPlatform } from './discord-platform.ts';
import type { DiscordServers } from './discord-servers.ts';
import type { InFlightWork } from './in-flight-work.ts';

/** What the handlers of Discord events share: they turn events into calls on the conversation layer. */
export interface DiscordEventContext {
  client: Client;
  platform: DiscordPlatform;
  /** The servers Lore answers in. */
  servers: DiscordServers;
  conversation: Conversation;
  log: Logger;
  /** Where each event's work runs, so stopping can wait for it. */
  work: InFlightWork;
}
