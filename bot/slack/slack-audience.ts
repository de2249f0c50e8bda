import type { Logger } from 'pino';
import type { Audience } from '../conversation/chat-config.ts';
import type { SlackDirectory, SlackUser } from './slack-directory.ts';

// Who is asking, seen from the workspace Lore is installed in. In a Slack Connect channel the people of the other
// workspace write too, and Slack's guests are in the workspace but meant to see only a channel or two: both get a
// scope of their own (lore.config.yaml `external`, `guests`; default nothing). Slack names the asker's workspace in
// the event (`user_team`) and in `users.info` (SlackDirectory, cached), which also says whether they are a guest.
// When Slack cannot say, the asker is treated as a guest: doubt narrows the scope, never widens it.

export interface SlackAudienceOptions {
  directory: SlackDirectory;
  log: Logger;
}

export class SlackAudience {
  constructor(private readonly options: SlackAudienceOptions) {}

  /** The asker's audience in `workspaceId`; `userTeam` is the event's `user_team`, when Slack sent one. */
  async of(userId: string, workspaceId: string, userTeam?: string): Promise<Audience> {
    if (userTeam !== undefined && userTeam !== workspaceId) return 'external';
    try {
      const user = await this.options.directory.user(userId, { patient: true });
      return user === undefined ? 'guest' : audienceOf(user, workspaceId);
    } catch (error) {
      this.options.log.warn({ err: error, user: userId }, 'could not look the asker up in Slack: answering with the guests scope');
      return 'guest';
    }
  }
}

/** A user Slack described, seen from `workspaceId`. */
export function audienceOf(user: SlackUser, workspaceId: string): Audience {
  if (user.team !== undefined && user.team !== workspaceId) return 'external';
  return user.guest ? 'guest' : 'member';
}
