import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { TtlCache } from '../conversation/ttl-cache.ts';
import { slackErrorCode, slackUnavailable } from './slack-errors.ts';
import type { MentionNames } from './slack-text.ts';

// Who and what Slack ids stand for: users (their display name, workspace, guest and admin flags) and channel names.
// Lookups are cached for a while (bounded), so a conversation costs one `users.info` per person, not one per
// message. Most go through a client that fails at once on a 429 instead of waiting out Retry-After, because each
// caller has something honest to do without the answer (keep a mention's id, say Slack is rate limiting); the
// asker's own workspace and guest status wait for Slack, since without them a question gets the narrowest scope.

const REMEMBER_MS = 10 * 60_000;
const MAX_REMEMBERED = 5_000;

/** What Lore reads of a `users.info` user. */
export interface SlackUser {
  id: string;
  name: string;
  team?: string;
  guest: boolean;
  admin: boolean;
}

export interface SlackDirectoryOptions {
  /** Its rate-limited calls reject at once (`rejectRateLimitedCalls`). */
  client: webApi.WebClient;
  /** Waits out rate limits within its retries: for lookups worth waiting for (`user(id, { patient: true })`). */
  patientClient: webApi.WebClient;
  log: Logger;
  now?: () => number;
}

export class SlackDirectory {
  private readonly users: TtlCache<SlackUser>;
  private readonly channels: TtlCache<string>;

  constructor(private readonly options: SlackDirectoryOptions) {
    const cache = { ttlMs: REMEMBER_MS, maxEntries: MAX_REMEMBERED, ...(options.now ? { now: options.now } : {}) };
    this.users = new TtlCache(cache);
    this.channels = new TtlCache(cache);
  }

  /**
   * The user, or undefined when Slack says there is none. Throws PlatformUnavailableError when Slack could not
   * answer (rate limited, unreachable): that is not knowing, never a "no".
   */
  async user(userId: string, how: { patient?: boolean } = {}): Promise<SlackUser | undefined> {
    const cached = this.users.get(userId);
    if (cached) return cached;
    try {
      const client = how.patient ? this.options.patientClient : this.options.client;
      const { user } = await client.users.info({ user: userId });
      if (!user) return undefined;
      const profile = user.profile;
      const entry: SlackUser = {
        id: userId,
        name: profile?.display_name || profile?.real_name || user.real_name || user.name || userId,
        ...(user.team_id ? { team: user.team_id } : {}),
        guest: Boolean(user.is_restricted || user.is_ultra_restricted),
        admin: Boolean(user.is_admin || user.is_owner || user.is_primary_owner),
      };
      this.users.set(userId, entry);
      return entry;
    } catch (error) {
      const unavailable = slackUnavailable(error);
      if (unavailable) throw unavailable;
      if (slackErrorCode(error) === 'user_not_found' || slackErrorCode(error) === 'user_not_visible') return undefined;
      throw error;
    }
  }

  /**
   * Names for the user and channel mentions in Slack text that carry no label (`<@U123>`, `<#C123>`). Best effort:
   * an id that cannot be looked up is left out, and the text keeps it as a neutral `@U123`.
   */
  async mentionNames(text: string): Promise<MentionNames> {
    const userIds = new Set([...text.matchAll(/<@([UW][A-Z0-9]+)>/g)].map((m) => m[1]!));
    const channelIds = new Set([...text.matchAll(/<#([CGD][A-Z0-9]+)>/g)].map((m) => m[1]!));
    const users = new Map<string, string>();
    const channels = new Map<string, string>();
    await Promise.all([
      ...[...userIds].map(async (id) => {
        const user = await this.user(id).catch((error: unknown) => this.lookupFailed(error, { user: id }));
        if (user) users.set(id, user.name);
      }),
      ...[...channelIds].map(async (id) => {
        const name = await this.channelName(id).catch((error: unknown) => this.lookupFailed(error, { channel: id }));
        if (name) channels.set(id, name);
      }),
    ]);
    return { users, channels };
  }

  private async channelName(channelId: string): Promise<string | undefined> {
    const cached = this.channels.get(channelId);
    if (cached) return cached;
    const { channel } = await this.options.client.conversations.info({ channel: channelId });
    if (!channel?.name) return undefined;
    this.channels.set(channelId, channel.name);
    return channel.name;
  }

  private lookupFailed(error: unknown, ids: Record<string, string>): undefined {
    this.options.log.warn({ err: error, ...ids }, 'could not look up a mention in Slack: keeping its id');
    return undefined;
  }
}
