import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Audience } from '../conversation/chat-config.ts';

// Who is asking, seen from the workspace Lore is installed in. In a Slack Connect channel the people of the other
// workspace write too, and Slack's guests are in the workspace but meant to see only a channel or two: both get a
// scope of their own (lore.config.yaml `external`, `guests`; default nothing). Slack names the asker's workspace in
// the event (`user_team`) and in `users.info`, which also says whether they are a guest. Answers are remembered for
// a while per user, so a conversation costs one lookup, not one per message. When Slack cannot say, the asker is
// treated as a guest: doubt narrows the scope, never widens it.

const REMEMBER_MS = 10 * 60_000;

export interface SlackAudienceOptions {
  client: webApi.WebClient;
  log: Logger;
  now?: () => number;
}

export class SlackAudience {
  private readonly known = new Map<string, { team?: string; guest: boolean; until: number }>();

  constructor(private readonly options: SlackAudienceOptions) {}

  /** The asker's audience in `workspaceId`; `userTeam` is the event's `user_team`, when Slack sent one. */
  async of(userId: string, workspaceId: string, userTeam?: string): Promise<Audience> {
    if (userTeam !== undefined && userTeam !== workspaceId) return 'external';
    const user = await this.lookUp(userId);
    if (user === undefined) return 'guest';
    if (user.team !== undefined && user.team !== workspaceId) return 'external';
    return user.guest ? 'guest' : 'member';
  }

  private async lookUp(userId: string): Promise<{ team?: string; guest: boolean } | undefined> {
    const now = this.options.now?.() ?? Date.now();
    const cached = this.known.get(userId);
    if (cached && cached.until > now) return cached;
    try {
      const { user } = await this.options.client.users.info({ user: userId });
      if (!user) return undefined;
      const entry = { ...(user.team_id ? { team: user.team_id } : {}), guest: Boolean(user.is_restricted || user.is_ultra_restricted), until: now + REMEMBER_MS };
      this.known.set(userId, entry);
      return entry;
    } catch (error) {
      this.options.log.warn({ err: error, user: userId }, 'could not look the asker up in Slack: answering with the guests scope');
      return undefined;
    }
  }
}
