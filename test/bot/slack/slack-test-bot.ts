// Lore's Slack bot as `lore start` wires it (connectChat + the HTTP server), on 127.0.0.1 and a random port,
// talking to a fake Slack; helpers deliver correctly signed events, slash commands and interactions to it.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connectChat, type ChatConnections, type ConnectChatOptions } from '../../../app/commands/start.ts';
import { createHttpServer } from '../../../app/http/create-server.ts';
import type { Runtime } from '../../../app/runtime.ts';
import { BOT_USER_ID, deliverToLore, eventEnvelope, slashCommandForm, TEAM_ID, type FakeSlack } from '../../fakes/fake-slack.ts';

export const SIGNING_SECRET = 'test-signing-secret';
export const BOT_TOKEN = 'xoxb-test-bot-token';
export const APP_TOKEN = 'xapp-test-app-token';

export interface TestBot {
  url: string;
  chat: ChatConnections;
  /** Delivers an event; resolves with the HTTP status once Lore has acknowledged it. */
  deliver(event: Record<string, unknown>, options?: { eventId?: string; retryNum?: number }): Promise<{ status: number; eventId: string }>;
  /** Runs `/lore <text>`; resolves with the immediate (acknowledgement) response. */
  command(
    text: string,
    userId: string,
    channelId: string,
    responseId: string,
  ): Promise<{ status: number; body: { text?: string; response_type?: string } }>;
  /** POSTs a whole, signed Events API body as it is (e.g. an `app_rate_limited` envelope). */
  deliverBody(body: Record<string, unknown>): Promise<{ status: number; text: string }>;
  /** Posts an interactivity payload (button click, modal submission). */
  interact(payload: Record<string, unknown>): Promise<{ status: number; text: string }>;
  /** Waits until every answer, upload and sync the bot started has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestBot(runtime: Runtime, slack: FakeSlack, options: ConnectChatOptions): Promise<TestBot> {
  const chat = await connectChat(runtime, { slack: { retries: 1, requestTimeoutMs: 5_000, ...options.slack }, ...options });
  await chat.slack?.whenConnected();
  const server = await createHttpServer({ runtime, answers: options.pipeline, rawRoutes: chat.routes });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/slack/events`;
  return {
    url,
    chat,
    async deliver(event, deliveryOptions = {}) {
      const envelope = eventEnvelope(event, deliveryOptions.eventId);
      const response = await deliverToLore(url, { json: envelope }, { signingSecret: SIGNING_SECRET, retryNum: deliveryOptions.retryNum });
      return { status: response.status, eventId: String(envelope.event_id) };
    },
    async command(text, userId, channelId, responseId) {
      const form = slashCommandForm(slack, text, userId, channelId, responseId);
      const response = await deliverToLore(url, { form }, { signingSecret: SIGNING_SECRET });
      return { status: response.status, body: response.text ? (JSON.parse(response.text) as { text?: string }) : {} };
    },
    async deliverBody(body) {
      return deliverToLore(url, { json: body }, { signingSecret: SIGNING_SECRET });
    },
    async interact(payload) {
      return deliverToLore(url, { form: { payload: JSON.stringify(payload) } }, { signingSecret: SIGNING_SECRET });
    },
    idle: () => chat.conversation!.idle(),
    async close() {
      const closed = server.close();
      server.server.closeAllConnections();
      await closed;
      await chat.close();
    },
  };
}

let tsCounter = 0;

/** A Slack message timestamp, unique within the test run. */
export function nextTs(): string {
  return `1800000000.${String(++tsCounter).padStart(6, '0')}`;
}

/** An `app_mention` of Lore in a channel. */
export function mention(channel: string, user: string, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'app_mention', channel, user, text: `<@${BOT_USER_ID}> ${text}`, ts: nextTs(), ...extra };
}

/** An assistant thread event of UPANEL's (docs.slack.dev/reference/events/assistant_thread_started, _context_changed). */
export function assistantEvent(
  type: 'assistant_thread_started' | 'assistant_thread_context_changed',
  channel: string,
  thread: string,
  viewing: string,
): Record<string, unknown> {
  return {
    type,
    assistant_thread: {
      user_id: 'UPANEL',
      context: { channel_id: viewing, team_id: TEAM_ID, enterprise_id: null },
      channel_id: channel,
      thread_ts: thread,
    },
    event_ts: nextTs(),
  };
}

/** A payload recorded from Slack (its docs, or SDK test fixtures), kept in test/fixtures/slack/ with its source. */
export interface SlackFixture {
  source: string;
  payload: Record<string, unknown>;
}

export function slackFixture(name: string): SlackFixture {
  return JSON.parse(fs.readFileSync(new URL(`../../fixtures/slack/${name}`, import.meta.url), 'utf8')) as SlackFixture;
}

/**
 * The recorded inner event, moved into the test's channel with a fresh ts unless told otherwise. The envelope is
 * rebuilt by `deliver` for the fake's workspace: a recording's own team would be refused (SLACK_TEAM_IDS).
 */
export function recordedEvent(fixture: SlackFixture, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const event = (fixture.payload.type === 'event_callback' ? fixture.payload.event : fixture.payload) as Record<string, unknown>;
  return { ...event, ts: nextTs(), ...overrides };
}
