import { describe, expect, it } from 'vitest';
import { extractDates, extractEmails, extractEntities, extractNames, extractUrls } from '../../../rag/enrich/extract-entities.ts';

describe('extractDates', () => {
  it('reads ISO, written-out and day-first dates as ISO dates, in order of appearance', () => {
    const text =
      'Released 2024-03-01T10:00:00Z, patched on March 3, 2024, reviewed 3 Mar 2024 and again on the 21st of September 2023; audit due 2025/01/15.';
    expect(extractDates(text)).toEqual(['2024-03-01', '2024-03-03', '2023-09-21', '2025-01-15']);
  });

  it('keeps month-only dates as year-month and drops impossible dates and version numbers', () => {
    expect(extractDates('Planned for Sept. 2025. Not dates: 2024-02-30, 1.2.3, 2024-13-01, v2024.')).toEqual(['2025-09']);
  });

  it('lists a repeated date once', () => {
    expect(extractDates('On 2024-05-01 and again on May 1, 2024.')).toEqual(['2024-05-01']);
  });
});

describe('extractUrls and extractEmails', () => {
  it('finds URLs without the punctuation or Markdown around them', () => {
    const text =
      'See https://example.com/docs/setup. Also [the wiki](https://wiki.example.com/page_(v2)) and www.example.org, or http://a.b/c?x=1&y=2!';
    expect(extractUrls(text)).toEqual([
      'https://example.com/docs/setup',
      'https://wiki.example.com/page_(v2)',
      'www.example.org',
      'http://a.b/c?x=1&y=2',
    ]);
  });

  it('finds email addresses', () => {
    expect(extractEmails('Write to support@acme.io or jane.doe+kb@mail.example.co.uk, not to @handles.')).toEqual([
      'support@acme.io',
      'jane.doe+kb@mail.example.co.uk',
    ]);
  });
});

describe('extractNames', () => {
  it('finds a person and an organisation', () => {
    const { people, organizations } = extractNames(
      'Last week Sarah Connor met the security team at the World Health Organization to review the audit.',
    );
    expect(people).toContain('Sarah Connor');
    expect(organizations).toContain('World Health Organization');
  });

  it('drops honorifics and possessives from names', () => {
    const { people } = extractNames("Dr. Alice Johnson approved it. Alice Johnson's notes are in the wiki.");
    expect(people).toEqual(['Alice Johnson']);
  });

  it('finds nothing in text without capitalised names', () => {
    expect(extractNames('the deploy failed twice and was rolled back by the on-call engineer.')).toEqual({ people: [], organizations: [] });
  });
});

describe('extractEntities', () => {
  it('skips people and organisations when names are not wanted (code)', () => {
    const entities = extractEntities('// Written by Sarah Connor at Google on 2024-01-02, see https://x.io', { names: false });
    expect(entities).toEqual({ dates: ['2024-01-02'], urls: ['https://x.io'], emails: [], people: [], organizations: [] });
  });
});
