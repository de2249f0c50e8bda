import { describe, expect, it } from 'vitest';
import { expandQuery } from '../../../rag/question/expand-query.ts';

describe('expandQuery', () => {
  it('adds the long form of abbreviations and the short form of long names', () => {
    expect(expandQuery('How do I set up k8s auth?')).toEqual(['kubernetes', 'authentication']);
    expect(expandQuery('Where is the Kubernetes documentation?')).toEqual(['k8s', 'docs']);
    expect(expandQuery('Who reviews a PR in this repo?')).toEqual(['pull request', 'merge request', 'repository']);
    expect(expandQuery('How much PTO do I get?')).toEqual(['paid time off', 'time off']);
  });

  it('matches multi-word and punctuated terms whatever the punctuation', () => {
    expect(expandQuery('how do we do single sign on')).toEqual(['SSO']);
    expect(expandQuery('Who is oncall this week?')).toEqual(['on-call']);
    expect(expandQuery('How does CI/CD work?')).toEqual(['continuous integration', 'continuous deployment']);
  });

  it('never returns the query or a term it already contains', () => {
    const query = 'kubernetes k8s config';
    const expansions = expandQuery(query);
    expect(expansions).toEqual(['configuration']);
    expect(expansions).not.toContain(query);
    expect(expandQuery('repository repo')).toEqual([]);
  });

  it('does not match inside words', () => {
    expect(expandQuery('What does the prodigy script do?')).toEqual([]);
    expect(expandQuery('Where are the devices listed?')).toEqual([]);
    expect(expandQuery('deploy the application')).toEqual(['app']);
  });

  it('returns nothing for questions without known terms', () => {
    expect(expandQuery('How do I request a new laptop?')).toEqual([]);
    expect(expandQuery('')).toEqual([]);
  });

  it('uses a custom vocabulary when given one', () => {
    expect(expandQuery('Where is the OOO calendar?', [['OOO', 'out of office']])).toEqual(['out of office']);
    expect(expandQuery('How do I set up k8s?', [['OOO', 'out of office']])).toEqual([]);
  });
});
