// A local stand-in for Discord, on 127.0.0.1 and a random port: the REST API routes Lore calls (answered in the
// real v10 shapes, so the real discord.js client can talk to it) and a WebSocket gateway (HELLO, IDENTIFY ->
// READY + GUILD_CREATE, heartbeat ACKs). Tests act as Discord users through it: they post messages, react, and
// run slash commands, which the fake both stores (so REST reads see them) and dispatches over the gateway.
// Every REST call is recorded so tests can assert on what Lore did.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export const BOT_TOKEN = 'fake-discord-bot-token';
export const BOT_USER_ID = '1100000000000000001';
export const APPLICATION_ID = '1100000000000000002';
export const GUILD_ID = '1200000000000000001';
export const OTHER_GUILD_ID = '1200000000000000002';
export const GENERAL_CHANNEL = '1300000000000000001';
export const RESTRICTED_CHANNEL = '1300000000000000002';
export const OTHER_GUILD_CHANNEL = '1300000000000000003';
export const OWNER_ID = '1400000000000000001';
/** Holds the server's "Manage Server" permission through the Moderators role. */
export const MODERATOR_ID = '1400000000000000002';
/** Holds the role listed in LORE_ADMINS as `role:<id>`. */
export const ROLE_ADMIN_ID = '1400000000000000003';
export const MEMBER_ID = '1400000000000000004';
export const OTHER_BOT_ID = '1400000000000000005';
export const MODERATORS_ROLE = '1500000000000000001';
export const LORE_ADMINS_ROLE = '1500000000000000002';
/** The role Discord creates for Lore when it joins (people can mention it instead of the user). */
export const LORE_MANAGED_ROLE = '1500000000000000003';

const DISCORD_EPOCH = 1_420_070_400_000n;
const MANAGE_GUILD = 1n << 5n;
const LOADING = 1 << 7;
const EPHEMERAL = 1 << 6;

export interface DiscordCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | undefined;
  /** The Authorization header, as sent. */
  auth: string | undefined;
  at: number;
}

/** A message as the fake stores it: the API's message object. */
export type FakeMessage = Record<string, unknown> & { id: string; channel_id: string; content: string };

export interface FakeAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
}

/** A scripted answer for the next request matching a route, instead of the normal one. */
export interface FakeDiscordResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
}

export interface UserMessageOptions {
  channelId: string;
  authorId: string;
  content: string;
  /** Users mentioned (`<@id>` in the content is added for each, unless already there). */
  mentions?: string[];
  /** Roles mentioned (`<@&id>`). */
  mentionRoles?: string[];
  /** Makes the message a reply to this one. */
  replyTo?: string;
  attachments?: FakeAttachment[];
  /** Sent by a bot account. */
  bot?: boolean;
}

export interface InteractionRecord {
  id: string;
  token: string;
  channelId: string;
  userId: string;
  dispatchedAt: number;
  /** Callback types received (5 = deferred, 4 = message, 9 = modal). */
  callbacks: { type: number; data?: Record<string, unknown>; at: number }[];
  /** The original response, once deferred or sent. */
  original?: FakeMessage;
  followUps: FakeMessage[];
}

export interface SlashCommandOptions {
  userId: string;
  channelId: string;
  subcommand: string;
  options?: Record<string, string>;
}

export interface FakeDiscord {
  /** REST base to give discord.js as `rest.api`. */
  readonly apiUrl: string;
  readonly url: string;
  readonly calls: DiscordCall[];
  /** Each IDENTIFY payload received on the gateway. */
  readonly identifies: Record<string, unknown>[];
  /** Commands registered through bulk overwrite, by scope (`global` or a guild id). */
  readonly commands: Map<string, Record<string, unknown>[]>;
  readonly interactions: Map<string, InteractionRecord>;
  /** Messages of a channel, oldest first. */
  messages(channelId: string): FakeMessage[];
  message(channelId: string, messageId: string): FakeMessage | undefined;
  /** A channel object (guild channel, DM or thread). */
  channel(channelId: string): Record<string, unknown> | undefined;
  /**
   * A thread someone else started in a channel (`private`: a private thread, type 12). With `announce` (default) the
   * gateway is told (THREAD_CREATE, as when Lore is added to it); without, Lore first hears of it from a message.
   */
  addThread(options: { parentId: string; private?: boolean; announce?: boolean; name?: string }): string;
  /** Adds a user (and, with `roles`, a member of the main guild). */
  addUser(id: string, username: string, options?: { roles?: string[]; bot?: boolean; guildId?: string }): void;
  /** The DM channel between Lore and a user (created on first use). */
  dmChannel(userId: string): string;
  /** Serves a file at an attachment URL (no authorization needed, like Discord's CDN). */
  attachment(filename: string, content: Buffer, contentType?: string): FakeAttachment;
  /** Stores a message as if Lore had posted it earlier (before a restart), without telling the gateway. */
  seedBotMessage(channelId: string, content: string): FakeMessage;
  /** A user posts a message: stored, then dispatched as MESSAGE_CREATE. */
  userMessage(options: UserMessageOptions): FakeMessage;
  /** A user adds or removes a reaction: MESSAGE_REACTION_ADD / MESSAGE_REACTION_REMOVE. */
  react(options: { channelId: string; messageId: string; userId: string; emoji: string; added?: boolean }): void;
  /** A user runs `/lore <subcommand>`: INTERACTION_CREATE. */
  slashCommand(options: SlashCommandOptions): InteractionRecord;
  /** A user runs a message command (right-click a message → Apps → `name`): INTERACTION_CREATE. */
  messageCommand(options: { userId: string; channelId: string; messageId: string; name: string }): InteractionRecord;
  /** A user clicks a button on a message. */
  clickButton(options: { userId: string; channelId: string; message: FakeMessage; customId: string }): InteractionRecord;
  /** A user submits a modal. */
  submitModal(options: { userId: string; channelId: string; customId: string; fields: Record<string, string> }): InteractionRecord;
  /** Sends any dispatch event to every connected gateway session. */
  dispatch(event: string, data: Record<string, unknown>): void;
  /**
   * While refusing, the gateway drops every session and every new connection before the WebSocket upgrade, as a
   * gateway that is down does (discord.js sees a network error and retries); `false` lets connections in again.
   */
  refuseGateway(refuse: boolean): void;
  /**
   * While set, the gateway answers every identify by closing the session with this code, as Discord does when it
   * refuses what the identify carries (4004 a token, 4013 invalid intents, 4014 privileged intents not turned on);
   * `undefined` lets identifies in again.
   */
  closeIdentifies(code: 4004 | 4013 | 4014 | undefined): void;
  /** Connections refused so far. */
  readonly gatewayRefusals: number;
  /** Gateway sessions open now. */
  readonly gatewaySessions: number;
  /** Answers the next request whose `METHOD path` matches with this. */
  queue(method: string, path: RegExp, response: FakeDiscordResponse): void;
  callsTo(method: string, path: RegExp): DiscordCall[];
  /** Resolves once a call matching `predicate` has been recorded. */
  waitFor(predicate: (call: DiscordCall) => boolean, timeoutMs?: number): Promise<DiscordCall>;
  /** Resolves once `predicate` holds (checked after every call and every 20 ms). */
  until<T>(probe: () => T | undefined | false, timeoutMs?: number, what?: string): Promise<T>;
  close(): Promise<void>;
}

interface FakeUser {
  id: string;
  username: string;
  bot: boolean;
}

interface FakeMember {
  roles: string[];
}

interface Guild {
  id: string;
  name: string;
  ownerId: string;
  roles: Record<string, unknown>[];
  members: Map<string, FakeMember>;
}

export async function startFakeDiscord(options: { token?: string } = {}): Promise<FakeDiscord> {
  const token = options.token ?? BOT_TOKEN;
  const calls: DiscordCall[] = [];
  const identifies: Record<string, unknown>[] = [];
  const commands = new Map<string, Record<string, unknown>[]>();
  const interactions = new Map<string, InteractionRecord>();
  const interactionsByToken = new Map<string, InteractionRecord>();
  const users = new Map<string, FakeUser>();
  const guilds = new Map<string, Guild>();
  const channels = new Map<string, Record<string, unknown>>();
  const messages = new Map<string, FakeMessage[]>();
  const files = new Map<string, { content: Buffer; contentType?: string }>();
  const dms = new Map<string, string>();
  const queued: { method: string; path: RegExp; response: FakeDiscordResponse }[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<WebSocket>();
  let refusingGateway = false;
  let identifyCloseCode: 4004 | 4013 | 4014 | undefined;
  let gatewayRefusals = 0;
  let baseUrl = '';
  let sequence = 0;
  let increment = 0n;
  const worker = BigInt(Math.floor(Math.random() * 31));

  const snowflake = (): string => {
    increment = (increment + 1n) & 0xfffn;
    return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (worker << 17n) | increment).toString();
  };

  const notify = (): void => {
    for (const waiter of [...waiters]) waiter();
  };

  // The world every test starts from: one guild Lore is in with two text channels, a second guild, and users.
  const addUser = (id: string, username: string, extra: { roles?: string[]; bot?: boolean; guildId?: string } = {}): void => {
    users.set(id, { id, username, bot: extra.bot ?? false });
    const guild = guilds.get(extra.guildId ?? GUILD_ID);
    if (guild && (extra.roles || !guild.members.has(id))) guild.members.set(id, { roles: extra.roles ?? [] });
  };
  const role = (id: string, name: string, position: number, permissions: bigint, tags?: Record<string, unknown>) => ({
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: permissions.toString(),
    managed: tags !== undefined,
    mentionable: true,
    flags: 0,
    ...(tags ? { tags } : {}),
  });
  guilds.set(GUILD_ID, {
    id: GUILD_ID,
    name: 'Example',
    ownerId: OWNER_ID,
    roles: [
      role(GUILD_ID, '@everyone', 0, 0n),
      role(MODERATORS_ROLE, 'Moderators', 2, MANAGE_GUILD),
      role(LORE_ADMINS_ROLE, 'Lore admins', 1, 0n),
      role(LORE_MANAGED_ROLE, 'Lore', 3, 0n, { bot_id: BOT_USER_ID }),
    ],
    members: new Map(),
  });
  guilds.set(OTHER_GUILD_ID, {
    id: OTHER_GUILD_ID,
    name: 'Other',
    ownerId: OWNER_ID,
    roles: [role(OTHER_GUILD_ID, '@everyone', 0, 0n)],
    members: new Map(),
  });
  const textChannel = (id: string, guildId: string, name: string) => {
    channels.set(id, {
      id,
      type: 0,
      guild_id: guildId,
      name,
      position: channels.size,
      permission_overwrites: [],
      parent_id: null,
      nsfw: false,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
    });
  };
  textChannel(GENERAL_CHANNEL, GUILD_ID, 'general');
  textChannel(RESTRICTED_CHANNEL, GUILD_ID, 'finance');
  textChannel(OTHER_GUILD_CHANNEL, OTHER_GUILD_ID, 'random');
  addUser(BOT_USER_ID, 'Lore', { bot: true, roles: [LORE_MANAGED_ROLE] });
  guilds.get(OTHER_GUILD_ID)!.members.set(BOT_USER_ID, { roles: [] });
  addUser(OWNER_ID, 'owner');
  addUser(MODERATOR_ID, 'moderator', { roles: [MODERATORS_ROLE] });
  addUser(ROLE_ADMIN_ID, 'curator', { roles: [LORE_ADMINS_ROLE] });
  addUser(MEMBER_ID, 'member');
  addUser(OTHER_BOT_ID, 'otherbot', { bot: true });

  const userJson = (id: string): Record<string, unknown> => {
    const user = users.get(id) ?? { id, username: `user${id.slice(-4)}`, bot: false };
    return {
      id,
      username: user.username,
      discriminator: '0',
      global_name: user.username,
      avatar: null,
      public_flags: 0,
      flags: 0,
      ...(user.bot ? { bot: true } : {}),
    };
  };
  const memberJson = (guild: Guild, userId: string, withUser: boolean): Record<string, unknown> | undefined => {
    const member = guild.members.get(userId);
    if (!member) return undefined;
    return {
      ...(withUser ? { user: userJson(userId) } : {}),
      roles: member.roles,
      nick: null,
      avatar: null,
      banner: null,
      joined_at: '2024-01-01T00:00:00.000Z',
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
    };
  };
  const memberPermissions = (guild: Guild, userId: string): bigint => {
    if (userId === guild.ownerId) return (1n << 50n) - 1n;
    const roles = new Set(guild.members.get(userId)?.roles ?? []);
    return guild.roles.filter((r) => r.id === guild.id || roles.has(String(r.id))).reduce((all, r) => all | BigInt(String(r.permissions)), 0n);
  };
  const guildOf = (channelId: string): Guild | undefined => {
    const id = channels.get(channelId)?.guild_id;
    return typeof id === 'string' ? guilds.get(id) : undefined;
  };
  const channelMessages = (id: string): FakeMessage[] => {
    let list = messages.get(id);
    if (!list) messages.set(id, (list = []));
    return list;
  };
  const findMessage = (channelId: string, messageId: string): FakeMessage | undefined => channelMessages(channelId).find((m) => m.id === messageId);

  const dmChannel = (userId: string): string => {
    let id = dms.get(userId);
    if (!id) {
      id = snowflake();
      dms.set(userId, id);
      channels.set(id, { id, type: 1, recipients: [userJson(userId)], last_message_id: null, flags: 0 });
    }
    return id;
  };

  const send = (socket: WebSocket, payload: Record<string, unknown>): void => {
    socket.send(JSON.stringify(payload));
  };
  const dispatch = (event: string, data: Record<string, unknown>): void => {
    sequence += 1;
    for (const socket of sockets) send(socket, { op: 0, s: sequence, t: event, d: data });
  };

  const guildCreate = (guild: Guild): Record<string, unknown> => ({
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    max_members: 500_000,
    max_video_channel_users: 25,
    vanity_url_code: null,
    preferred_locale: 'en-US',
    features: [],
    application_id: null,
    joined_at: '2024-01-01T00:00:00.000Z',
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    roles: guild.roles,
    emojis: [],
    stickers: [],
    channels: [...channels.values()].filter((c) => c.guild_id === guild.id && c.type !== 11).map(({ guild_id: _guild, ...c }) => c),
    threads: [...channels.values()].filter((c) => c.guild_id === guild.id && c.type === 11),
    members: [memberJson(guild, BOT_USER_ID, true)].filter(Boolean),
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  });

  const onGatewayMessage = (socket: WebSocket, raw: string): void => {
    const payload = JSON.parse(raw) as { op: number; d: Record<string, unknown> | null };
    switch (payload.op) {
      case 1:
        send(socket, { op: 11, d: null, s: null, t: null });
        return;
      case 2: {
        const d = payload.d ?? {};
        identifies.push(d);
        if (d.token !== token) {
          socket.close(4004, 'Authentication failed.');
          return;
        }
        if (identifyCloseCode !== undefined) {
          socket.close(
            identifyCloseCode,
            { 4004: 'Authentication failed.', 4013: 'Invalid intent(s).', 4014: 'Disallowed intent(s).' }[identifyCloseCode],
          );
          return;
        }
        sequence += 1;
        send(socket, {
          op: 0,
          s: sequence,
          t: 'READY',
          d: {
            v: 10,
            user: { ...userJson(BOT_USER_ID), verified: true, mfa_enabled: false },
            guilds: [...guilds.keys()].map((id) => ({ id, unavailable: true })),
            session_id: `session-${snowflake()}`,
            resume_gateway_url: `${baseUrl.replace('http', 'ws')}/gateway`,
            shard: [0, 1],
            application: { id: APPLICATION_ID, flags: 0 },
          },
        });
        for (const guild of guilds.values()) {
          sequence += 1;
          send(socket, { op: 0, s: sequence, t: 'GUILD_CREATE', d: guildCreate(guild) });
        }
        return;
      }
      case 6:
        // Resuming is not supported: a new session is needed.
        send(socket, { op: 9, d: false, s: null, t: null });
        return;
      default:
        return;
    }
  };

  // Messages, as stored and as dispatched.
  const messageJson = (channelId: string, authorId: string, content: string, extra: Record<string, unknown> = {}): FakeMessage => {
    const guild = guildOf(channelId);
    return {
      id: snowflake(),
      channel_id: channelId,
      ...(guild ? { guild_id: guild.id } : {}),
      author: userJson(authorId),
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      type: 0,
      flags: 0,
      ...extra,
    };
  };
  const withMember = (message: FakeMessage): Record<string, unknown> => {
    const guild = guildOf(message.channel_id);
    const member = guild && memberJson(guild, String((message.author as { id: string }).id), false);
    return member ? { ...message, member } : message;
  };
  // Gateway messages also say what kind of channel they are in (DMs are recognised by it).
  const dispatchMessage = (message: FakeMessage): void => {
    dispatch('MESSAGE_CREATE', { ...withMember(message), channel_type: Number(channels.get(message.channel_id)?.type ?? 0) });
  };
  const store = (message: FakeMessage): FakeMessage => {
    channelMessages(message.channel_id).push(message);
    const channel = channels.get(message.channel_id);
    if (channel) {
      channel.last_message_id = message.id;
      if (channel.type === 11) channel.message_count = Number(channel.message_count ?? 0) + 1;
    }
    return message;
  };
  const referenceFields = (channelId: string, replyTo: unknown): Record<string, unknown> | undefined => {
    if (typeof replyTo !== 'string') return undefined;
    const referenced = findMessage(channelId, replyTo);
    if (!referenced) return undefined;
    const guild = guildOf(channelId);
    return {
      type: 19,
      message_reference: { type: 0, message_id: replyTo, channel_id: channelId, ...(guild ? { guild_id: guild.id } : {}) },
      referenced_message: referenced,
    };
  };

  const userMessage = (opts: UserMessageOptions): FakeMessage => {
    if (!users.has(opts.authorId)) addUser(opts.authorId, `user${opts.authorId.slice(-4)}`, { bot: opts.bot });
    let content = opts.content;
    for (const id of opts.mentions ?? []) if (!content.includes(`<@${id}>`)) content = `<@${id}> ${content}`;
    for (const id of opts.mentionRoles ?? []) if (!content.includes(`<@&${id}>`)) content = `<@&${id}> ${content}`;
    const reply = referenceFields(opts.channelId, opts.replyTo);
    if (opts.replyTo && !reply) throw new Error(`no message ${opts.replyTo} in channel ${opts.channelId} to reply to`);
    const message = messageJson(opts.channelId, opts.authorId, content, {
      mentions: (opts.mentions ?? []).map(userJson),
      mention_roles: opts.mentionRoles ?? [],
      attachments: opts.attachments ?? [],
      ...(reply ?? {}),
    });
    store(message);
    dispatchMessage(message);
    return message;
  };

  const interactionBase = (type: number, userId: string, channelId: string): { record: InteractionRecord; payload: Record<string, unknown> } => {
    const id = snowflake();
    const record: InteractionRecord = {
      id,
      token: `interaction-token-${id}`,
      channelId,
      userId,
      dispatchedAt: Date.now(),
      callbacks: [],
      followUps: [],
    };
    interactions.set(id, record);
    interactionsByToken.set(record.token, record);
    const guild = guildOf(channelId);
    const channel = channels.get(channelId) ?? { id: channelId, type: 1 };
    const member = guild && memberJson(guild, userId, true);
    const payload: Record<string, unknown> = {
      id,
      application_id: APPLICATION_ID,
      type,
      token: record.token,
      version: 1,
      channel_id: channelId,
      channel,
      locale: 'en-US',
      app_permissions: '2248473465835073',
      entitlements: [],
      authorizing_integration_owners: { 0: guild?.id ?? '0' },
      context: guild ? 0 : 1,
      attachment_size_limit: 10_485_760,
      ...(guild
        ? {
            guild_id: guild.id,
            guild_locale: 'en-US',
            guild: { id: guild.id, locale: 'en-US', features: [] },
            member: { ...member, permissions: memberPermissions(guild, userId).toString() },
          }
        : { user: userJson(userId) }),
    };
    return { record, payload };
  };

  const botMessage = (channelId: string, body: Record<string, unknown>, extra: Record<string, unknown> = {}): FakeMessage =>
    messageJson(channelId, BOT_USER_ID, String(body.content ?? ''), {
      flags: Number(body.flags ?? 0),
      components: (body.components as unknown[] | undefined) ?? [],
      embeds: (body.embeds as unknown[] | undefined) ?? [],
      ...extra,
    });

  /** Discord's checks on a message body Lore sends: the limits a real server enforces. */
  const invalidBody = (body: Record<string, unknown>, editing: boolean): Record<string, unknown> | undefined => {
    const content = typeof body.content === 'string' ? body.content : '';
    if (content.length > 2000) {
      return {
        code: 50035,
        message: 'Invalid Form Body',
        errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } },
      };
    }
    const components = Array.isArray(body.components) ? body.components : [];
    if (!editing && content === '' && components.length === 0 && !Array.isArray(body.embeds))
      return { code: 50006, message: 'Cannot send an empty message' };
    return undefined;
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  // A 204 has no body, so no content type either (discord.js would try to parse it).
  const noContent = (res: ServerResponse): void => {
    res.writeHead(204);
    res.end();
  };
  const notFound = (res: ServerResponse, code: number, message: string): void => sendJson(res, 404, { message, code });

  const applyEdit = (message: FakeMessage, body: Record<string, unknown>): void => {
    if ('content' in body) message.content = String(body.content ?? '');
    if ('components' in body) message.components = body.components ?? [];
    if ('embeds' in body) message.embeds = body.embeds ?? [];
    if ('flags' in body && body.flags !== undefined && body.flags !== null) message.flags = (Number(message.flags) & EPHEMERAL) | Number(body.flags);
    message.flags = Number(message.flags) & ~LOADING;
    message.edited_timestamp = new Date().toISOString();
  };

  const rest = (
    req: IncomingMessage,
    res: ServerResponse,
    route: string,
    body: Record<string, unknown> | undefined,
    query: URLSearchParams,
  ): void => {
    const method = req.method ?? 'GET';
    const authorized = req.headers.authorization === `Bot ${token}`;
    const interactionRoute = /^\/(?:interactions|webhooks)\//.test(route);
    if (!interactionRoute && !authorized) return sendJson(res, 401, { message: '401: Unauthorized', code: 0 });
    let m: RegExpExecArray | null;

    if (method === 'GET' && route === '/gateway/bot') {
      return sendJson(res, 200, {
        url: `${baseUrl.replace('http', 'ws')}/gateway`,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      });
    }
    if (method === 'GET' && route === '/users/@me') return sendJson(res, 200, userJson(BOT_USER_ID));
    if ((m = /^\/applications\/(\d+)\/(?:guilds\/(\d+)\/)?commands$/.exec(route)) && method === 'PUT') {
      if (m[1] !== APPLICATION_ID) return notFound(res, 10002, 'Unknown Application');
      const scope = m[2] ?? 'global';
      if (m[2] && !guilds.has(m[2])) return sendJson(res, 403, { message: 'Missing Access', code: 50001 });
      const list = (Array.isArray(body) ? body : []) as Record<string, unknown>[];
      const saved = list.map((command) => ({
        ...command,
        id: snowflake(),
        application_id: APPLICATION_ID,
        version: snowflake(),
        ...(m![2] ? { guild_id: m![2] } : {}),
      }));
      commands.set(scope, saved);
      return sendJson(res, 200, saved);
    }
    if ((m = /^\/channels\/(\d+)$/.exec(route)) && method === 'GET') {
      const channel = channels.get(m[1]!);
      return channel ? sendJson(res, 200, channel) : notFound(res, 10003, 'Unknown Channel');
    }
    if ((m = /^\/channels\/(\d+)\/typing$/.exec(route)) && method === 'POST') {
      return channels.has(m[1]!) ? noContent(res) : notFound(res, 10003, 'Unknown Channel');
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(route))) {
      const channelId = m[1]!;
      if (!channels.has(channelId)) return notFound(res, 10003, 'Unknown Channel');
      if (method === 'GET') {
        const limit = Math.min(100, Number(query.get('limit') ?? 50));
        const before = query.get('before');
        const list = channelMessages(channelId).filter((message) => !before || BigInt(message.id) < BigInt(before));
        return sendJson(res, 200, list.slice(-limit).reverse().map(withMember));
      }
      if (method === 'POST') {
        const problem = invalidBody(body ?? {}, false);
        if (problem) return sendJson(res, 400, problem);
        const reference = (body?.message_reference ?? undefined) as { message_id?: string; fail_if_not_exists?: boolean } | undefined;
        const reply = reference?.message_id ? referenceFields(channelId, reference.message_id) : undefined;
        if (reference?.message_id && !reply && reference.fail_if_not_exists !== false) {
          return sendJson(res, 400, {
            code: 50035,
            message: 'Invalid Form Body',
            errors: { message_reference: { _errors: [{ code: 'REPLIES_UNKNOWN_MESSAGE', message: 'Unknown message' }] } },
          });
        }
        const message = store(botMessage(channelId, body ?? {}, reply ?? {}));
        dispatchMessage(message);
        return sendJson(res, 200, message);
      }
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(route))) {
      const message = findMessage(m[1]!, m[2]!);
      if (!message) return notFound(res, 10008, 'Unknown Message');
      if (method === 'GET') return sendJson(res, 200, withMember(message));
      if (method === 'PATCH') {
        if ((message.author as { id: string }).id !== BOT_USER_ID)
          return sendJson(res, 403, { message: 'Cannot edit a message authored by another user', code: 50005 });
        const problem = invalidBody(body ?? {}, true);
        if (problem) return sendJson(res, 400, problem);
        applyEdit(message, body ?? {});
        return sendJson(res, 200, message);
      }
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)\/reactions\/([^/]+)\/@me$/.exec(route)) && method === 'PUT') {
      // Lore reacting to a message (a support channel's offer of help); the route's emoji is URL-encoded.
      const message = findMessage(m[1]!, m[2]!);
      if (!message) return notFound(res, 10008, 'Unknown Message');
      const reactions = (message.reactions ?? []) as { emoji: { id: null; name: string }; count: number; me: boolean }[];
      const emoji = m[3]!;
      if (!reactions.some((reaction) => reaction.emoji.name === emoji)) reactions.push({ emoji: { id: null, name: emoji }, count: 1, me: true });
      message.reactions = reactions;
      return noContent(res);
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(route)) && method === 'POST') {
      const [, parentId, messageId] = m as unknown as [string, string, string];
      const parent = channels.get(parentId);
      const starter = findMessage(parentId, messageId);
      if (!parent || !starter) return notFound(res, 10008, 'Unknown Message');
      if (channels.has(messageId)) return sendJson(res, 400, { message: 'A thread has already been created for this message', code: 160004 });
      const name = String(body?.name ?? '');
      if (name.length < 1 || name.length > 100) {
        return sendJson(res, 400, {
          code: 50035,
          message: 'Invalid Form Body',
          errors: { name: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] } },
        });
      }
      const thread = {
        id: messageId,
        type: 11,
        guild_id: parent.guild_id,
        parent_id: parentId,
        name,
        owner_id: BOT_USER_ID,
        last_message_id: null,
        rate_limit_per_user: 0,
        message_count: 0,
        member_count: 1,
        flags: 0,
        total_message_sent: 0,
        thread_metadata: {
          archived: false,
          archive_timestamp: new Date().toISOString(),
          auto_archive_duration: Number(body?.auto_archive_duration ?? 1440),
          locked: false,
        },
      };
      channels.set(messageId, thread);
      dispatch('THREAD_CREATE', { ...thread, newly_created: true });
      return sendJson(res, 201, thread);
    }
    if (route === '/users/@me/channels' && method === 'POST') {
      const recipient = String(body?.recipient_id ?? '');
      if (!users.has(recipient)) return sendJson(res, 400, { code: 50035, message: 'Invalid Form Body' });
      return sendJson(res, 200, channels.get(dmChannel(recipient)));
    }
    if ((m = /^\/guilds\/(\d+)\/members\/(\d+)$/.exec(route)) && method === 'GET') {
      const guild = guilds.get(m[1]!);
      const member = guild && memberJson(guild, m[2]!, true);
      return member ? sendJson(res, 200, member) : notFound(res, 10007, 'Unknown Member');
    }
    if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(route)) && method === 'POST') {
      const record = interactions.get(m[1]!);
      if (!record || record.token !== m[2]) return notFound(res, 10062, 'Unknown interaction');
      if (record.callbacks.length > 0) return sendJson(res, 400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      const type = Number(body?.type);
      const data = (body?.data ?? undefined) as Record<string, unknown> | undefined;
      record.callbacks.push({ type, data, at: Date.now() });
      if (type === 4 || type === 5) {
        const flags = Number(data?.flags ?? 0);
        const original = botMessage(record.channelId, type === 4 ? (data ?? {}) : { content: '' }, {
          flags: type === 5 ? LOADING | (flags & EPHEMERAL) : flags,
          webhook_id: APPLICATION_ID,
          interaction_metadata: {
            id: record.id,
            type: 2,
            user: userJson(record.userId),
            authorizing_integration_owners: { 0: guildOf(record.channelId)?.id ?? '0' },
          },
        });
        record.original = original;
        // Public responses are messages in the channel like any other (they can be replied and reacted to).
        if (!(flags & EPHEMERAL)) store(original);
      }
      if (query.get('with_response') === 'true')
        return sendJson(res, 200, {
          interaction: { id: record.id, type: 2 },
          resource: { type, ...(record.original ? { message: record.original } : {}) },
        });
      return noContent(res);
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/.exec(route))) {
      const record = interactionsByToken.get(m[2]!);
      if (m[1] !== APPLICATION_ID || !record) return notFound(res, 10015, 'Unknown Webhook');
      const target = m[3];
      if (target === undefined && method === 'POST') {
        if (record.callbacks.length === 0) return notFound(res, 10015, 'Unknown Webhook');
        const problem = invalidBody(body ?? {}, false);
        if (problem) return sendJson(res, 400, problem);
        const message = botMessage(record.channelId, body ?? {}, { webhook_id: APPLICATION_ID });
        record.followUps.push(message);
        if (!(Number(message.flags) & EPHEMERAL)) store(message);
        return sendJson(res, 200, message);
      }
      const message = target === '@original' ? record.original : [record.original, ...record.followUps].find((candidate) => candidate?.id === target);
      if (!message) return notFound(res, 10008, 'Unknown Message');
      if (method === 'GET') return sendJson(res, 200, message);
      if (method === 'PATCH') {
        const problem = invalidBody(body ?? {}, true);
        if (problem) return sendJson(res, 400, problem);
        applyEdit(message, body ?? {});
        return sendJson(res, 200, message);
      }
    }
    return sendJson(res, 404, { message: '404: Not Found', code: 0 });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');

    const attachment = /^\/attachments\/(\d+)\/[^/]+$/.exec(url.pathname);
    if (req.method === 'GET' && attachment) {
      calls.push({ method: 'GET', path: url.pathname, query: {}, body: undefined, auth: req.headers.authorization, at: Date.now() });
      notify();
      const file = files.get(attachment[1]!);
      if (!file) return notFound(res, 0, 'Not Found');
      res.writeHead(200, { 'content-type': file.contentType ?? 'application/octet-stream', 'content-length': String(file.content.length) });
      res.end(file.content);
      return;
    }

    if (!url.pathname.startsWith('/api/v10/')) return sendJson(res, 404, { message: '404: Not Found', code: 0 });
    const route = decodeURIComponent(url.pathname.slice('/api/v10'.length));
    let body: Record<string, unknown> | undefined;
    if (raw && (req.headers['content-type'] ?? '').includes('application/json')) body = JSON.parse(raw) as Record<string, unknown>;
    const call: DiscordCall = {
      method: req.method ?? 'GET',
      path: route,
      query: Object.fromEntries(url.searchParams),
      body,
      auth: req.headers.authorization,
      at: Date.now(),
    };
    calls.push(call);
    const scripted = queued.findIndex((q) => q.method === call.method && q.path.test(route));
    if (scripted >= 0) {
      const { response } = queued.splice(scripted, 1)[0]!;
      res.writeHead(response.status, { ...(response.body ? { 'content-type': 'application/json' } : {}), ...response.headers });
      res.end(response.body ? JSON.stringify(response.body) : undefined);
    } else {
      rest(req, res, route, body, url.searchParams);
    }
    notify();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: String(error), code: 0 });
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/gateway') {
      socket.destroy();
      return;
    }
    if (refusingGateway) {
      gatewayRefusals += 1;
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => onGatewayMessage(ws, String(data)));
      send(ws, { op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const interactionPayloadFor = (record: InteractionRecord, payload: Record<string, unknown>): void => {
    record.dispatchedAt = Date.now();
    dispatch('INTERACTION_CREATE', payload);
  };

  const until = <T>(probe: () => T | undefined | false, timeoutMs = 15_000, what = 'condition'): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const check = (): boolean => {
        const value = probe();
        if (value === undefined || value === false) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const interval = setInterval(check, 20);
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; calls: ${calls.map((c) => `${c.method} ${c.path}`).join(', ')}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearInterval(interval);
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      const waiter = (): void => void check();
      waiters.add(waiter);
      check();
    });

  return {
    apiUrl: `${baseUrl}/api`,
    url: baseUrl,
    calls,
    identifies,
    commands,
    interactions,
    messages: (id) => channelMessages(id),
    message: findMessage,
    channel: (id) => channels.get(id),
    addUser,
    addThread({ parentId, private: isPrivate = false, announce = true, name = 'a thread' }) {
      const id = snowflake();
      const guildId = channels.get(parentId)?.guild_id ?? GUILD_ID;
      const thread: Record<string, unknown> = {
        id,
        type: isPrivate ? 12 : 11,
        guild_id: guildId,
        parent_id: parentId,
        name,
        owner_id: MEMBER_ID,
        last_message_id: null,
        rate_limit_per_user: 0,
        message_count: 0,
        member_count: 2,
        flags: 0,
        total_message_sent: 0,
        thread_metadata: {
          archived: false,
          archive_timestamp: new Date().toISOString(),
          auto_archive_duration: 1440,
          locked: false,
          ...(isPrivate ? { invitable: false } : {}),
        },
      };
      channels.set(id, thread);
      if (announce) dispatch('THREAD_CREATE', { ...thread, newly_created: true });
      return id;
    },
    dmChannel,
    attachment(filename, content, contentType) {
      const id = snowflake();
      files.set(id, { content, contentType });
      const url = `${baseUrl}/attachments/${id}/${encodeURIComponent(filename)}`;
      return { id, filename, size: content.length, url, proxy_url: url, ...(contentType ? { content_type: contentType } : {}) };
    },
    seedBotMessage: (channelId, content) => store(messageJson(channelId, BOT_USER_ID, content)),
    userMessage,
    react({ channelId, messageId, userId, emoji, added = true }) {
      const guild = guildOf(channelId);
      const message = findMessage(channelId, messageId);
      const data: Record<string, unknown> = {
        user_id: userId,
        channel_id: channelId,
        message_id: messageId,
        emoji: { id: null, name: emoji },
        burst: false,
        type: 0,
        ...(guild ? { guild_id: guild.id } : {}),
      };
      if (added) {
        data.burst_colors = [];
        if (message) data.message_author_id = (message.author as { id: string }).id;
        const member = guild && memberJson(guild, userId, true);
        if (member) data.member = member;
      }
      dispatch(added ? 'MESSAGE_REACTION_ADD' : 'MESSAGE_REACTION_REMOVE', data);
    },
    slashCommand({ userId, channelId, subcommand, options: values = {} }) {
      const { record, payload } = interactionBase(2, userId, channelId);
      const registered = commands.get(guildOf(channelId)?.id ?? '') ?? commands.get('global') ?? [];
      const command = registered.find((c) => c.name === 'lore');
      payload.data = {
        id: String(command?.id ?? snowflake()),
        name: 'lore',
        type: 1,
        ...(guildOf(channelId) ? { guild_id: guildOf(channelId)!.id } : {}),
        options: [{ name: subcommand, type: 1, options: Object.entries(values).map(([name, value]) => ({ name, type: 3, value })) }],
      };
      interactionPayloadFor(record, payload);
      return record;
    },
    messageCommand({ userId, channelId, messageId, name }) {
      const { record, payload } = interactionBase(2, userId, channelId);
      const registered = commands.get(guildOf(channelId)?.id ?? '') ?? commands.get('global') ?? [];
      const command = registered.find((c) => c.name === name && c.type === 3);
      const target = findMessage(channelId, messageId);
      payload.data = {
        id: String(command?.id ?? snowflake()),
        name,
        type: 3,
        target_id: messageId,
        ...(guildOf(channelId) ? { guild_id: guildOf(channelId)!.id } : {}),
        resolved: { messages: target ? { [messageId]: withMember(target) } : {} },
      };
      interactionPayloadFor(record, payload);
      return record;
    },
    clickButton({ userId, channelId, message, customId }) {
      const { record, payload } = interactionBase(3, userId, channelId);
      payload.message = message;
      payload.data = { custom_id: customId, component_type: 2 };
      interactionPayloadFor(record, payload);
      return record;
    },
    submitModal({ userId, channelId, customId, fields }) {
      const { record, payload } = interactionBase(5, userId, channelId);
      payload.data = {
        custom_id: customId,
        components: Object.entries(fields).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] })),
      };
      interactionPayloadFor(record, payload);
      return record;
    },
    dispatch,
    refuseGateway(refuse) {
      refusingGateway = refuse;
      if (refuse) for (const socket of sockets) socket.terminate();
    },
    closeIdentifies(code) {
      identifyCloseCode = code;
    },
    get gatewayRefusals() {
      return gatewayRefusals;
    },
    get gatewaySessions() {
      return sockets.size;
    },
    queue(method, path, response) {
      queued.push({ method, path, response });
    },
    callsTo: (method, path) => calls.filter((call) => call.method === method && path.test(call.path)),
    waitFor: (predicate, timeoutMs = 15_000) => until(() => calls.find(predicate), timeoutMs, 'a matching Discord call'),
    until,
    close: async () => {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
