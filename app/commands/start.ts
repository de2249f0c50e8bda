import http from 'node:http';
import { ChatConfigError, loadChatConfig, type ChatConfig } from '../../bot/conversation/chat-config.ts';
import { ChatStore } from '../../bot/conversation/chat-store.ts';
import { Conversation, type ConversationOptions } from '../../bot/conversation/conversation.ts';
import { SLACK_EVENTS_PATH, startSlackBot, type SlackBot } from '../../bot/slack/slack-bot.ts';
import type { AnswerPipeline } from '../../rag/answer-question.ts';
import { createAnswerPipeline } from '../answer-pipeline.ts';
import { createChatServices } from '../chat-services.ts';
import { ConfigError } from '../config.ts';
import { EXIT_OK } from '../exit-codes.ts';
import type { Runtime } from '../runtime.ts';
import { createSyncService, type SyncService } from '../sync-service.ts';
import { ingestPaths } from './ingest.ts';

/**
 * Runs Lore as a service: brings the configured sources up to date (on a first run that is the
 * sample knowledge base), serves the HTTP API, connects the chat platforms whose tokens are set, and shuts
 * everything down cleanly on SIGINT/SIGTERM.
 */
export async function start(runtime: Runtime): Promise<number> {
  const { config, log, chunks } = runtime;
  // The chat configuration is checked before the slow first index, so a mistake in it fails at once.
  const chatConfig = readChatConfig(config.chatConfigFile);
  const firstRun = chunks.counts().documents === 0;
  log.info({ paths: config.filesPaths, firstRun }, firstRun ? 'indexing the configured sources for the first time' : 'syncing the configured sources');
  const summary = await ingestPaths(runtime, config.filesPaths, true);
  log.info({ ...summary, failed: summary.failed.length }, 'sources indexed');
  for (const failure of summary.failed) log.warn(failure, 'input not indexed');

  const chat = await connectChat(runtime, { sync: createSyncService(runtime), pipeline: createAnswerPipeline(runtime), chatConfig });
  try {
    const server = http.createServer(httpHandler(runtime, chat.routes));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, resolve);
    });
    log.info({ port: config.port, chat: chat.platforms, ...chunks.counts() }, `Lore is running: http://localhost:${config.port}/health`);

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    log.info({ signal }, 'shutting down');
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  } finally {
    await chat.close();
  }
  return EXIT_OK;
}

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Chat platforms connected by `lore start`, and the HTTP routes they serve (Slack's HTTP mode). */
export interface ChatConnections {
  /** `POST <path>` handlers. */
  routes: Map<string, RouteHandler>;
  platforms: string[];
  conversation?: Conversation;
  slack?: SlackBot;
  /** Disconnects every platform and waits for answers in progress. */
  close(): Promise<void>;
}

export interface ConnectChatOptions {
  sync: SyncService;
  pipeline: AnswerPipeline;
  chatConfig?: ChatConfig;
  /** Overrides for tests (shorter rate-limit windows, faster streaming edits). */
  conversation?: Partial<Pick<ConversationOptions, 'limits' | 'updateIntervalMs' | 'progressIntervalMs' | 'maxProgressReports' | 'metrics'>>;
  slack?: { retries?: number; requestTimeoutMs?: number; postBurst?: number };
}

/**
 * Connects the chat platforms whose tokens are configured (Slack: SLACK_BOT_TOKEN; Socket Mode with
 * SLACK_APP_TOKEN, otherwise HTTP at POST /slack/events with SLACK_SIGNING_SECRET). With none, nothing starts.
 * Every platform shares one conversation layer: one set of rate limits, one feedback store.
 */
export async function connectChat(runtime: Runtime, options: ConnectChatOptions): Promise<ChatConnections> {
  const { config, log } = runtime;
  const routes = new Map<string, RouteHandler>();
  const { slack } = config;
  if (!slack.botToken) {
    if (slack.signingSecret || slack.appToken) log.warn('SLACK_BOT_TOKEN is not set: Slack is not connected');
    return { routes, platforms: [], close: async () => {} };
  }
  if (!slack.appToken && !slack.signingSecret) {
    throw new ConfigError('Invalid configuration: SLACK_SIGNING_SECRET is required for Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode)');
  }

  const conversation = new Conversation({
    services: createChatServices(runtime, options.sync, options.pipeline),
    store: new ChatStore(runtime.db),
    chatConfig: options.chatConfig ?? readChatConfig(config.chatConfigFile),
    admins: config.admins,
    followThreads: config.followThreads,
    limits: config.rateLimits,
    log: log.child({ component: 'chat' }),
    ...options.conversation,
  });
  let bot: SlackBot;
  try {
    bot = await startSlackBot({
      botToken: slack.botToken,
      signingSecret: slack.signingSecret,
      appToken: slack.appToken,
      apiUrl: slack.apiUrl,
      conversation,
      log,
      ...options.slack,
    });
  } catch (error) {
    await conversation.close();
    throw new Error(`could not connect to Slack: ${(error as Error).message}`, { cause: error });
  }
  if (bot.handleRequest) routes.set(SLACK_EVENTS_PATH, bot.handleRequest);
  return {
    routes,
    platforms: ['slack'],
    conversation,
    slack: bot,
    close: async () => {
      await bot.stop();
      await conversation.close();
    },
  };
}

/** GET /health, and the chat platforms' POST routes. */
export function httpHandler(runtime: Pick<Runtime, 'chunks' | 'log'>, routes: Map<string, RouteHandler>): RouteHandler {
  return (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && pathname === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', ...runtime.chunks.counts() }));
      return;
    }
    const route = req.method === 'POST' ? routes.get(pathname) : undefined;
    if (route) {
      try {
        route(req, res);
      } catch (error) {
        runtime.log.error({ err: error, path: pathname }, 'request handler failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'internal error' }));
      }
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found' }));
  };
}

function readChatConfig(file: string | undefined): ChatConfig {
  try {
    return loadChatConfig(file);
  } catch (error) {
    if (error instanceof ChatConfigError) throw new ConfigError(error.message);
    throw error;
  }
}
