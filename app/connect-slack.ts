import type { ServerResponse } from 'node:http';
import type { Conversation } from '../bot/conversation/conversation.ts';
import type { AssistantThreadStore } from '../bot/slack/assistant-thread-store.ts';
import { NotABotTokenError, startSlackBot, type SlackBot, type SlackBotOptions } from '../bot/slack/slack-bot.ts';
import { PlatformSupervisor, type PlatformMetrics, type PlatformSupervisorOptions } from './chat-platform-supervisor.ts';
import type { Config } from './config.ts';
import type { RawRouteHandler } from './http/raw-routes.ts';
import type { Logger } from './logger.ts';

// Slack kept connected the way Discord is: `lore start` serves HTTP and Discord whatever Slack does. Until Slack
// answers auth.test (and, in Socket Mode, the socket opens), events posted to /slack/events get a 503 with
// Retry-After, which Slack retries; a token Slack rejects is tried once and left down.

export interface SuperviseSlackOptions {
  config: Config;
  log: Logger;
  conversation: Conversation;
  /** The assistant panel's threads, in the runtime's store. */
  assistantThreads: AssistantThreadStore;
  /** Overrides for tests (timeouts, retries, posting burst). */
  slack?: Partial<Pick<SlackBotOptions, 'retries' | 'requestTimeoutMs' | 'postBurst'>>;
  /** Backoff between connection attempts (tests shorten it). */
  supervisor?: Partial<Pick<PlatformSupervisorOptions<SlackBot>, 'initialDelayMs' | 'maxDelayMs'>>;
  metrics?: PlatformMetrics;
}

/** Web API errors no retry can mend: the token is wrong, revoked, or lacks what Lore needs. */
const PERMANENT_SLACK_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
]);

export function isPermanentSlackFailure(error: Error): boolean {
  const code = (error as { data?: { error?: unknown } }).data?.error;
  return (typeof code === 'string' && PERMANENT_SLACK_ERRORS.has(code)) || error instanceof NotABotTokenError;
}

export function superviseSlack(options: SuperviseSlackOptions): PlatformSupervisor<SlackBot> {
  const { config, log, conversation, assistantThreads } = options;
  const { botToken, signingSecret, appToken, apiUrl, teamIds } = config.slack;
  if (!botToken) throw new Error('superviseSlack needs SLACK_BOT_TOKEN');
  return new PlatformSupervisor<SlackBot>({
    platform: 'slack',
    connect: () => startSlackBot({ botToken, signingSecret, appToken, apiUrl, teamIds, conversation, assistantThreads, log, ...options.slack }),
    log,
    isPermanent: isPermanentSlackFailure,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...options.supervisor,
  });
}

/** `POST /slack/events` for whichever Slack client is connected; a 503 Slack retries while none is. */
export function slackEventsRoute(supervisor: PlatformSupervisor<SlackBot>): RawRouteHandler {
  return (req, res) => {
    const handle = supervisor.current?.handleRequest;
    if (handle) {
      handle(req, res);
      return;
    }
    req.resume();
    unavailable(res);
  };
}

function unavailable(res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '10' });
  res.end('Lore is not connected to Slack yet; retry later.');
}
