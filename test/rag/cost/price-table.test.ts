import { describe, expect, it } from 'vitest';
import { costOf, priceOf } from '../../../rag/cost/cost-of.ts';
import { DEFAULT_PRICES, parsePriceTable } from '../../../rag/cost/price-table.ts';

describe('price table', () => {
  it('prices every default model', () => {
    for (const model of ['gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-2.5-pro', 'gemini-embedding-001']) {
      expect(DEFAULT_PRICES[model]?.inputPerMillion, model).toBeGreaterThan(0);
    }
  });

  it('multiplies tokens by the per-million prices', () => {
    expect(costOf('gemini-2.5-flash', { inputTokens: 1_000_000, outputTokens: 0 })).toEqual({ usd: 0.3, priced: true });
    expect(costOf('gemini-2.5-flash', { inputTokens: 0, outputTokens: 1_000_000 }).usd).toBeCloseTo(2.5, 12);
    expect(costOf('gemini-2.5-pro', { inputTokens: 2_000, outputTokens: 500 }).usd).toBeCloseTo((2_000 * 1.25 + 500 * 10) / 1e6, 15);
    expect(costOf('gemini-embedding-001', { inputTokens: 10_000, outputTokens: 0 }).usd).toBeCloseTo(0.0015, 15);
  });

  it('charges cached input tokens at the cached price, and at the input price where none is listed', () => {
    // 1M prompt tokens of which 400k came from the cache: 600k × $0.30 + 400k × $0.03.
    expect(costOf('gemini-2.5-flash', { inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 400_000 }).usd).toBeCloseTo(0.18 + 0.012, 12);
    const table = parsePriceTable({
      'my-model': { inputPerMillion: 1, outputPerMillion: 2 },
      'my-cached': { inputPerMillion: 1, outputPerMillion: 2, cachedInputPerMillion: 0.5 },
    });
    expect(costOf('my-model', { inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 500_000 }, table).usd).toBeCloseTo(1, 12);
    expect(costOf('my-cached', { inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 500_000 }, table).usd).toBeCloseTo(0.75, 12);
  });

  it('matches decorated model names to the longest listed name', () => {
    expect(priceOf('models/gemini-2.5-flash')).toBe(DEFAULT_PRICES['gemini-2.5-flash']);
    expect(priceOf('gemini-2.5-flash-preview-09-2025')).toBe(DEFAULT_PRICES['gemini-2.5-flash']);
    expect(priceOf('gemini-2.5-flash-lite-001')).toBe(DEFAULT_PRICES['gemini-2.5-flash-lite']);
    expect(priceOf('gemini-2.5-flashy')).toBeUndefined();
  });

  it('costs 0 for an unknown model and says it is unpriced, never throwing', () => {
    expect(costOf('some-local-model', { inputTokens: 5_000, outputTokens: 5_000 })).toEqual({ usd: 0, priced: false });
    expect(costOf('extractive', { inputTokens: 0, outputTokens: 0 })).toEqual({ usd: 0, priced: false });
  });

  it('lays an override over the defaults', () => {
    const prices = parsePriceTable({
      'gemini-2.5-flash': { inputPerMillion: 1, outputPerMillion: 4 },
      'my-model': { inputPerMillion: 2, outputPerMillion: 2 },
    });
    expect(costOf('gemini-2.5-flash', { inputTokens: 1_000_000, outputTokens: 1_000_000 }, prices).usd).toBe(5);
    expect(costOf('my-model', { inputTokens: 500_000, outputTokens: 0 }, prices)).toEqual({ usd: 1, priced: true });
    expect(prices['gemini-2.5-pro']).toEqual(DEFAULT_PRICES['gemini-2.5-pro']);
  });

  it('rejects a malformed override with a message naming the file and each problem', () => {
    expect(() => parsePriceTable({ 'gemini-2.5-flash': { inputPerMillion: -1, outputPerMillion: 'two' } }, DEFAULT_PRICES, 'prices.json')).toThrow(
      /^Invalid prices\.json: gemini-2\.5-flash\.inputPerMillion: .*; gemini-2\.5-flash\.outputPerMillion: /,
    );
    expect(() => parsePriceTable({ m: { inputPerMillion: 1, outputPerMillion: 1, currency: 'EUR' } })).toThrow(/m: .*currency/);
    expect(() => parsePriceTable([1, 2])).toThrow(/Invalid price table/);
  });
});
