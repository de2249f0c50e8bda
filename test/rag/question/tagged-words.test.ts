import { describe, expect, it } from 'vitest';
import { taggedWords } from '../../../rag/question/tagged-words.ts';

describe('taggedWords', () => {
  it('tags the words of a question in order, with their normal forms', () => {
    const words = taggedWords('Which runtimes does Hono support?');
    expect(words.map((word) => word.text)).toEqual(['Which', 'runtimes', 'does', 'Hono', 'support']);
    expect(words[1]).toMatchObject({ normal: 'runtimes', tags: expect.arrayContaining(['Noun', 'Plural']) });
  });

  it('parses a text once however many readings ask for it', () => {
    expect(taggedWords('how do i sign up for dental?')).toBe(taggedWords('how do i sign up for dental?'));
  });
});
