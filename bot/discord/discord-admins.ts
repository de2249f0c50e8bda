// Who may run admin commands (`/lore sync`) in Discord. LORE_ADMINS lists user ids of any platform; on Discord it
// may also name a server role as `role:<role id>` (read and checked by the configuration, app/config.ts), so admins
// are managed in Discord itself. Server administrators (Administrator or Manage Server permission, or the owner) are
// admins too, as workspace admins are in Slack.
import { PermissionFlagsBits, type GuildMember } from 'discord.js';

export function isDiscordAdmin(member: GuildMember, roleIds: readonly string[]): boolean {
  if (member.id === member.guild.ownerId) return true;
  if (member.permissions.any([PermissionFlagsBits.Administrator, PermissionFlagsBits.ManageGuild])) return true;
  return roleIds.some((id) => member.roles.cache.has(id));
}
