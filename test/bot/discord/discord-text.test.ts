import { describe, expect, it } from 'vitest';
import { discordTextToPlain, loreMessageToHistory, mentionsLore, type MentionNames } from '../../../bot/discord/discord-text.ts';

const LORE = { userId: '100', roleIds: new Set(['900']) };
const NAMES: MentionNames = {
  user: (id) => ({ '200': 'Ada' })[id],
  role: (id) => ({ '901': 'SRE' })[id],
  channel: (id) => ({ '300': 'ops' })[id],
};

describe('Discord message text', () => {
  it("drops the mention of Lore (as a user or through its role) and names everyone else's", () => {
    expect(discordTextToPlain('<@100> ask <@!200> or <@&901> in <#300> <:party:55>', LORE, NAMES)).toBe('ask @Ada or @SRE in #ops :party:');
    expect(discordTextToPlain('<@&900>   how long are backups kept?', LORE, NAMES)).toBe('how long are backups kept?');
    expect(discordTextToPlain('<@555> hi', LORE, NAMES)).toBe('@someone hi');
  });

  it('knows when Lore is mentioned, and only then', () => {
    expect(mentionsLore('hey <@100>', LORE)).toBe(true);
    expect(mentionsLore('hey <@!100>', LORE)).toBe(true);
    expect(mentionsLore('hey <@&900>', LORE)).toBe(true);
    expect(mentionsLore('hey <@200> and <@&901>, not @Lore', LORE)).toBe(false);
  });
});

describe("Lore's messages as thread history", () => {
  it('keeps the answer and drops its notes, sources and footer', () => {
    const content = [
      'Backups are kept for 30 days [1].',
      '',
      '-# *Extractive answer.*',
      '',
      '**Sources**',
      '1. **policy.txt** · files',
      '-# Extractive · 0.4 s · react 👍 or 👎 to rate',
    ].join('\n');
    expect(loreMessageToHistory('m1', content)).toEqual([{ messageId: 'm1', fromLore: true, text: 'Backups are kept for 30 days [1].' }]);
  });

  it('turns the question quoted by a /lore ask reply into the asker’s turn', () => {
    const history = loreMessageToHistory('m2', '> How long are \\*backups\\* kept?\n30 days [1].\n\n**Sources**\n1. x');
    expect(history).toEqual([
      { messageId: 'm2:question', fromLore: false, text: 'How long are *backups* kept?' },
      { messageId: 'm2', fromLore: true, text: '30 days [1].' },
    ]);
  });

  it('returns nothing for a placeholder', () => {
    expect(loreMessageToHistory('m3', '-# Looking through the knowledge base…')).toEqual([]);
  });
});
