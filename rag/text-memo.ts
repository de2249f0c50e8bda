// A bounded memo keyed by text, for pure functions of a text that the query path computes again and again on the
// same chunks (token counts, shingles): retrieval returns the same passages for similar questions, and each
// computation is far dearer than a map lookup. The least recently used entries go first.

export class TextMemo<V> {
  private readonly entries = new Map<string, V>();

  constructor(
    private readonly compute: (text: string) => V,
    private readonly maxEntries = 4_096,
    /** Texts longer than this are computed every time: they are rarely repeated and would crowd the memo. */
    private readonly maxChars = 16_000,
  ) {}

  get(text: string): V {
    if (text.length > this.maxChars) return this.compute(text);
    const known = this.entries.get(text);
    if (known !== undefined) {
      this.entries.delete(text);
      this.entries.set(text, known);
      return known;
    }
    const value = this.compute(text);
    this.entries.set(text, value);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return value;
  }
}
