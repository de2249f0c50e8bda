import { describe, expect, it } from 'vitest';
import { mentionsUser, slackTextToPlain } from '../../../bot/slack/slack-text.ts';

describe('slackTextToPlain', () => {
  it('removes the bot mention and renders other markup as a reader sees it', () => {
    expect(slackTextToPlain('<@ULORE> how do I reach <@U2|maria> in <#C1|eng-help>?', 'ULORE')).toBe('how do I reach @maria in #eng-help?');
    expect(slackTextToPlain('<!here> what is <https://x.test/a?b=1&amp;c=2|the runbook>?', 'ULORE')).toBe(
      'what is the runbook (https://x.test/a?b=1&c=2)?',
    );
    expect(slackTextToPlain('mail <mailto:a@b.test|a@b.test> or see <https://x.test>', 'ULORE')).toBe('mail a@b.test or see https://x.test');
    expect(slackTextToPlain('is 1 &lt; 2 &amp;&amp; 3 &gt; 2?')).toBe('is 1 < 2 && 3 > 2?');
  });

  it('names mentions without a label from the names given, and keeps the id of any it has no name for', () => {
    const names = { users: new Map([['U043H11ES4V', 'maria']]), channels: new Map([['C2', 'backups']]) };
    expect(slackTextToPlain('<@ULORE> what did <@U043H11ES4V> say in <#C043YJGBY49|general> about <#C2>?', 'ULORE', names)).toBe(
      'what did @maria say in #general about #backups?',
    );
    expect(slackTextToPlain('<@ULORE> ask <@U0UNKNOWN> in <#C0UNKNOWN>', 'ULORE')).toBe('ask @U0UNKNOWN in #C0UNKNOWN');
  });

  it('keeps line breaks and tidies spaces', () => {
    expect(slackTextToPlain('<@ULORE>   first line  \n  second', 'ULORE')).toBe('first line\nsecond');
  });
});

describe('mentionsUser', () => {
  it('finds a mention with or without a label', () => {
    expect(mentionsUser('hey <@ULORE> there', 'ULORE')).toBe(true);
    expect(mentionsUser('hey <@ULORE|lore>', 'ULORE')).toBe(true);
    expect(mentionsUser('hey <@ULOREX>', 'ULORE')).toBe(false);
  });
});
