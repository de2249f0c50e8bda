import { describe, expect, it } from 'vitest';
import { ThrottledUpdater } from '../../../bot/conversation/throttled-updater.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ThrottledUpdater', () => {
  it('sends the latest version at most once per interval and the final version last', async () => {
    const sent: { text: string; at: number }[] = [];
    const updater = new ThrottledUpdater<string>(
      async (text) => {
        await sleep(10);
        sent.push({ text, at: Date.now() });
      },
      100,
      () => {},
    );
    for (let i = 1; i <= 20; i++) {
      updater.push(`v${i}`);
      await sleep(15);
    }
    await updater.finish('final');
    expect(sent.at(-1)!.text).toBe('final');
    const streamed = sent.slice(0, -1);
    expect(streamed.length).toBeGreaterThanOrEqual(2);
    expect(streamed.length).toBeLessThanOrEqual(5);
    expect(streamed[0]!.text).toBe('v1');
    for (let i = 1; i < streamed.length; i++) expect(streamed[i]!.at - streamed[i - 1]!.at).toBeGreaterThanOrEqual(95);
    const versions = streamed.map((s) => Number(s.text.slice(1)));
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
  });

  it('survives a failed intermediate edit and reports it; the final edit failing is thrown', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const updater = new ThrottledUpdater<string>(
      async (text) => {
        calls++;
        if (text === 'v1' || text === 'final') throw new Error(`cannot send ${text}`);
      },
      0,
      (error) => errors.push(error),
    );
    updater.push('v1');
    await sleep(20);
    updater.push('v2');
    await sleep(20);
    await expect(updater.finish('final')).rejects.toThrow('cannot send final');
    expect(errors).toHaveLength(1);
    expect(calls).toBe(3);
  });

  it('drops versions pushed after finishing', async () => {
    const sent: string[] = [];
    const updater = new ThrottledUpdater<string>(
      async (text) => void sent.push(text),
      0,
      () => {},
    );
    await updater.finish('final');
    updater.push('late');
    await sleep(20);
    expect(sent).toEqual(['final']);
  });

  it('cancels: nothing pending is sent once cancelled, and the edit in flight is waited for', async () => {
    const sent: string[] = [];
    const updater = new ThrottledUpdater<string>(
      async (text) => {
        await sleep(30);
        sent.push(text);
      },
      1_000,
      () => {},
    );
    updater.push('v1');
    await sleep(5);
    updater.push('v2');
    await updater.cancel();
    expect(sent).toEqual(['v1']);
    await sleep(50);
    expect(sent).toEqual(['v1']);
  });
});
