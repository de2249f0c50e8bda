import { describe, expect, it } from 'vitest';
import { matchesSource, sourceRecall } from '../../../evals/graders/source-match.ts';

describe('expected sources', () => {
  it('matches a document id that ends with the source at a path or id boundary', () => {
    expect(matchesSource('files:/repo/datasets/sample-kb/faq.md', 'sample-kb/faq.md')).toBe(true);
    expect(matchesSource('notion:golden/notion-kb/on-call-runbook.md', 'golden/notion-kb/on-call-runbook.md')).toBe(true);
    expect(matchesSource('beir:https://docs.example.com/a#b', 'https://docs.example.com/a#b')).toBe(true);
    expect(matchesSource('files:/repo/datasets/sample-kb/old-faq.md', 'faq.md')).toBe(false);
    expect(matchesSource('files:/repo/datasets/sample-kb/faq.md.bak', 'faq.md')).toBe(false);
  });

  it('counts an entry found when any of its alternatives was retrieved', () => {
    const docs = ['files:/r/datasets/sample-kb/architecture.md', 'files:/r/datasets/sample-kb/faq.md'];
    const recall = sourceRecall(docs, [['sample-kb/lore-overview.pdf', 'sample-kb/architecture.md'], ['sample-kb/configuration.md']]);
    expect(recall).toEqual({ score: 0.5, found: ['sample-kb/architecture.md'], missing: ['sample-kb/configuration.md'] });
    expect(sourceRecall(docs, [['sample-kb/faq.md']]).score).toBe(1);
  });
});
