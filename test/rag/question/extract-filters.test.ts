import { describe, expect, it } from 'vitest';
import { findDatePhrases } from '../../../rag/question/date-phrases.ts';
import { extractFilters } from '../../../rag/question/extract-filters.ts';

// A Wednesday, mid-morning UTC.
const NOW = new Date('2024-09-18T10:00:00Z');
const iso = (date: string): string => new Date(date).toISOString();

describe('extractFilters: sources', () => {
  it.each([
    ['How do we deploy the API in Notion?', ['notion'], 'How do we deploy the API?'],
    ['What is our deploy process, according to the Notion docs?', ['notion'], 'What is our deploy process?'],
    ['On GitHub, what are the open issues about SSO?', ['github'], 'What are the open issues about SSO?'],
    ['What do the GitHub issues say?', [], 'What do the GitHub issues say?'],
    ['Which decisions are in the Notion pages about pricing?', ['notion'], 'Which decisions are about pricing?'],
    ['Summarise the security policy from the uploaded files', ['upload'], 'Summarise the security policy'],
    ['search notion or github for the vacation policy', ['notion', 'github'], 'the vacation policy'],
  ])('%j asks for %j', (question, sources, text) => {
    const result = extractFilters(question, NOW);
    expect(result.filters.sources ?? []).toEqual(sources);
    expect(result.text).toBe(text);
  });

  it('does not read a mention of a tool as a place to search', () => {
    for (const question of ['How do I connect Notion to Slack?', 'Why does the Notion sync fail on large pages?', 'Is GitHub down?']) {
      expect(extractFilters(question, NOW)).toEqual({ filters: {}, text: question, phrases: [] });
    }
  });

  it('does not treat "the docs" as a source', () => {
    const question = 'What does the onboarding guide say in the docs?';
    expect(extractFilters(question, NOW).filters).toEqual({});
  });

  it('keeps the question whole when removing the phrase would leave nothing to ask', () => {
    expect(extractFilters('What is in Notion?', NOW)).toEqual({
      filters: { sources: ['notion'] },
      text: 'What is in Notion?',
      phrases: ['in Notion'],
    });
  });
});

describe('extractFilters: dates', () => {
  it.each([
    ['What changed since March 2024?', { modifiedAfter: iso('2024-03-01') }, 'What changed?'],
    [
      'What did we decide about pricing in 2023?',
      { modifiedAfter: iso('2023-01-01'), modifiedBefore: iso('2024-01-01') },
      'What did we decide about pricing?',
    ],
    ['What changed last week?', { modifiedAfter: iso('2024-09-09'), modifiedBefore: iso('2024-09-16') }, 'What changed?'],
    ['What changed in the last 30 days?', { modifiedAfter: iso('2024-08-19T10:00:00Z') }, 'What changed?'],
    ['Which incidents happened after 2024-01-01?', { modifiedAfter: iso('2024-01-02') }, 'Which incidents happened?'],
    ['Which RFCs were written before June?', { modifiedBefore: iso('2024-06-01') }, 'Which RFCs were written?'],
    [
      'Which runbooks changed between January 2024 and March 2024?',
      { modifiedAfter: iso('2024-01-01'), modifiedBefore: iso('2024-04-01') },
      'Which runbooks changed?',
    ],
    ['What shipped in Q2?', { modifiedAfter: iso('2024-04-01'), modifiedBefore: iso('2024-07-01') }, 'What shipped?'],
    ['In 2023, what did we ship?', { modifiedAfter: iso('2023-01-01'), modifiedBefore: iso('2024-01-01') }, 'What did we ship?'],
    ['What was updated yesterday?', { modifiedAfter: iso('2024-09-17'), modifiedBefore: iso('2024-09-18') }, 'What was updated?'],
  ])('%j', (question, filters, text) => {
    const result = extractFilters(question, NOW);
    expect(result.filters).toEqual(filters);
    expect(result.text).toBe(text);
  });

  it('resolves a month without a year to the latest one that has begun', () => {
    expect(extractFilters('What changed since October?', NOW).filters).toEqual({ modifiedAfter: iso('2023-10-01') });
    expect(extractFilters('What changed since March?', NOW).filters).toEqual({ modifiedAfter: iso('2024-03-01') });
  });

  it('depends on the given now, not the clock', () => {
    expect(extractFilters('What changed this year?', new Date('2031-05-05T00:00:00Z')).filters).toEqual({ modifiedAfter: iso('2031-01-01') });
  });

  it('narrows to the overlap of several date phrases', () => {
    expect(extractFilters('What changed in 2024 before June?', NOW).filters).toEqual({
      modifiedAfter: iso('2024-01-01'),
      modifiedBefore: iso('2024-06-01'),
    });
  });

  it('ignores numbers and words that only look like dates', () => {
    for (const question of [
      'Why is the p95 latency over 2000 ms?',
      'What may I deploy on Friday?',
      "What was said in today's standup?",
      'What is the 2024 roadmap?',
      'Can we support 2048 tokens in the prompt?',
    ]) {
      expect(extractFilters(question, NOW).filters).toEqual({});
    }
  });

  it('reads a month without a year as the time of what is asked about, unless the question asks what changed then', () => {
    for (const question of [
      'having a baby in march — how long do i have to change my health plan?',
      'can i still submit claims in February?',
      'is the office open on December 24?',
      'do we get a holiday in Q4?',
    ]) {
      expect(extractFilters(question, NOW).filters).toEqual({});
    }
    expect(extractFilters('What was updated in March?', NOW).filters).toEqual({
      modifiedAfter: iso('2024-03-01'),
      modifiedBefore: iso('2024-04-01'),
    });
    expect(extractFilters('is the office open in December 2023?', NOW).filters).toEqual({
      modifiedAfter: iso('2023-12-01'),
      modifiedBefore: iso('2024-01-01'),
    });
  });

  it('rejects days that do not exist', () => {
    expect(findDatePhrases('since 2024-02-30', NOW)).toEqual([]);
  });
});

describe('extractFilters: repositories', () => {
  it.each([
    ['How is auth done in acme/api?', 'acme/api', 'How is auth done?'],
    ['What is the release checklist for repo acme/web?', 'acme/web', 'What is the release checklist?'],
    ['What changed this year in the Acme/API repo?', 'acme/api', 'What changed?'],
    ['What are the docs on github.com/acme/api about rate limits?', 'acme/api', 'What are the docs about rate limits?'],
  ])('%j names %j', (question, repository, text) => {
    const result = extractFilters(question, NOW);
    expect(result.filters.repository).toBe(repository);
    expect(result.text).toBe(text);
  });

  it('does not mistake paths and slash pairs for repositories', () => {
    for (const question of [
      'What does the helper in src/utils do?',
      'How does CI/CD work?',
      'What is in docs/guide.md?',
      'Can I use TCP/IP here?',
      'Is it 3/4 done?',
      'can i still submit claims against last year’s money in feb/march?',
      'is the rota mon/tue this week?',
    ]) {
      expect(extractFilters(question, NOW).filters.repository).toBeUndefined();
    }
  });
});

describe('extractFilters: combined', () => {
  it('finds source, dates and repository together and removes them all', () => {
    const result = extractFilters('What changed in the Notion pages since March 2024?', NOW);
    expect(result).toEqual({
      filters: { sources: ['notion'], modifiedAfter: iso('2024-03-01') },
      text: 'What changed?',
      phrases: ['in the Notion pages', 'since March 2024'],
    });
  });

  it('returns a question without filters unchanged', () => {
    expect(extractFilters('How do I request a new laptop?', NOW)).toEqual({ filters: {}, text: 'How do I request a new laptop?', phrases: [] });
  });
});
