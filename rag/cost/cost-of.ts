// Tokens × price. An unknown model costs 0 and says so, because a missing price must never break an answer.
import type { TokenUsage } from '../types.ts';
import { DEFAULT_PRICES, type ModelPrice, type PriceTable } from './price-table.ts';

export interface Cost {
  usd: number;
  /** False when the model is not in the table: `usd` is 0 because the price is unknown, not because it is free. */
  priced: boolean;
}

/**
 * The table's entry for `model`. Model names come back decorated (`models/gemini-2.5-flash`,
 * `gemini-2.5-flash-preview-09-2025`), so after an exact match the longest listed name that the model name
 * extends (at a `-` boundary) wins: `gemini-2.5-flash-lite-001` is priced as flash-lite, not flash.
 */
export function priceOf(model: string, prices: PriceTable = DEFAULT_PRICES): ModelPrice | undefined {
  const name = model.replace(/^models\//, '').trim();
  const exact = prices[name];
  if (exact) return exact;
  let best: string | undefined;
  for (const listed of Object.keys(prices)) {
    if (name.startsWith(`${listed}-`) && (best === undefined || listed.length > best.length)) best = listed;
  }
  return best === undefined ? undefined : prices[best];
}

export function costOf(model: string, usage: TokenUsage, prices: PriceTable = DEFAULT_PRICES): Cost {
  const entry = priceOf(model, prices);
  if (!entry) return { usd: 0, priced: false };
  // Cached tokens are part of the input count; they are charged at the cached price instead of the full one.
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const cachedPrice = entry.cachedInputPerMillion ?? entry.inputPerMillion;
  const usd = ((usage.inputTokens - cached) * entry.inputPerMillion + cached * cachedPrice + usage.outputTokens * entry.outputPerMillion) / 1_000_000;
  return { usd, priced: true };
}
