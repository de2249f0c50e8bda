// Gemini's usageMetadata as Lore counts it, the same for every Gemini caller (generation, reranking, rewriting).
import type { GenerateContentResponseUsageMetadata } from '@google/genai';
import type { TokenUsage } from '../types.ts';

/**
 * `promptTokenCount` already includes the cached tokens, so `cachedContentTokenCount` only says how many of them
 * are billed at the cached price. Tool-use prompt tokens (e.g. grounding results) are billed as input but reported
 * apart; thinking is billed as output.
 */
export function usageFromMetadata(metadata: GenerateContentResponseUsageMetadata | undefined): TokenUsage | undefined {
  if (!metadata) return undefined;
  const cached = metadata.cachedContentTokenCount ?? 0;
  return {
    inputTokens: (metadata.promptTokenCount ?? 0) + (metadata.toolUsePromptTokenCount ?? 0),
    outputTokens: (metadata.candidatesTokenCount ?? 0) + (metadata.thoughtsTokenCount ?? 0),
    ...(cached > 0 ? { cachedInputTokens: cached } : {}),
  };
}

/** The sum of two usages (e.g. a discarded attempt and the one that answered); `undefined` counts as none. */
export function addUsage(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (!a) return b;
  if (!b) return a;
  const cached = (a.cachedInputTokens ?? 0) + (b.cachedInputTokens ?? 0);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    ...(cached > 0 ? { cachedInputTokens: cached } : {}),
  };
}
