// What each model costs, in US dollars per million tokens. The defaults are Google's published Gemini API
// paid-tier list prices (https://ai.google.dev/gemini-api/docs/pricing, standard text prompts up to 200k tokens,
// as of 2025). Prices change and contracts differ, so the table is configurable: an override file
// (LORE_PRICES_FILE) replaces or adds models without a code change.
import { z } from 'zod';

export interface ModelPrice {
  /** USD per 1M input (prompt) tokens. */
  inputPerMillion: number;
  /** USD per 1M output tokens, thinking tokens included. */
  outputPerMillion: number;
  /** USD per 1M input tokens read from Gemini's context cache; unlisted, they cost the full input price. */
  cachedInputPerMillion?: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

export const DEFAULT_PRICES: PriceTable = Object.freeze({
  // Cached input (context caching, implicit or explicit) is a tenth of the input price on 2.5 models.
  'gemini-2.5-flash': { inputPerMillion: 0.3, outputPerMillion: 2.5, cachedInputPerMillion: 0.03 },
  'gemini-2.5-flash-lite': { inputPerMillion: 0.1, outputPerMillion: 0.4, cachedInputPerMillion: 0.01 },
  // Prompts over 200k tokens cost $2.50 in / $15 out; Lore's prompts are a few thousand tokens.
  'gemini-2.5-pro': { inputPerMillion: 1.25, outputPerMillion: 10, cachedInputPerMillion: 0.125 },
  // Embeddings have no output tokens.
  'gemini-embedding-001': { inputPerMillion: 0.15, outputPerMillion: 0 },
});

const price = z.number().finite().nonnegative();

/** An override file: `{ "<model>": { "inputPerMillion": 0.3, "outputPerMillion": 2.5 }, … }`. */
export const priceTableSchema = z.record(
  z.string().min(1),
  z.strictObject({ inputPerMillion: price, outputPerMillion: price, cachedInputPerMillion: price.optional() }),
);

/**
 * Validates an override (parsed JSON) and lays it over `base`: listed models are replaced or added, the rest
 * keep their price. Throws one error naming `origin` (e.g. the file) and every problem found.
 */
export function parsePriceTable(raw: unknown, base: PriceTable = DEFAULT_PRICES, origin = 'price table'): PriceTable {
  const parsed = priceTableSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`Invalid ${origin}: ${problems.join('; ')}`);
  }
  return Object.freeze({ ...base, ...parsed.data });
}
