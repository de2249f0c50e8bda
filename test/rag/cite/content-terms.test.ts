import { describe, expect, it } from 'vitest';
import { contentTerms, nameForms, namesIn, numbersIn, spelledNumbersIn, stemLite } from '../../../rag/cite/content-terms.ts';

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
    expect(numbersIn('1. Keep 1,000 rows for 2.5 days at 10:00 [3][4].')).toEqual(['1000', '2.5', '10:00']);
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
