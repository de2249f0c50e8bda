import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import type { Logger } from 'pino';
import type { InFlightWork } from './in-flight-work.ts';

/** Only what Lore needs: server channels and messages (with their content), reactions, and direct messages. */
export const DISCORD_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.GuildMessageReactions,
  GatewayIntentBits.DirectMessages,
  GatewayIntentBits.DirectMessageReactions,
];

export interface DiscordClientOptions {
  /** REST base URL (tests point it at a local fake). */
  apiUrl?: string;
  /** Per REST call. */
  requestTimeoutMs?: number;
  /** Retries per REST call on server errors (429s always wait for Retry-After). */
  retries?: number;
}

/** A discord.js client with Lore's intents, partials, REST settings and no pings by default; not logged in. */
export function createDiscordClient(options: DiscordClientOptions): Client {
  return new Client({
    intents: DISCORD_INTENTS,
    // DMs arrive on channels discord.js has never seen; without Channel they would be dropped. The others let it
    // build partial structures (replies to uncached messages, reactions) instead of ignoring the event.
    partials: [Partials.Channel, Partials.Message, Partials.Reaction, Partials.User],
    rest: { ...(options.apiUrl ? { api: options.apiUrl } : {}), timeout: options.requestTimeoutMs ?? 15_000, retries: options.retries ?? 3 },
    // Nothing Lore writes pings anyone, unless a call says so (the asker, when Lore replies).
    allowedMentions: { parse: [], repliedUser: false },
  });
}

/** Logs the client's warnings, errors, gateway disconnects, reconnects and resumes, and REST rate limits. */
export function logConnectionEvents(client: Client, log: Logger, work: InFlightWork): void {
  client.on(Events.Warn, (message) => log.warn({ source: 'discord.js' }, message));
  client.on(Events.Error, (error) => log.error({ err: error }, 'Discord client error'));
  client.on(Events.ShardDisconnect, (event, shard) => log.warn({ code: event.code, shard }, 'disconnected from the Discord gateway'));
  // discord.js retries a lost gateway about twice a second: one line says it started, the rest are debug detail.
  // While logging in, `login` counts the attempts and reports the failure itself.
  let reconnecting = true;
  client.on(Events.ShardReconnecting, (shard) => {
    if (work.stopping) return;
    if (reconnecting) log.debug({ shard }, 'reconnecting to the Discord gateway');
    else log.warn({ shard }, 'lost the Discord gateway session: reconnecting');
    reconnecting = true;
  });
  client.on(Events.ShardReady, () => (reconnecting = false));
  client.on(Events.ShardResume, (shard, replayed) => {
    reconnecting = false;
    log.info({ shard, replayed }, 'Discord gateway session resumed');
  });
  client.rest.on('rateLimited', (info) =>
    log.warn({ route: info.route, retryAfterMs: info.retryAfter, global: info.global }, 'Discord rate limit: waiting'),
  );
}
