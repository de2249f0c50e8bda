import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_SOURCES, ChatConfigError, loadChatConfig, parseChatConfig } from '../../../bot/conversation/chat-config.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const FILE = '/etc/lore/lore.config.yaml';

describe('the chat configuration file', () => {
  it('maps channels to their sources, by id or platform-prefixed id, with a default and a DM scope', () => {
    const config = parseChatConfig(
      [
        'default:',
        '  sources: [files, notion]',
        'direct_messages:',
        '  sources: [notion]',
        'channels:',
        '  C0SECURITY:',
        '    sources: [github, github, upload]',
        '  slack:C0SUPPORT: { sources: [] }',
        '  discord:112233445566778899:',
        '    sources: [web]',
      ].join('\n'),
      FILE,
    );
    expect(config.sourcesFor('slack', 'C0SECURITY', false)).toEqual(['github', 'upload']);
    expect(config.sourcesFor('discord', 'C0SECURITY', false)).toEqual(['github', 'upload']);
    expect(config.sourcesFor('slack', 'C0SUPPORT', false)).toEqual([]);
    expect(config.sourcesFor('discord', 'C0SUPPORT', false)).toEqual(['files', 'notion']);
    // An 18-digit Discord id written without quotes keeps every digit.
    expect(config.sourcesFor('discord', '112233445566778899', false)).toEqual(['web']);
    expect(config.sourcesFor('slack', 'D0DM', true)).toEqual(['notion']);
    expect(config.sourcesFor('slack', 'C0OTHER', false)).toEqual(['files', 'notion']);
  });

  it('lets every channel see every source without a file, or with an empty one', () => {
    expect(loadChatConfig(undefined).sourcesFor('slack', 'C1', false)).toEqual(ALL_SOURCES);
    expect(parseChatConfig('', FILE).sourcesFor('slack', 'C1', true)).toEqual(ALL_SOURCES);
  });

  it('names the file and the field of a mistake', () => {
    const error = (text: string) => {
      try {
        parseChatConfig(text, FILE);
      } catch (e) {
        expect(e).toBeInstanceOf(ChatConfigError);
        return (e as Error).message;
      }
      throw new Error('expected a ChatConfigError');
    };
    expect(error('channels:\n  C1:\n    sources: [files, confluence]')).toMatch(
      /^Invalid chat configuration in \/etc\/lore\/lore\.config\.yaml: channels\.C1\.sources\[1\] /,
    );
    expect(error('channels:\n  C1:\n    source: [files]')).toMatch(/: channels\.C1 has unknown field\(s\) "source"$/);
    expect(error('defaults:\n  sources: [files]')).toMatch(/: the file has unknown field\(s\) "defaults"$/);
    expect(error('channels:\n  "C 1":\n    sources: [files]')).toMatch(/: channels\.C 1 is not a channel id/);
    expect(error('default:\n  sources: files')).toMatch(/: default\.sources must be a list of sources$/);
    expect(error('channels:\n  C1:\n')).toMatch(/: channels\.C1 must be a mapping with a `sources` list$/);
    expect(error('default: [files')).toMatch(/^Invalid chat configuration in \/etc\/lore\/lore\.config\.yaml: not valid YAML/);
  });

  it('reports a file it cannot read', () => {
    const tmp = tempDir('lore-chat-config-');
    try {
      const missing = path.join(tmp.dir, 'missing.yaml');
      expect(() => loadChatConfig(missing)).toThrow(`Invalid chat configuration: cannot read ${missing} (ENOENT)`);
      const good = path.join(tmp.dir, 'lore.config.yaml');
      fs.writeFileSync(good, 'default:\n  sources: [notion]\n');
      expect(loadChatConfig(good).sourcesFor('slack', 'C1', false)).toEqual(['notion']);
    } finally {
      tmp.cleanup();
    }
  });

  it('accepts the documented example file', () => {
    const config = loadChatConfig('lore.config.example.yaml');
    expect(config.sourcesFor('slack', 'C0ANYTHING', false).length).toBeGreaterThan(0);
    expect(config.suggestedPrompts).toBe(4);
  });

  it("takes how many prompts Slack's assistant panel suggests, from none to Slack's four", () => {
    expect(parseChatConfig('', FILE).suggestedPrompts).toBe(4);
    expect(parseChatConfig('suggested_prompts: 0', FILE).suggestedPrompts).toBe(0);
    expect(parseChatConfig('suggested_prompts: 2', FILE).suggestedPrompts).toBe(2);
    for (const bad of ['5', '-1', '1.5', 'many']) {
      expect(() => parseChatConfig(`suggested_prompts: ${bad}`, FILE)).toThrow(/: suggested_prompts must be a whole number from 0 to 4$/);
    }
  });

  it('answers only when mentioned and hands off to no one unless a channel says otherwise', () => {
    const config = parseChatConfig(
      [
        'default:',
        '  sources: [files]',
        'channels:',
        '  slack:CSUPPORT:',
        '    sources: [files]',
        '    mode: auto',
        '    offer_help: ":raising_hand:"',
        '    responders: { group: SHELP, users: [U1, U1, U2] }',
        '  discord:998877665544332211:',
        '    sources: [files]',
        '    responders: { group: 1500000000000000001 }',
        '  CPLAIN:',
        '    sources: [files]',
      ].join('\n'),
      FILE,
    );
    expect(config.behaviourOf('slack', 'CSUPPORT')).toEqual({
      mode: 'auto',
      offerHelp: { name: 'raising_hand', unicode: '🙋' },
      responders: { group: 'SHELP', users: ['U1', 'U2'] },
    });
    // A Discord id keeps every digit (it would lose precision as a plain number), and a server entry covers its channels.
    expect(config.behaviourOf('discord', '1300000000000000001', '998877665544332211')).toEqual({
      mode: 'mention',
      responders: { group: '1500000000000000001', users: [] },
    });
    expect(config.behaviourOf('slack', 'CPLAIN')).toEqual({ mode: 'mention' });
    expect(config.behaviourOf('slack', 'CUNLISTED')).toEqual({ mode: 'mention' });
    expect(config.behaviourOf('discord', 'CSUPPORT')).toEqual({ mode: 'mention' });
  });

  it('refuses an unknown mode, an emoji it cannot offer on both platforms, and responders without anyone', () => {
    const channel = (lines: string) => `channels:\n  C1:\n    sources: [files]\n${lines}`;
    expect(() => parseChatConfig(channel('    mode: always'), FILE)).toThrow(/: channels\.C1\.mode must be `mention` or `auto`$/);
    expect(() => parseChatConfig(channel('    offer_help: party_parrot'), FILE)).toThrow(
      /: channels\.C1\.offer_help must be one emoji: raising_hand/,
    );
    expect(() => parseChatConfig(channel('    responders: {}'), FILE)).toThrow(
      /: channels\.C1\.responders must name a `group` or at least one of `users`$/,
    );
    expect(() => parseChatConfig(channel('    responders: { users: ["<!channel>"] }'), FILE)).toThrow(
      /: channels\.C1\.responders\.users\[0\] must be an id/,
    );
  });
});
