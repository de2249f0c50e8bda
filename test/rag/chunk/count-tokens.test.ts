import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { describe, expect, it } from 'vitest';
import { countTokens, isWithinTokens, splitByTokens } from '../../../rag/chunk/count-tokens.ts';

describe('countTokens', () => {
  it('matches the cl100k encoding for ordinary text, long or short', () => {
    const short = 'Deploys run every Tuesday at 10:00 UTC.';
    const long = Array.from({ length: 400 }, (_, i) => `Line ${i} of the runbook explains step ${i}.`).join('\n');
    expect(countTokens(short)).toBe(encode(short).length);
    expect(countTokens(long)).toBe(encode(long).length);
  });

  it('counts special-token text such as <|endoftext|> as plain text instead of throwing', () => {
    expect(countTokens('the <|endoftext|> marker')).toBeGreaterThan(3);
  });

  it('counts a long run without spaces in windows, erring at most slightly high', () => {
    const run = '中文句子没有标点'.repeat(400);
    const exact = encode(run).length;
    expect(countTokens(run)).toBeGreaterThanOrEqual(exact);
    expect(countTokens(run)).toBeLessThanOrEqual(exact + 5);
  });
});

describe('isWithinTokens', () => {
  it('agrees with the exact count on both sides of the limit', () => {
    const text = 'alpha beta gamma delta epsilon zeta eta theta iota kappa';
    const exact = countTokens(text);
    expect(isWithinTokens(text, exact)).toBe(true);
    expect(isWithinTokens(text, exact - 1)).toBe(false);
  });
});

describe('splitByTokens', () => {
  it('cuts an unbroken run into pieces within the budget that rebuild the input', () => {
    const run = 'x'.repeat(20_000);
    const pieces = splitByTokens(run, 50);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(run);
    for (const piece of pieces) expect(countTokens(piece)).toBeLessThanOrEqual(50);
  });

  it('never cuts an emoji in half', () => {
    const run = '😀'.repeat(500);
    const pieces = splitByTokens(run, 16);
    expect(pieces.join('')).toBe(run);
    for (const piece of pieces) expect(piece).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|^[\uDC00-\uDFFF]/);
  });
});
