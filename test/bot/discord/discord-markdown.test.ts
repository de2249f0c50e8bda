import { describe, expect, it } from 'vitest';
import { discordLink, escapeDiscord, toDiscordMarkdown } from '../../../bot/discord/discord-markdown.ts';

describe('Markdown for Discord', () => {
  it('wraps every link in <> so Discord shows no preview card', () => {
    expect(toDiscordMarkdown('See [the guide](https://example.com/guide) or https://example.com/faq.')).toBe(
      'See [the guide](<https://example.com/guide>) or <https://example.com/faq>.',
    );
    expect(toDiscordMarkdown('Already quiet: <https://example.com/a>')).toBe('Already quiet: <https://example.com/a>');
    expect(toDiscordMarkdown('[x](<https://example.com/b>)')).toBe('[x](<https://example.com/b>)');
  });

  it('keeps sentence punctuation and closing brackets outside a bare link', () => {
    expect(toDiscordMarkdown('(docs: https://example.com/x).')).toBe('(docs: <https://example.com/x>).');
  });

  it('shows a link Discord cannot open as its label', () => {
    expect(discordLink('file:///srv/kb/policy.txt', 'policy.txt')).toBe('**policy.txt**');
    expect(toDiscordMarkdown('[policy](file:///srv/kb/policy.txt)')).toBe('**policy**');
  });

  it('escapes link labels and URLs so neither can break out of the link', () => {
    expect(discordLink('https://example.com/a b>c', 'A [draft] *note*')).toBe('[A (draft) \\*note\\*](<https://example.com/a%20b%3Ec>)');
  });

  it('leaves code exactly as written', () => {
    const code = '```ts\nconst url = "https://example.com/x"; // @everyone\n```';
    expect(toDiscordMarkdown(code)).toBe(code);
    expect(toDiscordMarkdown('run `curl https://example.com/x`')).toBe('run `curl https://example.com/x`');
  });

  it('defuses @everyone and @here so they do not even look like pings', () => {
    expect(toDiscordMarkdown('Tell @everyone and @here')).toBe('Tell @\u200beveryone and @\u200bhere');
    expect(escapeDiscord('@everyone')).toBe('@\u200beveryone');
  });

  it('turns headings Discord cannot show into bold lines, keeping the three it can', () => {
    expect(toDiscordMarkdown('## Setup\n#### Details ####')).toBe('## Setup\n**Details**');
  });

  it('escapes formatting characters in plain text', () => {
    expect(escapeDiscord('a*b_c~d`e|f<g')).toBe('a\\*b\\_c\\~d\\`e\\|f\\<g');
    expect(escapeDiscord('# not a heading')).toBe('\\# not a heading');
  });
});
