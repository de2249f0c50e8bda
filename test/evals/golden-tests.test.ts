import { describe, expect, it } from 'vitest';
import * as assertions from '../../evals/assertions.ts';
import type { GoldenCase } from '../../evals/golden/golden-case.ts';
import { graderMode } from '../../app/config.ts';
import goldenTests, { metricsFor, testFor } from '../../evals/golden-tests.ts';
import { loadGoldenSet } from '../../evals/golden/load-golden-set.ts';

const base: GoldenCase = {
  id: 'c',
  set: 's',
  knowledgeBase: 'sample',
  kind: 'answerable',
  question: 'How long are backups kept?',
  reference: '30 days.',
  sources: [['sample-kb/a.md']],
  abstain: false,
  facts: [],
  forbidden: [],
  forbiddenSources: [],
  status: 'ready',
};

describe('promptfoo test cases from the golden set', () => {
  it('grades answers on every quality metric and abstentions on abstaining', () => {
    expect(metricsFor(base, 'offline')).toEqual([
      'abstention-accuracy',
      'faithfulness',
      'answer-relevance',
      'citation-precision',
      'context-recall',
      'correctness',
    ]);
    expect(metricsFor({ ...base, kind: 'unanswerable', abstain: true, reference: undefined, sources: [] }, 'offline')).toEqual([
      'abstention-accuracy',
    ]);
    expect(metricsFor(base, 'llm')).toContain('context-relevance');
    expect(metricsFor({ ...base, facts: ['30 days'], forbidden: ['pineapple'], forbiddenSources: ['notion'] }, 'offline')).toEqual(
      expect.arrayContaining(['facts', 'injection', 'scope']),
    );
  });

  it('points every assertion at an export of evals/assertions.ts and carries the case for the provider', () => {
    const test = testFor({ ...base, facts: ['x'], forbidden: ['y'], forbiddenSources: ['notion'] }, 'llm');
    expect(test.vars).toMatchObject({ question: base.question, golden: { id: 'c' } });
    for (const assertion of test.assert ?? []) {
      const [, name] = /:(\w+)$/.exec(String((assertion as { value: string }).value))!;
      expect(typeof (assertions as Record<string, unknown>)[name!], name).toBe('function');
      expect(assertion).toMatchObject({ type: 'javascript', config: { grader: 'llm' } });
    }
  });

  it('turns the committed golden set into one test per ready case', async () => {
    const tests = await goldenTests({ grader: 'offline' });
    expect(tests.length).toBe(loadGoldenSet('datasets/golden').cases.length);
    expect(new Set(tests.map((t) => t.description)).size).toBe(tests.length);
  });

  it('grades with the LLM only when keyed, unless told otherwise', () => {
    expect(graderMode(undefined, {})).toBe('offline');
    expect(graderMode('auto', { GEMINI_API_KEY: 'k' })).toBe('llm');
    expect(graderMode('offline', { GEMINI_API_KEY: 'k' })).toBe('offline');
    expect(() => graderMode('gpt', {})).toThrow(/LORE_EVAL_GRADER must be offline, llm or auto/);
  });
});
