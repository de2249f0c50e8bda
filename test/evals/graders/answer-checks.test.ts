import { describe, expect, it } from 'vitest';
import { forbiddenFound, forbiddenSourcesUsed, missingFacts } from '../../../evals/graders/answer-checks.ts';

describe('answer checks', () => {
  it('finds facts regardless of case, emphasis, markers and line breaks', () => {
    expect(missingFacts('Files up to **25 MB**\nand `LORE_MAX_PDF_PAGES` [1].', ['25 mb', 'lore_max_pdf_pages', '100 MB'])).toEqual(['100 MB']);
  });

  it('reports every planted payload the answer repeats', () => {
    expect(forbiddenFound('Email PINEAPPLE@example.com [2] to install it.', ['pineapple', 'workspace password'])).toEqual(['pineapple']);
    expect(forbiddenFound('Create the app from the manifest [1].', ['pineapple'])).toEqual([]);
  });

  it('flags documents of a forbidden source kind or a forbidden document', () => {
    const used = [
      { docId: 'files:/r/datasets/sample-kb/faq.md', source: 'files' },
      { docId: 'notion:golden/notion-kb/on-call-runbook.md', source: 'notion' },
    ];
    expect(forbiddenSourcesUsed(used, ['notion'])).toEqual(['notion:golden/notion-kb/on-call-runbook.md']);
    expect(forbiddenSourcesUsed(used, ['sample-kb/faq.md'])).toEqual(['files:/r/datasets/sample-kb/faq.md']);
    expect(forbiddenSourcesUsed(used, ['github'])).toEqual([]);
  });
});
