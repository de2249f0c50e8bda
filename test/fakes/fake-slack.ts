// A local stand-in for Slack, on 127.0.0.1 and a random port: the Web API methods Lore calls (answered in the
// real response shapes, so the real `@slack/web-api` client can talk to it), file downloads that need the bot
// token, and `response_url`s for slash commands. Every call is recorded so tests can assert on what Lore did.
// It also signs requests the way Slack does (`v0=` HMAC-SHA256 of `v0:<ts>:<raw body>`) for delivering events.
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const BOT_USER_ID = 'ULORE';
export const BOT_ID = 'BLORE';
export const TEAM_ID = 'T0001';

export interface SlackCall {
  method: string;
  /** The arguments, with `blocks`, `view` and other JSON-valued fields parsed. */
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
}

export interface FakeMessage {
  ts: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  text: string;
  blocks?: unknown[];
  /** `chat.postMessage` metadata (Bolt's assistant `say` records the thread context there). */
  metadata?: Record<string, unknown>;
  /** A message written with chat.startStream: every chunk it received, and whether the stream is still open. */
  stream?: { chunks: Record<string, unknown>[]; open: boolean };
}

export interface FakeFile {
  id: string;
  name: string;
  title?: string;
  mimetype: string;
  filetype?: string;
  content: Buffer;
  /** What `files.info` reports; defaults to the content's length. */
  size?: number;
  /** More fields of a recorded file object (`mode`, `pretty_type`, `preview`…), sent as Slack sent them. */
  recorded?: Record<string, unknown>;
}

/** A scripted answer for the next call of a method instead of the normal one. */
export interface FakeSlackResponse {
  status?: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

/**
 * Whether the workspace supports chat streaming. Slack's reference pages list no error code for "streaming is not
 * available here" that Lore could rely on, and Lore relies on none: any error from chat.startStream makes it fall
 * back. A fake workspace without it answers with the code given.
 */
export type FakeStreaming = 'supported' | { error: string };

/** An assistant thread as the assistant.threads.* calls left it. */
export interface FakeAssistantThread {
  statuses: string[];
  titles: string[];
  prompts?: { title?: string; prompts: { title: string; message: string }[] };
}

export interface FakeSlack {
  /** Base URL to give the Web API client as `slackApiUrl`. */
  readonly apiUrl: string;
  readonly url: string;
  readonly calls: SlackCall[];
  /** Bodies POSTed to response URLs, by response id. */
  readonly responses: { id: string; body: Record<string, unknown> }[];
  /** Messages of a channel as Lore would see them (posted by Lore or seeded by the test). */
  messages(channel: string): FakeMessage[];
  seedMessage(channel: string, message: Omit<FakeMessage, 'ts'> & { ts?: string }): FakeMessage;
  addFile(file: FakeFile): void;
  /**
   * Users `users.info` describes otherwise than as plain members of TEAM_ID (everyone else): admins, guests
   * (`is_restricted`), or people of another workspace (`team_id`).
   */
  addUser(id: string, flags?: FakeUser): void;
  /** A channel `conversations.info` knows, by name. */
  addChannel(id: string, name: string): void;
  /** Whether chat.startStream works (default: not, like a workspace without AI-app streaming). */
  setStreaming(mode: FakeStreaming): void;
  /** What assistant.threads.setStatus / setTitle / setSuggestedPrompts did to a thread. */
  assistantThread(channel: string, threadTs: string): FakeAssistantThread;
  /** Answers the next call of `method` with this. */
  queue(method: string, response: FakeSlackResponse): void;
  /** A response URL for a slash command or interaction. */
  responseUrl(id: string): string;
  callsOf(method: string): SlackCall[];
  /** Resolves once a call matching `predicate` has been recorded. */
  waitFor(predicate: (call: SlackCall) => boolean, timeoutMs?: number): Promise<SlackCall>;
  /** Socket Mode: resolves once `count` (default 1) connections have been opened and greeted (`hello`). */
  socketConnected(timeoutMs?: number, count?: number): Promise<void>;
  /**
   * Socket Mode: sends an envelope (`events_api`, `slash_commands`, `interactive`) over one connection (by default
   * the latest; Slack spreads envelopes over an app's connections) and resolves with the app's ack.
   */
  sendEnvelope(
    type: string,
    payload: Record<string, unknown>,
    options?: { connection?: number; retryAttempt?: number },
  ): Promise<{ envelope_id: string; payload?: Record<string, unknown> }>;
  close(): Promise<void>;
}

export interface FakeSlackOptions {
  botToken: string;
  /** The app-level token `apps.connections.open` accepts (Socket Mode). */
  appToken?: string;
  streaming?: FakeStreaming;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'chunks', 'prompts']);
/** https://docs.slack.dev/reference/methods/chat.startStream: `markdown_text` is limited to 12,000 characters. */
const STREAM_TEXT_LIMIT = 12_000;
/** https://docs.slack.dev/reference/methods/assistant.threads.setSuggestedPrompts: at most four prompts. */
const MAX_PROMPTS = 4;

/** Slack's documented `users.info` and `conversations.info` responses (test/fixtures/slack/SOURCE.md): answers keep their shape. */
const recordedPayload = (name: string): Record<string, unknown> =>
  (JSON.parse(fs.readFileSync(new URL(`../fixtures/slack/${name}`, import.meta.url), 'utf8')) as { payload: Record<string, unknown> }).payload;
const DOCUMENTED_USER = recordedPayload('users-info.json').user as Record<string, unknown> & { profile: Record<string, unknown> };
const DOCUMENTED_CHANNEL = recordedPayload('conversations-info.json').channel as Record<string, unknown>;

export interface FakeUser {
  is_admin?: boolean;
  is_owner?: boolean;
  is_restricted?: boolean;
  team_id?: string;
  /** The name people see (`profile.display_name`); empty when the user set none. */
  display_name?: string;
  real_name?: string;
}

export async function startFakeSlack(options: FakeSlackOptions): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const responses: { id: string; body: Record<string, unknown> }[] = [];
  const channels = new Map<string, FakeMessage[]>();
  const files = new Map<string, FakeFile>();
  const users = new Map<string, FakeUser>();
  const channelNames = new Map<string, string>();
  const queued = new Map<string, FakeSlackResponse[]>();
  const assistantThreads = new Map<string, FakeAssistantThread>();
  let streaming: FakeStreaming = options.streaming ?? { error: 'feature_not_enabled' };
  const waiters: { predicate: (call: SlackCall) => boolean; resolve: (call: SlackCall) => void }[] = [];
  const clock = 1_700_000_000;
  let counter = 0;
  let baseUrl = '';

  const nextTs = (): string => `${clock + Math.floor(counter / 1000)}.${String(++counter).padStart(6, '0')}`;
  const channel = (id: string): FakeMessage[] => {
    let list = channels.get(id);
    if (!list) channels.set(id, (list = []));
    return list;
  };

  const assistantThread = (channelId: string, threadTs: string): FakeAssistantThread => {
    const key = `${channelId}:${threadTs}`;
    let thread = assistantThreads.get(key);
    if (!thread) assistantThreads.set(key, (thread = { statuses: [], titles: [] }));
    return thread;
  };

  /**
   * Chunks of chat.startStream / appendStream / stopStream, in the shapes of
   * https://docs.slack.dev/messaging/sending-and-scheduling-messages#text-streaming: `markdown_text` may also come
   * as a chunk of that type; the message's text is all the Markdown streamed into it.
   */
  const streamInto = (message: FakeMessage, args: Record<string, unknown>): string | undefined => {
    const chunks = [...((args.chunks as Record<string, unknown>[] | undefined) ?? [])];
    if (typeof args.markdown_text === 'string') chunks.unshift({ type: 'markdown_text', text: args.markdown_text });
    for (const chunk of chunks) {
      if (chunk.type === 'markdown_text') {
        if (typeof chunk.text !== 'string' || chunk.text.length > STREAM_TEXT_LIMIT) return 'invalid_arguments';
        message.text += chunk.text;
      }
    }
    message.stream!.chunks.push(...chunks);
    return undefined;
  };

  const record = (call: SlackCall): void => {
    calls.push(call);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(call)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(call);
      }
    }
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const fileJson = (file: FakeFile): Record<string, unknown> => ({
    ...file.recorded,
    id: file.id,
    name: file.name,
    title: file.title ?? file.name,
    mimetype: file.mimetype,
    // Slack's own word for a file it cannot type is `binary`; a name without a dot has no extension to go by.
    filetype: file.filetype ?? (file.name.includes('.') ? file.name.split('.').pop() : 'binary'),
    size: file.size ?? file.content.length,
    url_private: `${baseUrl}/files-pri/${TEAM_ID}-${file.id}/${encodeURIComponent(file.name)}`,
    url_private_download: `${baseUrl}/files-pri/${TEAM_ID}-${file.id}/download/${encodeURIComponent(file.name)}`,
    permalink: `https://example.slack.com/files/${BOT_USER_ID}/${file.id}/${encodeURIComponent(file.name)}`,
  });

  const api = (method: string, args: Record<string, unknown>, token: string | undefined): Record<string, unknown> => {
    if (method === 'apps.connections.open') {
      return options.appToken !== undefined && token === options.appToken
        ? { ok: true, url: `${baseUrl.replace(/^http/, 'ws')}/link/?ticket=${randomUUID()}` }
        : { ok: false, error: 'invalid_auth' };
    }
    if (token !== options.botToken) return { ok: false, error: 'invalid_auth' };
    const str = (key: string): string => String(args[key] ?? '');
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://example.slack.com/', team: 'Example', user: 'lore', team_id: TEAM_ID, user_id: BOT_USER_ID, bot_id: BOT_ID };
      case 'chat.postMessage': {
        if (!str('channel')) return { ok: false, error: 'channel_not_found' };
        if (!str('text') && !args.blocks) return { ok: false, error: 'no_text' };
        const message: FakeMessage = {
          ts: nextTs(),
          user: BOT_USER_ID,
          bot_id: BOT_ID,
          text: str('text'),
          ...(args.thread_ts ? { thread_ts: str('thread_ts') } : {}),
          ...(args.blocks ? { blocks: args.blocks as unknown[] } : {}),
          ...(args.metadata ? { metadata: args.metadata as Record<string, unknown> } : {}),
        };
        channel(str('channel')).push(message);
        return { ok: true, channel: str('channel'), ts: message.ts, message };
      }
      case 'chat.update': {
        const message = channel(str('channel')).find((m) => m.ts === str('ts'));
        if (!message) return { ok: false, error: 'message_not_found' };
        message.text = str('text');
        if (args.blocks) message.blocks = args.blocks as unknown[];
        else delete message.blocks;
        return { ok: true, channel: str('channel'), ts: message.ts, text: message.text };
      }
      case 'chat.startStream': {
        if (streaming !== 'supported') return { ok: false, error: streaming.error };
        if (!str('channel')) return { ok: false, error: 'channel_not_found' };
        // "Streamed messages should always be replies to a user request": thread_ts is required.
        if (!str('thread_ts')) return { ok: false, error: 'invalid_arguments' };
        // Outside a DM, Slack needs to know whom the stream is for.
        if (!str('channel').startsWith('D')) {
          if (!str('recipient_team_id')) return { ok: false, error: 'missing_recipient_team_id' };
          if (!str('recipient_user_id')) return { ok: false, error: 'missing_recipient_user_id' };
        }
        if (args.markdown_text === undefined && args.chunks === undefined) return { ok: false, error: 'invalid_arguments' };
        const message: FakeMessage = {
          ts: nextTs(),
          user: BOT_USER_ID,
          bot_id: BOT_ID,
          text: '',
          thread_ts: str('thread_ts'),
          stream: { chunks: [], open: true },
        };
        const invalid = streamInto(message, args);
        if (invalid) return { ok: false, error: invalid };
        channel(str('channel')).push(message);
        return { ok: true, channel: str('channel'), ts: message.ts };
      }
      case 'chat.appendStream':
      case 'chat.stopStream': {
        const message = channel(str('channel')).find((m) => m.ts === str('ts'));
        if (!message) return { ok: false, error: 'message_not_found' };
        if (!message.stream?.open) return { ok: false, error: 'message_not_in_streaming_state' };
        const invalid = streamInto(message, args);
        if (invalid) return { ok: false, error: invalid };
        if (method === 'chat.appendStream') return { ok: true, channel: str('channel'), ts: message.ts };
        message.stream.open = false;
        if (args.blocks) message.blocks = args.blocks as unknown[];
        return { ok: true, channel: str('channel'), ts: message.ts, message: { ...message, stream: undefined } };
      }
      case 'assistant.threads.setStatus':
      case 'assistant.threads.setTitle':
      case 'assistant.threads.setSuggestedPrompts': {
        if (!str('channel_id') || !str('thread_ts')) return { ok: false, error: 'invalid_arguments' };
        const thread = assistantThread(str('channel_id'), str('thread_ts'));
        if (method === 'assistant.threads.setStatus') thread.statuses.push(str('status'));
        else if (method === 'assistant.threads.setTitle') thread.titles.push(str('title'));
        else {
          const prompts = args.prompts as { title: string; message: string }[] | undefined;
          if (!Array.isArray(prompts) || prompts.length === 0 || prompts.length > MAX_PROMPTS) return { ok: false, error: 'invalid_arguments' };
          thread.prompts = { ...(args.title ? { title: str('title') } : {}), prompts };
        }
        return { ok: true };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'reactions.add':
      case 'reactions.remove':
        return { ok: true };
      case 'conversations.replies': {
        const thread = str('ts');
        const messages = channel(str('channel')).filter((m) => m.ts === thread || m.thread_ts === thread);
        if (messages.length === 0) return { ok: false, error: 'thread_not_found' };
        return { ok: true, messages, has_more: false };
      }
      case 'files.info': {
        const file = files.get(str('file'));
        return file ? { ok: true, file: fileJson(file) } : { ok: false, error: 'file_not_found' };
      }
      case 'users.info': {
        if (!str('user')) return { ok: false, error: 'user_not_found' };
        // Everyone is a plain member of TEAM_ID unless addUser said otherwise, named by their id.
        const { display_name: displayName, real_name: realName, ...flags } = users.get(str('user')) ?? {};
        const id = str('user');
        const profile = {
          ...DOCUMENTED_USER.profile,
          display_name: displayName ?? '',
          display_name_normalized: displayName ?? '',
          real_name: realName ?? '',
          real_name_normalized: realName ?? '',
          team: flags.team_id ?? TEAM_ID,
        };
        return {
          ok: true,
          user: {
            ...DOCUMENTED_USER,
            id,
            name: id.toLowerCase(),
            real_name: realName ?? '',
            team_id: TEAM_ID,
            is_admin: false,
            is_owner: false,
            profile,
            ...flags,
          },
        };
      }
      case 'conversations.info': {
        const name = channelNames.get(str('channel'));
        if (!name) return { ok: false, error: 'channel_not_found' };
        return { ok: true, channel: { ...DOCUMENTED_CHANNEL, id: str('channel'), name, name_normalized: name, previous_names: [] } };
      }
      case 'views.open':
        return { ok: true, view: { id: `V${++counter}`, ...(args.view as Record<string, unknown>) } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];

    const download = /^\/files-pri\/[^/]+-([^/]+)\/download\//.exec(url.pathname);
    if (req.method === 'GET' && download) {
      record({ method: 'file.download', args: { path: url.pathname }, token: bearer, at: Date.now() });
      const file = files.get(download[1]!);
      // Like Slack, a request without the token gets a login page, not the file.
      if (bearer !== options.botToken) {
        res.writeHead(302, { location: 'https://example.slack.com/?redir=login' });
        res.end();
        return;
      }
      if (!file) return sendJson(res, 404, { error: 'not found' });
      res.writeHead(200, { 'content-type': file.mimetype, 'content-length': String(file.content.length) });
      res.end(file.content);
      return;
    }

    const respond = /^\/respond\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && respond) {
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      responses.push({ id: respond[1]!, body });
      record({ method: 'response_url', args: { id: respond[1]!, ...body }, token: undefined, at: Date.now() });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }

    const method = /^\/api\/([\w.]+)$/.exec(url.pathname)?.[1];
    if (req.method !== 'POST' || !method) return sendJson(res, 404, { ok: false, error: 'unknown_method' });
    const args: Record<string, unknown> = {};
    if ((req.headers['content-type'] ?? '').includes('application/json')) {
      Object.assign(args, JSON.parse(raw || '{}'));
    } else {
      for (const [key, value] of new URLSearchParams(raw)) {
        args[key] = JSON_FIELDS.has(key) ? JSON.parse(value) : value;
      }
    }
    const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    delete args.token;
    record({ method, args, token, at: Date.now() });
    const canned = queued.get(method)?.shift();
    if (canned) return sendJson(res, canned.status ?? 200, canned.body, canned.headers);
    sendJson(res, 200, api(method, args, token));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: String(error) });
    });
  });
  // Socket Mode: Slack greets with `hello`, then sends envelopes the app must acknowledge by envelope id.
  const sockets = new WebSocketServer({ server, path: '/link/' });
  const acks = new Map<string, (ack: { envelope_id: string; payload?: Record<string, unknown> }) => void>();
  const connections: WebSocket[] = [];
  /** The connections still open, oldest first: an app that closed its socket gets nothing more. */
  const open = () => connections.filter((ws) => ws.readyState === ws.OPEN);
  const greeted: (() => void)[] = [];
  sockets.on('connection', (ws) => {
    connections.push(ws);
    ws.on('message', (data) => {
      const ack = JSON.parse(String(data)) as { envelope_id?: string; payload?: Record<string, unknown> };
      if (ack.envelope_id) acks.get(ack.envelope_id)?.({ envelope_id: ack.envelope_id, payload: ack.payload });
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: open().length, connection_info: { app_id: 'A0001' }, debug_info: { host: 'fake' } }));
    for (const resolve of greeted.splice(0)) resolve();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${baseUrl}/api/`,
    url: baseUrl,
    calls,
    responses,
    messages: (id) => channel(id),
    seedMessage: (id, message) => {
      const seeded: FakeMessage = { ...message, ts: message.ts ?? nextTs() };
      channel(id).push(seeded);
      return seeded;
    },
    addFile: (file) => {
      files.set(file.id, file);
    },
    addUser: (id, flags = {}) => {
      users.set(id, flags);
    },
    addChannel: (id, name) => {
      channelNames.set(id, name);
    },
    setStreaming: (mode) => {
      streaming = mode;
    },
    assistantThread,
    queue: (method, response) => {
      const list = queued.get(method) ?? [];
      list.push(response);
      queued.set(method, list);
    },
    responseUrl: (id) => `${baseUrl}/respond/${id}`,
    callsOf: (method) => calls.filter((call) => call.method === method),
    waitFor: (predicate, timeoutMs = 15_000) => {
      const seen = calls.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise<SlackCall>((resolve, reject) => {
        const waiter = { predicate, resolve: (call: SlackCall) => (clearTimeout(timer), resolve(call)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no matching Slack call within ${timeoutMs} ms; calls: ${calls.map((c) => c.method).join(', ')}`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    socketConnected: async (timeoutMs = 15_000, count = 1) => {
      const deadline = Date.now() + timeoutMs;
      while (open().length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`${open().length} of ${count} Socket Mode connections`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          greeted.push(() => (clearTimeout(timer), resolve()));
        });
      }
    },
    sendEnvelope: (type, payload, options = {}) => {
      const socket = open().at(options.connection ?? -1);
      if (!socket) return Promise.reject(new Error('no Socket Mode connection'));
      const envelopeId = randomUUID();
      const acked = new Promise<{ envelope_id: string; payload?: Record<string, unknown> }>((resolve) => acks.set(envelopeId, resolve));
      const retryAttempt = options.retryAttempt ?? 0;
      socket.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
          retry_attempt: retryAttempt,
          retry_reason: retryAttempt > 0 ? 'timeout' : '',
        }),
      );
      return acked;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Slack's request signature for a raw body at a Unix time in seconds. */
export function slackSignature(signingSecret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export interface DeliveryOptions {
  signingSecret: string;
  /** `x-slack-retry-num`: Slack re-delivering an event it thinks was lost. */
  retryNum?: number;
  /** Sign with this secret instead (a forged request). */
  forgeWith?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
}

/** POSTs a body to Lore's Slack endpoint as Slack would: raw body, signature and timestamp headers. */
export async function deliverToLore(
  url: string,
  body: { json: unknown } | { form: Record<string, string> },
  options: DeliveryOptions,
): Promise<{ status: number; text: string }> {
  const raw = 'json' in body ? JSON.stringify(body.json) : new URLSearchParams(body.form).toString();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'json' in body ? 'application/json' : 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(options.forgeWith ?? options.signingSecret, timestamp, raw),
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const response = await fetch(url, { method: 'POST', headers, body: raw });
  return { status: response.status, text: await response.text() };
}

/**
 * The form Slack POSTs for `/lore <text>` typed by `userId` in `channelId`, to deliver with `deliverToLore`; Lore's
 * follow-ups go to the fake's response URL `responseId`.
 */
export function slashCommandForm(slack: FakeSlack, text: string, userId: string, channelId: string, responseId: string): Record<string, string> {
  return {
    token: 'unused',
    team_id: TEAM_ID,
    team_domain: 'example',
    channel_id: channelId,
    channel_name: 'general',
    user_id: userId,
    user_name: userId.toLowerCase(),
    command: '/lore',
    text,
    api_app_id: 'A0001',
    response_url: slack.responseUrl(responseId),
    trigger_id: `trigger-${responseId}`,
  };
}

let eventCounter = 0;

/** An Events API envelope around one event, with a fresh event id unless one is given. */
export function eventEnvelope(event: Record<string, unknown>, eventId = `Ev${Date.now()}${++eventCounter}`): Record<string, unknown> {
  return {
    token: 'verification-token-unused',
    team_id: TEAM_ID,
    api_app_id: 'A0001',
    event: { event_ts: String(Date.now() / 1000), ...event },
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true }],
  };
}
