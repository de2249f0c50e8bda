import { describe, expect, it } from 'vitest';
import { markdownToMrkdwn, slackLink } from '../../../bot/slack/markdown-to-mrkdwn.ts';

describe('markdownToMrkdwn', () => {
  it('turns Markdown emphasis, links, headings and lists into Slack mrkdwn', () => {
    expect(markdownToMrkdwn('Backups are kept for **at most 30 days** [1].')).toBe('Backups are kept for *at most 30 days* [1].');
    expect(markdownToMrkdwn('An *important* and __bold__ ~~old~~ word')).toBe('An _important_ and *bold* ~old~ word');
    expect(markdownToMrkdwn('See [the **install** guide](https://docs.example.com/install?a=1&b=2).')).toBe(
      'See <https://docs.example.com/install?a=1&b=2|the install guide>.',
    );
    expect(markdownToMrkdwn('## Install steps\n- first\n* second\n> quoted')).toBe('*Install steps*\n• first\n• second\n> quoted');
  });

  it('escapes what Slack would read as markup, so a source can never ping a channel', () => {
    expect(markdownToMrkdwn('Use <!channel> & <@U123> if a < b > c')).toBe('Use &lt;!channel&gt; &amp; &lt;@U123&gt; if a &lt; b &gt; c');
    expect(markdownToMrkdwn('[x](https://evil.test/a|b>c)')).toBe('<https://evil.test/a%7Cb%3Ec|x>');
    expect(markdownToMrkdwn('[spec](!channel) [me](@U123) [room](#C123) [team](!subteam^S1)')).toBe('spec me room team');
  });

  it('leaves code alone apart from escaping', () => {
    expect(markdownToMrkdwn('Run `npm **start** <x>` now')).toBe('Run `npm **start** &lt;x&gt;` now');
    expect(markdownToMrkdwn('```ts\nconst a = **b** < c;\n# not a heading\n```\n**done**')).toBe(
      '```\nconst a = **b** &lt; c;\n# not a heading\n```\n*done*',
    );
  });

  it('shows a backslash-escaped character as itself, not styled by the conversion (web pages turned into Markdown escape them)', () => {
    expect(markdownToMrkdwn('Set MAX\\_BODY\\_SIZE to 10 \\* 2 \\[see below\\] [1].')).toBe('Set MAX_BODY_SIZE to 10 * 2 [see below] [1].');
    expect(markdownToMrkdwn('\\*not italic\\* and \\<!channel\\>')).toBe('*not italic* and &lt;!channel&gt;');
    expect(markdownToMrkdwn('keep `a\\_b` in code')).toBe('keep `a\\_b` in code');
  });

  it('keeps citation markers and plain text as they are', () => {
    expect(markdownToMrkdwn('Use 2 * 3 = 6 [1][2].')).toBe('Use 2 * 3 = 6 [1][2].');
  });
});

describe('slackLink', () => {
  it('keeps the label from breaking out of the link', () => {
    expect(slackLink('https://x.test/p', 'a | b <c>')).toBe('<https://x.test/p|a ∣ b &lt;c&gt;>');
    expect(slackLink('https://x.test/p', '  ')).toBe('<https://x.test/p|https://x.test/p>');
  });
});
