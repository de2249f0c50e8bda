import { describe, expect, it } from 'vitest';
import { ratingOf } from '../../../bot/conversation/feedback-emoji.ts';

describe('ratingOf', () => {
  it.each([
    ['+1', 'up'],
    ['thumbsup', 'up'],
    ['+1::skin-tone-4', 'up'],
    ['👍', 'up'],
    ['👍🏽', 'up'],
    ['-1', 'down'],
    ['thumbsdown', 'down'],
    ['thumbsdown::skin-tone-2', 'down'],
    ['👎', 'down'],
  ])('%s is %s', (emoji, rating) => {
    expect(ratingOf(emoji)).toBe(rating);
  });

  it.each(['eyes', 'tada', 'heart', '', 'constructor', '+1x'])('%j is not a rating', (emoji) => {
    expect(ratingOf(emoji)).toBeUndefined();
  });
});
