import { describe, expect, it } from 'vitest';
import { InvalidFilterError, matchesFilter } from '../../../rag/retrieve/metadata-filter.ts';

const chunk = { source: 'notion', year: 2024, public: true, team: 'infra' };

describe('matchesFilter', () => {
  it('treats a bare value as equality, comparing type and value', () => {
    expect(matchesFilter(chunk, { source: 'notion' })).toBe(true);
    expect(matchesFilter(chunk, { source: 'files' })).toBe(false);
    expect(matchesFilter(chunk, { year: '2024' })).toBe(false);
    expect(matchesFilter(chunk, { public: true })).toBe(true);
  });

  it('supports $eq, $ne, $in, $gte and $lte', () => {
    expect(matchesFilter(chunk, { source: { $eq: 'notion' } })).toBe(true);
    expect(matchesFilter(chunk, { source: { $ne: 'notion' } })).toBe(false);
    expect(matchesFilter(chunk, { source: { $in: ['files', 'notion'] } })).toBe(true);
    expect(matchesFilter(chunk, { source: { $in: ['files'] } })).toBe(false);
    expect(matchesFilter(chunk, { year: { $gte: 2024 } })).toBe(true);
    expect(matchesFilter(chunk, { year: { $gte: 2025 } })).toBe(false);
    expect(matchesFilter(chunk, { year: { $lte: 2023 } })).toBe(false);
    expect(matchesFilter(chunk, { team: { $gte: 1 } })).toBe(false);
  });

  it('requires every field of one object, and combines clauses with $and / $or', () => {
    expect(matchesFilter(chunk, { source: 'notion', year: 2023 })).toBe(false);
    expect(matchesFilter(chunk, { $and: [{ source: 'notion' }, { year: { $gte: 2020 } }] })).toBe(true);
    expect(matchesFilter(chunk, { $or: [{ source: 'files' }, { team: 'infra' }] })).toBe(true);
    expect(matchesFilter(chunk, { $or: [{ source: 'files' }, { $and: [{ team: 'infra' }, { year: 1999 }] }] })).toBe(false);
  });

  it('follows Chroma on missing fields: only $ne matches a field the chunk does not have', () => {
    expect(matchesFilter(chunk, { repository: 'acme/app' })).toBe(false);
    expect(matchesFilter(chunk, { repository: { $in: ['acme/app'] } })).toBe(false);
    expect(matchesFilter(chunk, { stars: { $gte: 0 } })).toBe(false);
    expect(matchesFilter(chunk, { repository: { $ne: 'acme/app' } })).toBe(true);
  });

  it('rejects malformed filters instead of silently letting everything through', () => {
    expect(() => matchesFilter(chunk, { source: { $like: 'no%' } } as never)).toThrow(InvalidFilterError);
    expect(() => matchesFilter(chunk, { $not: [{ source: 'notion' }] } as never)).toThrow(InvalidFilterError);
    expect(() => matchesFilter(chunk, { year: { $gte: '2024' } } as never)).toThrow(InvalidFilterError);
    expect(() => matchesFilter(chunk, { source: { $in: 'notion' } } as never)).toThrow(InvalidFilterError);
    expect(() => matchesFilter(chunk, { $and: { source: 'notion' } } as never)).toThrow(InvalidFilterError);
  });
});
