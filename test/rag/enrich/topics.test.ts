import { describe, expect, it } from 'vitest';
import { DEFAULT_TOPICS, matchTopics, parseTopicTaxonomy, type TopicTaxonomy } from '../../../rag/enrich/topics.ts';

const taxonomy: TopicTaxonomy = {
  kitchen: ['coffee machine', 'dishwasher', 'snack*'],
  travel: ['flight', 'hotel', 'per diem'],
  languages: ['c++', '.net'],
};

describe('matchTopics', () => {
  it('matches keywords and phrases of a custom taxonomy case-insensitively, most mentioned first', () => {
    const text = 'Book the HOTEL and the flight early. The Coffee\nMachine is broken; refill the coffee machine after the flight.';
    expect(matchTopics(text, taxonomy)).toEqual(['travel', 'kitchen']);
  });

  it('matches on word boundaries only, with * for longer forms', () => {
    expect(matchTopics('The hotelier booked a flightless bird.', taxonomy)).toEqual([]);
    expect(matchTopics('No preflight checks at the superhotel.', taxonomy)).toEqual([]);
    expect(matchTopics('Snacks are in the drawer.', taxonomy)).toEqual(['kitchen']);
  });

  it('handles keywords made of symbols', () => {
    expect(matchTopics('We port C++ services to .NET this year.', taxonomy)).toEqual(['languages']);
  });

  it('has a default taxonomy for a team knowledge base', () => {
    expect(Object.keys(DEFAULT_TOPICS)).toEqual(
      expect.arrayContaining(['engineering', 'security', 'onboarding', 'billing', 'deployment', 'api', 'product', 'hr', 'legal', 'support']),
    );
    expect(matchTopics('Rotate the API keys and enable two-factor authentication before the release.', DEFAULT_TOPICS)).toEqual(
      expect.arrayContaining(['security', 'api', 'deployment']),
    );
  });

  it('limits the number of topics returned', () => {
    expect(matchTopics('hotel coffee machine c++', taxonomy, 2)).toHaveLength(2);
  });
});

describe('parseTopicTaxonomy', () => {
  it('accepts a well-formed taxonomy and rejects malformed ones with a clear message', () => {
    expect(parseTopicTaxonomy({ a: ['x'] })).toEqual({ a: ['x'] });
    expect(() => parseTopicTaxonomy(['x'], 'topics.json')).toThrow(/topics\.json: expected an object/);
    expect(() => parseTopicTaxonomy({ a: 'x' }, 'topics.json')).toThrow(/topic "a" must map to a list/);
    expect(() => parseTopicTaxonomy({ a: ['ok', ''] })).toThrow(/topic "a"/);
  });
});
