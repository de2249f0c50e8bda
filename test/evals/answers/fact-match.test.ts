import { describe, expect, it } from 'vitest';
import { factTokens, hasFact, lightStem } from '../../../evals/answers/fact-match.ts';

describe('hasFact', () => {
  it('ignores case and punctuation, including hyphens, dots and hash signs', () => {
    expect(hasFact('Call the Front Desk on 555-010-9999.', 'front desk')).toBe(true);
    expect(hasFact('Call 555 010 9999 any time', '555-010-9999')).toBe(true);
    expect(hasFact('read it with ctx.env.getSecret() first', 'getSecret')).toBe(true);
    expect(hasFact('see ticket #4242 for details', '4242')).toBe(true);
    expect(hasFact('open wiki.example.org/start.', 'wiki.example.org')).toBe(true);
  });

  it('treats number words and digits alike, including compounds like twenty-four', () => {
    expect(hasFact('You get nine coupons a year', '9')).toBe(true);
    expect(hasFact('You get 9 coupons a year', 'nine')).toBe(true);
    expect(hasFact('allow 5 days for the refund', 'five days')).toBe(true);
    expect(hasFact('up to thirty-two seats', '32')).toBe(true);
    expect(hasFact('up to thirty two seats', '32')).toBe(true);
    expect(hasFact('up to 32 seats', 'thirty-two')).toBe(true);
    expect(hasFact('twenty seats and four tables', '24')).toBe(false);
  });

  it('treats ordinal words and their digit form alike', () => {
    expect(hasFact('pass the options as the second argument', '2nd argument')).toBe(true);
    expect(hasFact('on the 4th floor', 'fourth floor')).toBe(true);
    expect(hasFact('on the 4th floor', '4')).toBe(true);
  });

  it('reads a unit glued to its number as two tokens (14KB = 14 KB)', () => {
    expect(hasFact('the bundle stays under 12 KB', '12KB')).toBe(true);
    expect(hasFact('the bundle stays under 12kb', '12 KB')).toBe(true);
  });

  it('ignores plurals and simple -ed/-ing endings', () => {
    expect(hasFact('the reviewers checked requests daily', 'checking request')).toBe(true);
    expect(hasFact('routes are being matched in order', 'matching')).toBe(true);
    expect(hasFact('two boxes of matches', 'box')).toBe(true);
  });

  it('matches whole tokens only: 120 does not contain 12', () => {
    expect(hasFact('it takes 120 days', '12')).toBe(false);
    expect(hasFact('it takes 12 days', '12')).toBe(true);
    expect(hasFact('install the gadgetry', 'gadget')).toBe(false);
  });

  it('needs every token of the fact, next to each other and in order', () => {
    expect(hasFact('ask the service desk', 'service desk phone')).toBe(false);
    expect(hasFact('the desk of the service team', 'service desk')).toBe(false);
    expect(hasFact('anything at all', '')).toBe(true);
  });

  it('reads percent signs and the word percent alike', () => {
    expect(hasFact('a 15 percent discount', '15%')).toBe(true);
    expect(hasFact('costs $40 a month', '$40')).toBe(true);
  });
});

describe('factTokens and lightStem', () => {
  it('turns curly quotes and dashes into separators', () => {
    expect(factTokens('It’s “fast” — really')).toEqual(['it', 's', 'fast', 'really']);
  });

  it('leaves short words, numbers and mixed tokens unstemmed', () => {
    expect(lightStem('bus')).toBe('bus');
    expect(lightStem('status')).toBe('status');
    expect(lightStem('h2os')).toBe('h2os');
    expect(lightStem('classes')).toBe('class');
    expect(lightStem('bring')).toBe('bring');
  });
});
