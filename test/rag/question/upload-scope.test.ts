import { describe, expect, it } from 'vitest';
import { buildSearchQuery } from '../../../rag/question/build-search-query.ts';
import { matchesFilter } from '../../../rag/retrieve/metadata-filter.ts';
import type { Question } from '../../../rag/types.ts';

const NOW = new Date('2024-09-18T10:00:00Z');
const TEXT = 'What does the onboarding checklist say?';
const build = (extra: Partial<Question>) => buildSearchQuery({ text: TEXT, ...extra }, TEXT, NOW);

const fromChannel = { source: 'upload', uploadScope: 'slack:C1' };
const fromOtherChannel = { source: 'upload', uploadScope: 'slack:C2' };
const unscopedUpload = { source: 'upload' };
const notionPage = { source: 'notion' };
const verifiedHere = { source: 'verified', uploadScope: 'slack:C1' };
const verifiedElsewhere = { source: 'verified', uploadScope: 'slack:C2' };

describe('upload scope in the search query', () => {
  it('lets a channel see its own uploads and every other source, but not uploads from other channels', () => {
    const query = build({ uploadScope: 'slack:C1' });
    expect(query.where).toEqual({
      $or: [{ $and: [{ source: { $ne: 'upload' } }, { source: { $ne: 'verified' } }] }, { uploadScope: { $eq: 'slack:C1' } }],
    });
    expect(matchesFilter(fromChannel, query.where!)).toBe(true);
    expect(matchesFilter(notionPage, query.where!)).toBe(true);
    expect(matchesFilter(fromOtherChannel, query.where!)).toBe(false);
    expect(matchesFilter(unscopedUpload, query.where!)).toBe(false);
  });

  it("scopes verified answers the same way: a channel's own, never another channel's", () => {
    const query = build({ uploadScope: 'slack:C1', allowedSources: ['files', 'verified'] });
    expect(query.where).toEqual({
      $and: [{ source: { $in: ['files', 'verified'] } }, { $or: [{ source: { $ne: 'verified' } }, { uploadScope: { $eq: 'slack:C1' } }] }],
    });
    expect(matchesFilter(verifiedHere, query.where!)).toBe(true);
    expect(matchesFilter(verifiedElsewhere, query.where!)).toBe(false);
  });

  it('combines with the channel scope when uploads are among the allowed sources', () => {
    const query = build({ uploadScope: 'slack:C1', allowedSources: ['files', 'upload'] });
    expect(query.where).toEqual({
      $and: [{ source: { $in: ['files', 'upload'] } }, { $or: [{ source: { $ne: 'upload' } }, { uploadScope: { $eq: 'slack:C1' } }] }],
    });
    expect(matchesFilter(fromChannel, query.where!)).toBe(true);
    expect(matchesFilter(notionPage, query.where!)).toBe(false);
    expect(matchesFilter(fromOtherChannel, query.where!)).toBe(false);
  });

  it('adds nothing when uploads are not searched at all', () => {
    expect(build({ uploadScope: 'slack:C1', allowedSources: ['notion'] }).where).toEqual({ source: { $in: ['notion'] } });
  });

  it('leaves operator questions without an upload scope unrestricted', () => {
    expect(build({}).where).toBeUndefined();
  });
});
