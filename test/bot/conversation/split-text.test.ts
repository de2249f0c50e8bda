import { describe, expect, it } from 'vitest';
import { splitText } from '../../../bot/conversation/split-text.ts';

describe('splitText', () => {
  it('keeps a text that fits in one piece', () => {
    expect(splitText('Short answer [1].', 100)).toEqual(['Short answer [1].']);
  });

  it('cuts between paragraphs, then sentences, never over the limit', () => {
    const paragraph = 'This sentence is about backups. '.repeat(10).trim();
    const text = `${paragraph}\n\n${paragraph}\n\n${paragraph}`;
    const pieces = splitText(text, 700);
    expect(pieces).toEqual([`${paragraph}\n\n${paragraph}`, paragraph]);
    for (const piece of splitText(paragraph, 100)) {
      expect(piece.length).toBeLessThanOrEqual(100);
      expect(piece).toMatch(/\.$/);
    }
  });

  it('cuts a single overlong word rather than exceeding the limit', () => {
    const pieces = splitText('x'.repeat(250), 100);
    expect(pieces.map((p) => p.length)).toEqual([96, 96, 58]);
    expect(pieces.join('')).toBe('x'.repeat(250));
  });

  it('closes a code block cut in two and reopens it, with its language, in the next piece', () => {
    const code = Array.from({ length: 40 }, (_, i) => `const value${i} = ${i};`).join('\n');
    const pieces = splitText(`Run this:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nDone.`, 300);
    expect(pieces.length).toBeGreaterThan(2);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(300);
      expect((piece.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(pieces[1]).toMatch(/^```ts\n/);
    expect(pieces.join('\n').replace(/\n```\n```ts\n/g, '\n')).toContain(code);
  });
});
