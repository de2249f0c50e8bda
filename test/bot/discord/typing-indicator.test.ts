import { describe, expect, it } from 'vitest';
import { TypingIndicator } from '../../../bot/discord/typing-indicator.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the typing indicator', () => {
  it('shows at once, renews while any work in the channel goes on, and stops after the last', async () => {
    const sent: string[] = [];
    const typing = new TypingIndicator(
      async (channel) => void sent.push(channel),
      () => undefined,
      40,
    );
    typing.start('c1');
    typing.start('c1');
    expect(sent).toEqual(['c1']);
    await sleep(100);
    const renewed = sent.length;
    expect(renewed).toBeGreaterThanOrEqual(2);
    typing.stop('c1');
    await sleep(100);
    expect(sent.length).toBeGreaterThan(renewed);
    typing.stop('c1');
    const stopped = sent.length;
    await sleep(100);
    expect(sent.length).toBe(stopped);
  });

  it('reports a failure to show it without throwing', async () => {
    const failures: string[] = [];
    const typing = new TypingIndicator(
      () => Promise.reject(new Error('Missing Access')),
      (_error, channel) => void failures.push(channel),
      1_000,
    );
    typing.start('c2');
    await sleep(10);
    typing.close();
    expect(failures).toEqual(['c2']);
  });
});
