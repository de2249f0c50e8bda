// Golden cases name documents the way people read them (`sample-kb/faq.md`, a docs-QA section URL); the index names
// them by document id (`files:/abs/path/datasets/sample-kb/faq.md`, `beir:<url>`, `notion:golden/…`). An expected
// source matches a document id that equals it or ends with it right after a `/` or `:`, so `faq.md` never
// matches `old-faq.md`.

export function matchesSource(docId: string, expected: string): boolean {
  if (docId === expected) return true;
  if (!docId.endsWith(expected)) return false;
  const before = docId.charAt(docId.length - expected.length - 1);
  return before === '/' || before === ':';
}

export interface SourceRecall {
  /** Share of expected entries found (an entry lists alternatives; one of them is enough). */
  score: number;
  found: string[];
  missing: string[];
}

/** How many of the expected sources the retrieved context holds. */
export function sourceRecall(docIds: readonly string[], expected: readonly (readonly string[])[]): SourceRecall {
  const found: string[] = [];
  const missing: string[] = [];
  for (const alternatives of expected) {
    const hit = alternatives.find((source) => docIds.some((docId) => matchesSource(docId, source)));
    if (hit) found.push(hit);
    else missing.push(alternatives.join(' | '));
  }
  return { score: expected.length === 0 ? 1 : found.length / expected.length, found, missing };
}
