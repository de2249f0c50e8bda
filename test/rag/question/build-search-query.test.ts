import { describe, expect, it } from 'vitest';
import { buildSearchQuery } from '../../../rag/question/build-search-query.ts';
import type { MetadataFilter, Question } from '../../../rag/types.ts';

const NOW = new Date('2024-09-18T10:00:00Z');
const ms = (date: string): number => Date.parse(date);
const ask = (text: string, extra: Partial<Question> = {}): Question => ({ text, ...extra });

describe('buildSearchQuery', () => {
  it('passes a plain question through with no filter', () => {
    const query = buildSearchQuery(ask('How do I request a new laptop?'), 'How do I request a new laptop?', NOW);
    expect(query).toEqual({ text: 'How do I request a new laptop?', expansions: [], filters: {}, blockedSources: [], emptyScope: false });
    expect(query.where).toBeUndefined();
  });

  it('searches the standalone text without its filter phrases, with expansions', () => {
    const query = buildSearchQuery(ask('and in Notion?'), 'How do I set up k8s auth in Notion?', NOW);
    expect(query.text).toBe('How do I set up k8s auth?');
    expect(query.expansions).toEqual(['kubernetes', 'authentication']);
    expect(query.where).toEqual({ source: { $in: ['notion'] } });
  });

  it('searches chat shorthand spelled out, as documents write it', () => {
    const query = buildSearchQuery(ask('what pw manager are we supposed to use?'), 'what pw manager are we supposed to use?', NOW);
    expect(query.text).toBe('what password manager are we supposed to use?');
    expect(buildSearchQuery(ask('c.req.header() returns undefined'), 'c.req.header() returns undefined', NOW).text).toBe(
      'c.req.header() returns undefined',
    );
  });

  it('offers a wider search without the dates and repository read from the question, keeping scope and explicit filters', () => {
    const query = buildSearchQuery(
      ask('How is auth done in repo acme/api since 2023?', {
        allowedSources: ['github', 'notion'],
        filters: { modifiedBefore: '2024-06-01T00:00:00Z' },
      }),
      'How is auth done in repo acme/api since 2023?',
      NOW,
    );
    expect(query.filters.repository).toBe('acme/api');
    expect(query.widened).toEqual({
      text: 'How is auth done?',
      expansions: ['authentication'],
      where: {
        $and: [{ source: { $in: ['github', 'notion'] } }, { modifiedAtMs: { $gte: 1 } }, { modifiedAtMs: { $lte: ms('2024-06-01T00:00:00Z') - 1 } }],
      },
    });
    expect(buildSearchQuery(ask('How is auth done?', { filters: { repository: 'acme/api' } }), 'How is auth done?', NOW).widened).toBeUndefined();
  });

  it('always limits the search to the channel scope', () => {
    const query = buildSearchQuery(ask('What is the vacation policy?', { allowedSources: ['notion', 'files'] }), 'What is the vacation policy?', NOW);
    expect(query.where).toEqual({ source: { $in: ['notion', 'files'] } });
    expect(query.emptyScope).toBe(false);
  });

  it('intersects requested sources with the scope, never widening it', () => {
    const query = buildSearchQuery(
      ask('What is the vacation policy in Notion or GitHub?', { allowedSources: ['notion', 'files'] }),
      'What is the vacation policy in Notion or GitHub?',
      NOW,
    );
    expect(query.where).toEqual({ source: { $in: ['notion'] } });
    expect(query.blockedSources).toEqual(['github']);
    expect(query.emptyScope).toBe(false);
  });

  it('matches nothing when the only requested source is outside the scope', () => {
    const query = buildSearchQuery(
      ask('What are the open issues on GitHub?', { allowedSources: ['notion'] }),
      'What are the open issues on GitHub?',
      NOW,
    );
    expect(query.where).toEqual({ source: { $in: [] } });
    expect(query.blockedSources).toEqual(['github']);
    expect(query.emptyScope).toBe(true);
  });

  it('matches nothing for a channel that may see no source', () => {
    const query = buildSearchQuery(ask('What is SSO?', { allowedSources: [] }), 'What is SSO?', NOW);
    expect(query.where).toEqual({ source: { $in: [] } });
    expect(query.emptyScope).toBe(true);
  });

  it('prefers explicit filters to the ones stated in the question, field by field', () => {
    const query = buildSearchQuery(
      ask('What changed in Notion since March 2024?', { filters: { sources: ['files'] } }),
      'What changed in Notion since March 2024?',
      NOW,
    );
    expect(query.filters).toEqual({ sources: ['files'], modifiedAfter: new Date('2024-03-01').toISOString() });
    expect(query.where).toEqual({ $and: [{ source: { $in: ['files'] } }, { modifiedAtMs: { $gte: ms('2024-03-01') } }] });
  });

  it('still applies the scope to explicit sources', () => {
    const query = buildSearchQuery(ask('What is SSO?', { filters: { sources: ['github'] }, allowedSources: ['notion'] }), 'What is SSO?', NOW);
    expect(query.emptyScope).toBe(true);
    expect(query.blockedSources).toEqual(['github']);
  });

  it('filters dates on the numeric modifiedAtMs, one operator per condition, end exclusive', () => {
    const query = buildSearchQuery(ask('What did we decide in 2023?'), 'What did we decide in 2023?', NOW);
    const expected: MetadataFilter = { $and: [{ modifiedAtMs: { $gte: ms('2023-01-01') } }, { modifiedAtMs: { $lte: ms('2024-01-01') - 1 } }] };
    expect(query.where).toEqual(expected);
  });

  it('keeps documents of unknown date (modifiedAtMs 0) out of an upper-bounded date filter', () => {
    const query = buildSearchQuery(ask('Which RFCs were written before June?'), 'Which RFCs were written before June?', NOW);
    expect(query.where).toEqual({ $and: [{ modifiedAtMs: { $gte: 1 } }, { modifiedAtMs: { $lte: ms('2024-06-01') - 1 } }] });
  });

  it('takes explicit ISO dates and rejects ones that are not dates', () => {
    const query = buildSearchQuery(ask('What changed?', { filters: { modifiedAfter: '2024-05-01' } }), 'What changed?', NOW);
    expect(query.where).toEqual({ modifiedAtMs: { $gte: ms('2024-05-01') } });
    expect(() => buildSearchQuery(ask('What changed?', { filters: { modifiedBefore: 'next Tuesday' } }), 'What changed?', NOW)).toThrow(
      /filters\.modifiedBefore must be an ISO date, got "next Tuesday"/,
    );
  });

  it('filters a repository on its lower-case name and implies GitHub', () => {
    const query = buildSearchQuery(ask('How is auth done in Acme/API?'), 'How is auth done in Acme/API?', NOW);
    expect(query.where).toEqual({ $and: [{ source: { $in: ['github'] } }, { repository: { $eq: 'acme/api' } }] });
    expect(query.expansions).toEqual(['authentication']);

    const scoped = buildSearchQuery(ask('How is auth done in acme/api?', { allowedSources: ['notion'] }), 'How is auth done in acme/api?', NOW);
    expect(scoped.emptyScope).toBe(true);
    expect(scoped.blockedSources).toEqual(['github']);
  });

  it("keeps a filter from the asker's words when the rewrite dropped it", () => {
    const query = buildSearchQuery(ask('and what about it in Notion?'), 'What is the Renovate policy?', NOW);
    expect(query.text).toBe('What is the Renovate policy?');
    expect(query.where).toEqual({ source: { $in: ['notion'] } });
  });
});
