import { describe, expect, it } from 'vitest';
import { buildScorecard, percentile, ResultsFileError } from '../../evals/scorecard.ts';

// The shape promptfoo 0.121 writes with `-o results.json` (trimmed to what the scorecard reads).
function result(id: string, set: string, response: { cost: number; latencyMs: number } | null, components: object[], extra: object = {}) {
  const success = components.every((c) => (c as { pass: boolean }).pass);
  return {
    success,
    failureReason: success ? 0 : 1,
    error: success ? undefined : 'an assertion failed',
    testCase: { description: id, metadata: { caseId: id, set } },
    response,
    gradingResult: { componentResults: components },
    ...extra,
  };
}
const graded = (metric: string, score: number, pass: boolean, applicable = true) => ({
  pass,
  score,
  reason: `${metric} ${score}`,
  assertion: { metric },
  metadata: { metric, grader: 'offline', applicable },
});

const OUTPUT = {
  results: {
    results: [
      result('a', 'sample-kb', { cost: 0.002, latencyMs: 100 }, [graded('faithfulness', 1, true), graded('abstention-accuracy', 1, true)]),
      result('b', 'sample-kb', { cost: 0.004, latencyMs: 300 }, [graded('faithfulness', 0.5, true), graded('abstention-accuracy', 0, false)]),
      // Faithfulness does not apply to an abstention: it must not count as 1 in the mean.
      result('c', 'docs-qa', { cost: 0, latencyMs: 200 }, [graded('faithfulness', 1, true, false), graded('abstention-accuracy', 1, true)]),
      result('d', 'docs-qa', null, [], { success: false, failureReason: 2, error: 'provider crashed' }),
    ],
  },
};

describe('the scorecard', () => {
  const card = buildScorecard(OUTPUT);

  it('averages each metric over the cases it applies to', () => {
    expect(card.metrics.faithfulness).toMatchObject({ mean: 0.75, cases: 2, passed: 2 });
    expect(card.metrics['abstention-accuracy']).toMatchObject({ mean: 2 / 3, cases: 3, passed: 2 });
    expect(card.metrics.faithfulness!.method).toMatch(/deterministic/);
  });

  it('counts passes, failures and cases that could not run', () => {
    expect(card).toMatchObject({ grader: 'offline', cases: 4, passed: 2, failed: 2, errors: 1, passRate: 0.5 });
    expect(card.sets).toEqual({ 'sample-kb': { cases: 2, passed: 1 }, 'docs-qa': { cases: 2, passed: 1 } });
    expect(card.failedCases).toEqual([
      { id: 'b', set: 'sample-kb', reasons: ['abstention-accuracy 0'] },
      { id: 'd', set: 'docs-qa', reasons: ['error: provider crashed'] },
    ]);
  });

  it("reports cost and latency of Lore's answers, not of cases that never ran", () => {
    expect(card.costUsd.mean).toBeCloseTo(0.002, 10);
    expect(card.costUsd).toMatchObject({ max: 0.004 });
    expect(card.latencyMs).toEqual({ p50: 200, p95: 300, max: 300 });
  });

  it('refuses a file that is not promptfoo output', () => {
    expect(() => buildScorecard({ results: {} })).toThrow(ResultsFileError);
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.95)).toBe(95);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile([], 0.95)).toBe(0);
  });
});
