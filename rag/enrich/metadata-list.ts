export interface ListLimits {
  maxItems: number;
  maxChars: number;
}

// Chroma stores scalars only and every chunk carries these lists: keep them short.
export const DEFAULT_LIST_LIMITS: Readonly<ListLimits> = Object.freeze({ maxItems: 10, maxChars: 300 });

/**
 * A list as one comma-separated metadata string: items deduplicated (case-insensitively), commas
 * inside items replaced so the list splits back cleanly, and whole items dropped past the limits.
 */
export function toMetadataList(items: readonly string[], limits: ListLimits = DEFAULT_LIST_LIMITS): string {
  const seen = new Set<string>();
  const kept: string[] = [];
  let length = 0;
  for (const item of items) {
    const clean = item.replace(/[,\s]+/g, ' ').trim();
    const key = clean.toLowerCase();
    if (clean.length === 0 || seen.has(key)) continue;
    const added = (kept.length > 0 ? 2 : 0) + clean.length;
    if (kept.length >= limits.maxItems || length + added > limits.maxChars) break;
    seen.add(key);
    kept.push(clean);
    length += added;
  }
  return kept.join(', ');
}
