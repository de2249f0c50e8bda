import { describe, expect, it } from 'vitest';
import { TextMemo } from '../../rag/text-memo.ts';

describe('TextMemo', () => {
  it('computes each text once and returns the remembered value after', () => {
    let calls = 0;
    const memo = new TextMemo((text: string) => {
      calls += 1;
      return text.length;
    });
    expect([memo.get('abc'), memo.get('abc'), memo.get('abcd')]).toEqual([3, 3, 4]);
    expect(calls).toBe(2);
  });

  it('forgets the least recently used text when full', () => {
    const computed: string[] = [];
    const memo = new TextMemo((text: string) => computed.push(text), 2);
    memo.get('a');
    memo.get('b');
    memo.get('a');
    memo.get('c');
    memo.get('a');
    memo.get('b');
    expect(computed).toEqual(['a', 'b', 'c', 'b']);
  });

  it('never keeps texts over the length limit', () => {
    let calls = 0;
    const memo = new TextMemo(() => ++calls, 10, 5);
    memo.get('123456');
    memo.get('123456');
    expect(calls).toBe(2);
  });
});
