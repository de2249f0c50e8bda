import type { Client } from 'discord.js';
import type { Logger } from 'pino';

// The Discord servers Lore answers in (DISCORD_GUILD_IDS, else DISCORD_GUILD_ID). A Discord bot is public unless its
// owner switches that off, so anyone can invite it to a server of their own, whose owner would then also pass the
// admin check; a direct message can come from anyone who shares any server with it. So Lore answers only in the
// servers it is configured for, and direct messages only from their members. With none configured it answers
// nowhere: scope fails closed. Membership is looked up once in a while per person, and a failed lookup admits no one.

const REMEMBER_MS = 10 * 60_000;

export class DiscordServers {
  private readonly members = new Map<string, { member: boolean; until: number }>();

  constructor(
    private readonly client: Client,
    readonly allowed: readonly string[],
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether Lore answers in this server, or (`guildId` null: a direct message) to this person. */
  async admits(guildId: string | null, userId: string): Promise<boolean> {
    if (guildId !== null) return this.allowed.includes(guildId);
    return this.isMember(userId);
  }

  /** The servers Lore is in but not configured for: said at start, with how to keep it out of them. */
  unconfigured(): string[] {
    return [...this.client.guilds.cache.keys()].filter((id) => !this.allowed.includes(id));
  }

  private async isMember(userId: string): Promise<boolean> {
    const cached = this.members.get(userId);
    if (cached && cached.until > this.now()) return cached.member;
    let member = false;
    for (const guildId of this.allowed) {
      const guild = this.client.guilds.cache.get(guildId);
      if (!guild) continue;
      try {
        await guild.members.fetch({ user: userId, force: true });
        member = true;
        break;
      } catch (error) {
        // Unknown Member: not in this one. Anything else (network): not admitted now, asked again next time.
        if ((error as { code?: unknown }).code !== 10007) {
          this.log.warn({ err: error, user: userId, server: guildId }, 'could not check membership for a direct message');
          return false;
        }
      }
    }
    this.members.set(userId, { member, until: this.now() + REMEMBER_MS });
    return member;
  }
}
