import { describe, expect, it } from 'vitest';
import {
  contentTerms,
  monthNumbersIn,
  nameForms,
  namesIn,
  numbersIn,
  spelledNumbersIn,
  spelledOutAcronyms,
  stemLite,
} from '../../../rag/cite/content-terms.ts';

describe('content terms', () => {
  it('brings inflections of a word to one stem', () => {
    for (const group of [
      ['deploy', 'deploys', 'deployed', 'deploying', 'deployment'],
      ['configure', 'configured', 'configuring', 'configuration'],
      ['run', 'runs', 'running'],
      ['policy', 'policies'],
      ['approval', 'approves', 'approved'],
      ['index', 'indexes'],
      ['autocomplete', 'autocompletion', 'autocompleted'],
      ['delete', 'deletion', 'deleted'],
      ['select', 'selection', 'selecting'],
    ]) {
      expect(new Set(group.map(stemLite)), group.join(' ')).toHaveProperty('size', 1);
    }
    expect(stemLite('status')).toBe('status');
    expect(stemLite('total')).toBe('total');
    expect(stemLite('options')).toBe('option');
  });

  it('keeps content words and numbers, dropping stopwords and question words', () => {
    expect(contentTerms('How do I rotate the staging API keys in 2 steps?')).toEqual(['rotat', 'stag', 'api', 'key', '2', 'step']);
  });

  it('reads numbers whole and without citation markers or list numbering', () => {
    expect(numbersIn('1. Keep 1,000 rows for 2.5 days at 10:30 [3][4].')).toEqual(['1000', '2.5', '10:30']);
  });

  it('reads a time on the hour as its hour and drops leading zeros, so one number has one form', () => {
    expect(numbersIn('Opens at 9:00 a.m., closes at 17:30, released 2024-01-05, costs 0.50')).toEqual(['9', '17:30', '2024', '1', '5', '0.50']);
  });

  it('finds names that are capitalised mid-sentence only', () => {
    expect(namesIn('Ask Priya in Slack before March. Deploys run on Tuesdays. As I said [1].')).toEqual(['priya', 'slack', 'march', 'tuesdays']);
  });
});

describe('spelledNumbersIn', () => {
  it('reads numbers written in words as digits, compounds and ordinals included', () => {
    expect(spelledNumbersIn('Every three years staff may take a six-week sabbatical.')).toEqual(['3', '6']);
    expect(spelledNumbersIn('Twenty-four hours, forty five minutes, thirty days, twelve weeks')).toEqual(['24', '45', '30', '12']);
    expect(spelledNumbersIn('on the first Monday and the third Friday')).toEqual(['1', '3']);
  });

  it('leaves digits and words that only contain a number alone', () => {
    expect(spelledNumbersIn('Someone has 3 tenants; the network is often down')).toEqual([]);
  });
});

describe('nameForms', () => {
  it('pairs an abbreviated month or weekday with its full name, both ways', () => {
    expect(nameForms('nov')).toEqual(['nov', 'november']);
    expect(nameForms('september')).toEqual(['september', 'sep', 'sept']);
    expect(nameForms('tue')).toEqual(['tue', 'tuesday']);
    expect(nameForms('grafana')).toEqual(['grafana']);
  });
});

describe('monthNumbersIn', () => {
  it('reads month names and their abbreviations as month numbers', () => {
    expect(monthNumbersIn('From January 15 to Sept 30, not in May or Dec.')).toEqual(['1', '9', '5', '12']);
    expect(monthNumbersIn('Staff may march on')).toEqual([]);
  });
});

describe('spelledOutAcronyms', () => {
  it('gives the initials of every run of capitalised words, with and without the small words inside', () => {
    const acronyms = spelledOutAcronyms('In New York City and the Department of Defense').map(({ acronym }) => acronym);
    expect(acronyms).toEqual(expect.arrayContaining(['nyc', 'inyc', 'dd', 'dod']));
    expect(spelledOutAcronyms('In New York City').find(({ acronym }) => acronym === 'nyc')?.words).toEqual(['new', 'york', 'city']);
    expect(spelledOutAcronyms('nothing capitalised here, or Only one')).toEqual([]);
  });
});
