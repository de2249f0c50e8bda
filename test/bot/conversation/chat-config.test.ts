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
});
