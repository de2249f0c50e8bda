import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../app/logger.ts';
import { parseChatConfig } from '../../../bot/conversation/chat-config.ts';
import type { ChatPlatform, OutgoingMessage, ThreadRef } from '../../../bot/conversation/chat-platform.ts';
import { createStaleNotifier, decideStaleNotice, staleNoticeText, type StaleThread } from '../../../bot/conversation/stale-notices.ts';

const NOW = new Date('2026-05-03T12:00:00Z');
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();

describe('whether a thread gets a stale-source notice', () => {
  it('never where the channel did not opt in', () => {
    expect(decideStaleNotice({ optedIn: false, now: NOW })).toBe('not-opted-in');
  });

  it('does where it opted in and the thread has had none', () => {
    expect(decideStaleNotice({ optedIn: true, now: NOW })).toBe('notify');
  });

  it('not twice within a day, and again after one', () => {
    expect(decideStaleNotice({ optedIn: true, lastNoticeAt: hoursAgo(1), now: NOW })).toBe('notified-recently');
    expect(decideStaleNotice({ optedIn: true, lastNoticeAt: hoursAgo(23.9), now: NOW })).toBe('notified-recently');
    expect(decideStaleNotice({ optedIn: true, lastNoticeAt: hoursAgo(24), now: NOW })).toBe('notify');
  });
});

describe('the words of a stale-source notice', () => {
  it('names the citation number, the title and the day it changed, and asks to ask again', () => {
    expect(staleNoticeText([{ n: 2, title: 'Backup policy', change: 'changed', at: '2026-05-03T09:15:00.000Z' }])).toBe(
      'The source [2] “Backup policy” of this answer changed on 2026-05-03; ask again for a fresh answer.',
    );
  });

  it('says a removed source was removed', () => {
    expect(staleNoticeText([{ n: 1, title: 'Old runbook', change: 'removed', at: '2026-05-01T00:00:00Z' }])).toMatch(
      /^The source \[1\] “Old runbook” of this answer was removed on 2026-05-01; ask again/,
    );
  });

  it('lists several sources in citation order in one notice', () => {
    const text = staleNoticeText([
      { n: 3, title: 'C', change: 'removed', at: '2026-05-02T00:00:00Z' },
      { n: 1, title: 'A\nwith a line break', change: 'changed', at: '2026-05-01T00:00:00Z' },
    ]);
    expect(text).toBe(
      'Sources of this answer changed since it was written: [1] “A with a line break” changed on 2026-05-01; [3] “C” was removed on 2026-05-02. Ask again for a fresh answer.',
    );
  });

  it('redacts a secret in a title, as answers are redacted', () => {
    const text = staleNoticeText([
      { n: 1, title: 'Deploy with token ghp_abcdefghijklmnopqrstuvwxyz0123456789', change: 'changed', at: NOW.toISOString() },
    ]);
    expect(text).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(text).toContain('[redacted]');
  });
});

describe('posting a stale-source notice', () => {
  const thread: StaleThread = {
    platform: 'slack',
    workspaceId: 'T1',
    channelId: 'C1',
    scopeChannelId: 'C1',
    threadId: '111.222',
    citations: [{ n: 2, title: 'Policy', change: 'changed', at: NOW.toISOString() }],
  };

  function recordingPlatform(name: string) {
    const posts: { thread: ThreadRef; message: OutgoingMessage }[] = [];
    const platform = {
      name,
      post: async (where: ThreadRef, message: OutgoingMessage) => {
        posts.push({ thread: where, message });
        return 'M1';
      },
    } as unknown as ChatPlatform;
    return { platform, posts };
  }

  it('posts an info notice in the thread through the platform the answer was posted on', async () => {
    const slack = recordingPlatform('slack');
    const discord = recordingPlatform('discord');
    const notifier = createStaleNotifier({ optedIn: () => true, platforms: () => [discord.platform, slack.platform], log: createLogger('silent') });
    expect(await notifier.post(thread)).toBe(true);
    expect(discord.posts).toEqual([]);
    expect(slack.posts).toEqual([
      { thread: { channelId: 'C1', threadId: '111.222' }, message: { kind: 'notice', tone: 'info', text: expect.stringContaining('[2] “Policy”') } },
    ]);
  });

  it('says so when the platform is not connected, posting nothing', async () => {
    const discord = recordingPlatform('discord');
    const notifier = createStaleNotifier({ optedIn: () => true, platforms: () => [discord.platform], log: createLogger('silent') });
    expect(await notifier.post(thread)).toBe(false);
    expect(discord.posts).toEqual([]);
  });

  it('asks the configuration about the channel whose scope applies, in its workspace', () => {
    const asked: unknown[] = [];
    const notifier = createStaleNotifier({
      optedIn: (...args) => {
        asked.push(args);
        return false;
      },
      platforms: () => [],
      log: createLogger('silent'),
    });
    expect(notifier.optedIn({ platform: 'slack', workspaceId: 'T1', scopeChannelId: 'PARENT1' })).toBe(false);
    expect(asked).toEqual([['slack', 'PARENT1', 'T1']]);
  });
});

describe('opting a channel in to stale-source notices', () => {
  const config = parseChatConfig(
    [
      'channels:',
      '  slack:CON:',
      '    sources: [notion]',
      '    stale_notices: true',
      '  COFF:',
      '    sources: [notion]',
      '    stale_notices: false',
      '  discord:111222333444555666:',
      '    sources: [notion]',
      '    stale_notices: true',
      '  discord:999888777666555444:',
      '    sources: [files]',
    ].join('\n'),
    'lore.config.yaml',
  );

  it('is off unless a channel entry says `stale_notices: true`', () => {
    expect(config.staleNoticesFor('slack', 'CON')).toBe(true);
    expect(config.staleNoticesFor('slack', 'COFF')).toBe(false);
    expect(config.staleNoticesFor('slack', 'CUNLISTED')).toBe(false);
    expect(config.staleNoticesFor('discord', 'CON')).toBe(false);
  });

  it("follows the workspace's entry when the channel's own does not set it, and the channel's when it does", () => {
    expect(config.staleNoticesFor('discord', '999888777666555444', '111222333444555666')).toBe(true);
    expect(config.staleNoticesFor('discord', '123', '111222333444555666')).toBe(true);
    expect(config.staleNoticesFor('slack', 'COFF', 'CON')).toBe(false);
  });

  it('refuses a value that is not true or false, naming the field', () => {
    expect(() => parseChatConfig('channels:\n  C1:\n    sources: [notion]\n    stale_notices: yes please\n', 'f.yaml')).toThrow(
      /channels\.C1\.stale_notices must be true or false/,
    );
  });
});
