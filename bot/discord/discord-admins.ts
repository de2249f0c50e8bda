// Who may run admin commands (`/lore sync`) in Discord. LORE_ADMINS lists user ids of any platform; on Discord it
// may also name a server role as `role:<role id>`, so admins are managed in Discord itself. Server administrators
// (Administrator or Manage Server permission, or the owner) are admins too, as workspace admins are in Slack.
import { PermissionFlagsBits, type GuildMember } from 'discord.js';
import { LoreError } from '../../rag/errors.ts';

export const ROLE_PREFIX = 'role:';

export class DiscordAdminsError extends LoreError {
  override readonly code: string = 'discord_admins_unknown';
  override name = 'DiscordAdminsError';
}

/** The role ids among LORE_ADMINS entries; a malformed `role:` entry is an error naming it. */
export function adminRoleIds(entries: readonly string[]): string[] {
  const roles: string[] = [];
  for (const entry of entries) {
    if (!entry.startsWith(ROLE_PREFIX)) continue;
    const id = entry.slice(ROLE_PREFIX.length);
    if (!/^\d{15,21}$/.test(id))
      throw new DiscordAdminsError(`"${entry}" is not a Discord role: write role:<role id> (a number, copied with Developer Mode on)`);
    roles.push(id);
  }
  return roles;
}

export function isDiscordAdmin(member: GuildMember, roleIds: readonly string[]): boolean {
  if (member.id === member.guild.ownerId) return true;
  if (member.permissions.any([PermissionFlagsBits.Administrator, PermissionFlagsBits.ManageGuild])) return true;
  return roleIds.some((id) => member.roles.cache.has(id));
}
