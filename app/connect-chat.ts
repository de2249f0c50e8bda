import type { ChatConfig } from '../bot/conversation/chat-config.ts';
import { ChatStore } from '../bot/conversation/chat-store.ts';
import { HandOffStore } from '../bot/conversation/hand-off-store.ts';
import { VerifiedStore } from '../bot/conversation/verified-store.ts';
import { Conversation, type ChatMetrics, type ConversationOptions } from '../bot/conversation/conversation.ts';
import { createStaleNotifier } from '../bot/conversation/stale-notices.ts';
import type { DiscordBot } from '../bot/discord/discord-bot.ts';
import { AssistantThreadStore } from '../bot/slack/assistant-thread-store.ts';
import { SLACK_EVENTS_PATH, type SlackBot } from '../bot/slack/slack-bot.ts';
import type { Answerer } from '../rag/contracts/answer-stream.ts';
import { createChatServices } from './chat-services.ts';
import type { PlatformMetrics, PlatformStatus, PlatformSupervisor } from './chat-platform-supervisor.ts';
import { readChatConfig } from './config.ts';
import { discordGatewayTurns, superviseDiscord, type ConnectDiscordOptions, type DiscordGatewayLeaseOptions } from './connect-discord.ts';
import { slackEventsRoute, superviseSlack, type SuperviseSlackOptions } from './connect-slack.ts';
import type { RawRouteHandler } from './http/raw-routes.ts';
import type { Runtime } from './runtime.ts';
import type { SharedBottleneck } from './shared-state.ts';
import { startStaleSourceNotices, type StaleSourceNotices } from './stale-sources.ts';
import type { SyncService } from './sync-service.ts';

// The chat side of `lore start`, composed by app/lore.ts: one conversation layer over every configured platform.

/** Chat platforms connected by `lore start`, and the HTTP routes they serve (Slack's HTTP mode). */
export interface ChatConnections {
  /** `POST <path>` handlers. */
  routes: Map<string, RawRouteHandler>;
  platforms: string[];
  conversation?: Conversation;
  /** Keeps Slack connected in the background; its `current` client, when connected. */
  slack?: PlatformSupervisor<SlackBot>;
  /** Keeps Discord connected in the background; its `current` client, when connected. */
  discord?: PlatformSupervisor<DiscordBot>;
  /** Stale-source notices in the threads of answers whose sources a sync changed. */
  staleSources?: StaleSourceNotices;
  /** Each supervised platform's state, for GET /ready. */
  platformStatus(): Record<string, PlatformStatus>;
  /** Disconnects every platform and waits for answers in progress. */
  close(): Promise<void>;
}

export interface ConnectChatOptions {
  sync: SyncService;
  /** The answer service (or a bare pipeline in tests). */
  pipeline: Answerer;
  chatConfig?: ChatConfig;
  /** Counters of answers, feedback and refusals, and each platform's connection, served at GET /metrics. */
  metrics?: ChatMetrics & Partial<Pick<PlatformMetrics, 'set'>>;
  /** Overrides for tests (shorter rate-limit windows, faster streaming edits). */
  conversation?: Partial<Pick<ConversationOptions, 'limits' | 'updateIntervalMs' | 'progressIntervalMs' | 'maxProgressReports' | 'metrics'>>;
  slack?: SuperviseSlackOptions['slack'];
  slackSupervisor?: SuperviseSlackOptions['supervisor'];
  discord?: ConnectDiscordOptions['discord'];
  discordSupervisor?: ConnectDiscordOptions['supervisor'];
  /** The gateway lease's timing and this replica's name (tests). */
  discordLease?: DiscordGatewayLeaseOptions;
  /** Puts the per-user and per-channel question buckets in Redis, shared by every replica. */
  sharedLimits?: SharedBottleneck;
}

/**
 * Connects the chat platforms whose tokens are configured (Slack: SLACK_BOT_TOKEN; Socket Mode with
 * SLACK_APP_TOKEN, otherwise HTTP at POST /slack/events with SLACK_SIGNING_SECRET, which loadConfig requires then.
 * Discord: DISCORD_TOKEN).
 * With none, nothing starts. Every platform shares one conversation layer: one set of rate limits, one
 * feedback store.
 */
export async function connectChat(runtime: Runtime, options: ConnectChatOptions): Promise<ChatConnections> {
  const { config, log } = runtime;
  const routes = new Map<string, RawRouteHandler>();
  const { slack, discord } = config;
  if (!slack.botToken && (slack.signingSecret || slack.appToken)) log.warn('SLACK_BOT_TOKEN is not set: Slack is not connected');
  if (!slack.botToken && !discord.token) return { routes, platforms: [], platformStatus: () => ({}), close: async () => {} };

  const chatConfig = options.chatConfig ?? readChatConfig(config.chatConfigFile);
  logChatScope(log, chatConfig, config.chatConfigFile);
  // Answers' sources are recorded as they are posted and checked after every sync (issue 17, item 4).
  const staleSources = startStaleSourceNotices({
    db: runtime.sql,
    chunks: runtime.chunks,
    log: log.child({ component: 'stale-sources' }),
    sync: options.sync,
    notifier: createStaleNotifier({
      optedIn: chatConfig.staleNoticesFor,
      platforms: () => [slackBot?.current?.platform, discordBot?.current?.platform].filter((platform) => platform !== undefined),
      log,
    }),
  });
  const conversation = new Conversation({
    services: { ...createChatServices(runtime, options.sync, options.pipeline), answerPosted: staleSources.answerPosted },
    store: new ChatStore(runtime.sql),
    handOffs: new HandOffStore(runtime.sql),
    verified: new VerifiedStore(runtime.sql),
    chatConfig,
    admins: config.admins,
    followThreads: config.followThreads,
    editWindowMs: config.editWindowMinutes * 60_000,
    limits: { ...config.rateLimits, ...(options.sharedLimits ? { datastore: options.sharedLimits } : {}) },
    log: log.child({ component: 'chat' }),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...options.conversation,
  });
  const platforms: string[] = [];
  let slackBot: PlatformSupervisor<SlackBot> | undefined;
  let discordBot: PlatformSupervisor<DiscordBot> | undefined;
  // Questions still queued are dropped first, then each platform finishes the answers it started and disconnects.
  const close = async () => {
    await staleSources.stop();
    await conversation.close();
    await discordBot?.stop();
    await slackBot?.stop();
  };
  const metrics = options.metrics;
  const platformMetrics: PlatformMetrics | undefined = metrics?.set
    ? { increment: metrics.increment.bind(metrics), set: metrics.set.bind(metrics) }
    : undefined;
  // What every platform's supervisor is given. Its test overrides are handed on as they are: the supervisors spread
  // them over their defaults, so one not given (undefined) leaves the default alone.
  const shared = { config, log, conversation, ...(platformMetrics ? { metrics: platformMetrics } : {}) };
  try {
    if (slack.botToken) {
      // Not awaited either: Slack down at start must not keep HTTP or Discord from serving.
      // The assistant panel's threads in the store replicas share: its events may reach any of them.
      const assistantThreads = new AssistantThreadStore(runtime.sql);
      slackBot = superviseSlack({ ...shared, assistantThreads, slack: options.slack, supervisor: options.slackSupervisor });
      slackBot.start();
      if (!slack.appToken) routes.set(SLACK_EVENTS_PATH, slackEventsRoute(slackBot));
      platforms.push('slack');
    }
    if (discord.token) {
      // Not awaited: Discord being down (or failing later) must not keep HTTP or Slack from serving.
      // One replica at a time connects to the gateway: the holder of its lease in the store replicas share.
      const takeTurns = discordGatewayTurns(runtime.sql, log, options.discordLease);
      discordBot = superviseDiscord({ ...shared, discord: options.discord, supervisor: options.discordSupervisor, takeTurns });
      discordBot.start();
      platforms.push('discord');
    }
  } catch (error) {
    await close();
    throw error;
  }
  const platformStatus = (): Record<string, PlatformStatus> => ({
    ...(slackBot ? { slack: slackBot.status() } : {}),
    ...(discordBot ? { discord: discordBot.status() } : {}),
  });
  return { routes, platforms, conversation, slack: slackBot, discord: discordBot, staleSources, platformStatus, close };
}

/** Says at start what chat answers may draw on where nothing more specific is configured. */
function logChatScope(log: Runtime['log'], chatConfig: ChatConfig, file: string | undefined): void {
  const scope = chatConfig.effectiveScope;
  const list = (sources: readonly string[]) => (sources.length > 0 ? sources.join(', ') : 'nothing');
  log.info(
    { file: file ?? null, ...scope },
    `chat scope: unlisted channels see ${list(scope.unlistedChannels)}; direct messages ${list(scope.directMessages)}; guests ${list(scope.guests)}; other workspaces' users ${list(scope.external)}`,
  );
}
