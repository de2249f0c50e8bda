import { describe, expect, it } from 'vitest';
import { adminRoleIds, DiscordAdminsError } from '../../../bot/discord/discord-admins.ts';

describe('Discord admin roles in LORE_ADMINS', () => {
  it('reads role:<id> entries and leaves user ids of any platform alone', () => {
    expect(adminRoleIds(['U0123ABC', '1400000000000000001', 'role:1500000000000000002', 'role:1500000000000000003'])).toEqual([
      '1500000000000000002',
      '1500000000000000003',
    ]);
    expect(adminRoleIds([])).toEqual([]);
  });

  it('refuses a role entry that is not a role id, naming it', () => {
    expect(() => adminRoleIds(['role:Moderators'])).toThrow(DiscordAdminsError);
    expect(() => adminRoleIds(['role:Moderators'])).toThrow(/"role:Moderators" is not a Discord role/);
    expect(() => adminRoleIds(['role:'])).toThrow(/"role:"/);
  });
});
