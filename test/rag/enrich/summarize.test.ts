import { describe, expect, it } from 'vitest';
import { summarize, summarizeCode, SUMMARY_MAX_CHARS } from '../../../rag/enrich/summarize.ts';

describe('summarize', () => {
  it('picks the sentence that shares the most terms with the rest', () => {
    const text = [
      'Our office has a new coffee machine.',
      'Deployments to production require an approved change ticket and a passing pipeline.',
      'A production deployment without an approved ticket is rolled back.',
      'The pipeline blocks deployments when tests fail.',
      'Lunch is at noon.',
    ].join(' ');
    expect(summarize(text)).toContain('Deployments to production require an approved change ticket and a passing pipeline.');
    expect(summarize(text)).not.toContain('coffee');
  });

  it(`is at most ${SUMMARY_MAX_CHARS} characters, cut at a word with an ellipsis`, () => {
    const long = `${'Very long sentence about the onboarding checklist for every new engineer '.repeat(8)}.`;
    const summary = summarize(long);
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    expect(summary).toMatch(/\w…$/);
  });

  it('skips headings, table rows and code when choosing', () => {
    const text =
      '## Setup\n\n| a | b |\n|---|---|\n\n```sh\nnpm install the whole world of packages now\n```\n\nInstall the CLI with npm before running the first sync.';
    expect(summarize(text)).toBe('Install the CLI with npm before running the first sync.');
  });

  it('falls back to the first line when there is no sentence', () => {
    expect(summarize('\n  Q3 numbers  \n42')).toBe('Q3 numbers');
  });
});

describe('summarizeCode', () => {
  it('uses the doc comment, else the first meaningful line', () => {
    expect(summarizeCode('/**\n * Keeps the index in step with sources.\n */\nexport class Indexer {}')).toBe(
      'Keeps the index in step with sources.',
    );
    expect(summarizeCode('import os\n\ndef sync_all(sources):\n    return 1')).toBe('def sync_all(sources):');
  });
});
