import { ChatConfigError, loadChatConfig, type ChatConfig } from '../../bot/conversation/chat-config.ts';
import { ChatStore } from '../../bot/conversation/chat-store.ts';
import { HandOffStore } from '../../bot/conversation/hand-off-store.ts';
import { Conversation, type ChatMetrics, type ConversationOptions } from '../../bot/conversation/conversation.ts';
import { createStaleNotifier } from '../../bot/conversation/stale-notices.ts';
import type { DiscordBot } from '../../bot/discord/discord-bot.ts';
import { SLACK_EVENTS_PATH, type SlackBot } from '../../bot/slack/slack-bot.ts';
import type { Answerer } from '../../rag/contracts/answer-stream.ts';
import type { SyncSource } from '../../rag/contracts/sources.ts';
import { errorMessage } from '../../rag/errors.ts';
import { createAnswerService } from '../create-answer-service.ts';
import { createChatServices } from '../chat-services.ts';
import { ConfigError } from '../config.ts';
import { createHttpServer, listenOnConfiguredHost } from '../http/create-server.ts';
import { isLoopbackHost } from '../http/loopback.ts';
import type { RawRouteHandler } from '../http/raw-routes.ts';
import type { PlatformMetrics, PlatformStatus, PlatformSupervisor } from '../chat-platform-supervisor.ts';
import { superviseDiscord, type ConnectDiscordOptions } from '../connect-discord.ts';
import { slackEventsRoute, superviseSlack, type SuperviseSlackOptions } from '../connect-slack.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { Metrics } from '../metrics.ts';
import { BottleneckKeyLimiter } from '../rate-limit/key-limiter.ts';
import { openSharedState, type SharedBottleneck, type SharedState } from '../shared-state.ts';
import type { Runtime } from '../runtime.ts';
import { createSyncService, logSyncReport, startSyncSchedule, SyncBusyError, type SyncService } from '../sync-service.ts';
import { progressBar } from '../progress.ts';
import { startStaleSourceNotices, type StaleSourceNotices } from '../stale-sources.ts';

/**
 * Runs Lore as a service: brings the configured sources up to date (on a first run that is the
 * sample knowledge base), serves the HTTP API, connects the chat platforms whose tokens are set, and shuts
 * everything down cleanly on SIGINT/SIGTERM.
 */
export async function start(runtime: Runtime): Promise<number> {
  // With REDIS_URL, replicas share rate limits, the answer cache and the budget; an unreachable Redis fails the
  // start here, before the slow first index, rather than letting this replica run on private limits.
  const shared = await openSharedState(runtime.config, runtime.log);
  try {
    return await serve(runtime, shared);
  } finally {
    await shared.close();
  }
}

async function serve(runtime: Runtime, shared: SharedState): Promise<number> {
  const { config, log, chunks } = runtime;
  // The chat configuration is checked before the slow first index, so a mistake in it fails at once.
  const chatConfig = readChatConfig(config.chatConfigFile);
  const metrics = new Metrics();
  // The budget alert compares today's spend with it (0: no budget).
  metrics.set('lore_budget_limit_usd', {}, config.dailyBudgetUsd);
  // One sync service for the whole process: one rate limiter per source, one lock holder.
  const sync = createSyncService(runtime, { metrics });
  await syncFilesFirst(runtime, sync);
  const background = syncRemoteSourcesInBackground(runtime, sync);
  const stopSchedule = startSyncSchedule(sync, config.syncIntervalMinutes, log);

  const answers = createAnswerService(runtime, { metrics, cache: shared.cache, ledger: shared.ledger, bottleneck: shared.bottleneck });
  const chat = await connectChat(runtime, { sync, pipeline: answers, chatConfig, metrics, sharedLimits: shared.bottleneck }).catch(
    async (error: unknown) => {
      stopSchedule();
      await background.stop();
      throw error;
    },
  );
  // Shared by every replica; otherwise the server keeps its own in-process limiter.
  const limiter = shared.bottleneck
    ? new BottleneckKeyLimiter({ perMinute: config.api.ratePerMinute, burst: config.api.burst, datastore: shared.bottleneck })
    : undefined;
  try {
    const server = await createHttpServer({
      runtime,
      answers,
      metrics,
      rawRoutes: chat.routes,
      platforms: chat.platformStatus,
      ...(limiter ? { limiter } : {}),
    });
    try {
      await listenOnConfiguredHost(server, config.host, config.port);
    } catch (error) {
      await server.close();
      throw error;
    }
    log.info(
      { host: config.host, port: config.port, chat: chat.platforms, ...chunks.counts() },
      `Lore is running: http://${browsableHost(config.host)}:${config.port}/ (the playground; the API at /query)`,
    );

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    log.info({ signal }, 'shutting down');
    // No new requests; answers in flight finish first.
    await server.close();
  } finally {
    stopSchedule();
    await background.stop();
    await chat.close();
    await limiter?.close();
  }
  return EXIT_OK;
}

/**
 * Local files are synced before Lore serves (on a first run that is the sample knowledge base), so the first
 * question already has an index. A sync of them already running elsewhere (`lore sync files`) is not waited for.
 */
async function syncFilesFirst(runtime: Runtime, sync: SyncService): Promise<void> {
  const { config, log, chunks } = runtime;
  const firstRun = chunks.counts().documents === 0;
  log.info({ paths: config.filesPaths, firstRun }, firstRun ? 'indexing the configured files for the first time' : 'syncing the configured files');
  const bar = progressBar('Indexing', true);
  try {
    const [report] = await sync.sync('files', {
      onProgress: (event) => {
        if (event.phase === 'indexing') bar.update({ done: event.done, total: event.total, current: event.message });
      },
    });
    if (report) logSyncReport(log, report, 'files synced');
  } catch (error) {
    if (!(error instanceof SyncBusyError)) throw error;
    log.warn({ source: 'files' }, 'another process is syncing the files: serving the index as it is');
  } finally {
    bar.stop();
  }
}

/**
 * Notion, GitHub and web sync in the background: a first Notion sync at its 3 requests/s can take many
 * minutes, and Lore answers from what is indexed meanwhile. `stop()` cancels and waits.
 */
function syncRemoteSourcesInBackground(runtime: Runtime, sync: SyncService): { stop(): Promise<void> } {
  const { log } = runtime;
  const controller = new AbortController();
  const remote = sync.configuredSources().filter((source) => source !== 'files');
  const done = (async () => {
    for (const source of remote) {
      if (controller.signal.aborted) return;
      try {
        const [report] = await sync.sync(source as SyncSource, { signal: controller.signal });
        if (report) logSyncReport(log, report, 'source synced');
      } catch (error) {
        if (controller.signal.aborted) return;
        log.error({ source, err: errorMessage(error) }, 'sync failed; the next scheduled sync retries it');
      }
    }
  })();
  return {
    async stop() {
      controller.abort(new Error('Lore is shutting down'));
      await done;
    },
  };
}

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
  /** Puts the per-user and per-channel question buckets in Redis, shared by every replica. */
  sharedLimits?: SharedBottleneck;
}

/**
 * Connects the chat platforms whose tokens are configured (Slack: SLACK_BOT_TOKEN; Socket Mode with
 * SLACK_APP_TOKEN, otherwise HTTP at POST /slack/events with SLACK_SIGNING_SECRET. Discord: DISCORD_TOKEN).
 * With none, nothing starts. Every platform shares one conversation layer: one set of rate limits, one
 * feedback store.
 */
export async function connectChat(runtime: Runtime, options: ConnectChatOptions): Promise<ChatConnections> {
  const { config, log } = runtime;
  const routes = new Map<string, RawRouteHandler>();
  const { slack, discord } = config;
  if (!slack.botToken && (slack.signingSecret || slack.appToken)) log.warn('SLACK_BOT_TOKEN is not set: Slack is not connected');
  if (!slack.botToken && !discord.token) return { routes, platforms: [], platformStatus: () => ({}), close: async () => {} };
  if (slack.botToken && !slack.appToken && !slack.signingSecret) {
    throw new ConfigError('Invalid configuration: SLACK_SIGNING_SECRET is required for Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode)');
  }

  const chatConfig = options.chatConfig ?? readChatConfig(config.chatConfigFile);
  logChatScope(log, chatConfig, config.chatConfigFile);
  // Answers' sources are recorded as they are posted and checked after every sync (issue 17, item 4).
  const staleSources = startStaleSourceNotices({
    db: runtime.db,
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
    store: new ChatStore(runtime.db),
    handOffs: new HandOffStore(runtime.db),
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
  try {
    if (slack.botToken) {
      // Not awaited either: Slack down at start must not keep HTTP or Discord from serving.
      slackBot = superviseSlack({
        config,
        log,
        conversation,
        ...(options.slack ? { slack: options.slack } : {}),
        ...(options.slackSupervisor ? { supervisor: options.slackSupervisor } : {}),
        ...(platformMetrics ? { metrics: platformMetrics } : {}),
      });
      slackBot.start();
      if (!slack.appToken) routes.set(SLACK_EVENTS_PATH, slackEventsRoute(slackBot));
      platforms.push('slack');
    }
    if (discord.token) {
      // Not awaited: Discord being down (or failing later) must not keep HTTP or Slack from serving.
      discordBot = superviseDiscord({
        config,
        log,
        conversation,
        ...(options.discord ? { discord: options.discord } : {}),
        ...(options.discordSupervisor ? { supervisor: options.discordSupervisor } : {}),
        ...(platformMetrics ? { metrics: platformMetrics } : {}),
      });
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

/** The host to print in the playground's address: a wildcard or loopback address is reached as localhost. */
function browsableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || isLoopbackHost(host)) return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function readChatConfig(file: string | undefined): ChatConfig {
  try {
    return loadChatConfig(file);
  } catch (error) {
    if (error instanceof ChatConfigError) throw new ConfigError(error.message);
    throw error;
  }
}
