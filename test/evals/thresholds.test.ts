import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatScorecard } from '../../evals/format-scorecard.ts';
import { gateJunit } from '../../evals/gate-junit.ts';
import type { Scorecard } from '../../evals/scorecard.ts';
import { checkThresholds, loadThresholds, parseThresholds, ThresholdsError } from '../../evals/thresholds.ts';
import { tempDir } from '../helpers/temp-dir.ts';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.cleanup());

const CARD: Scorecard = {
  grader: 'offline',
  cases: 10,
  passed: 8,
  failed: 2,
  errors: 0,
  passRate: 0.8,
  metrics: {
    faithfulness: { mean: 0.97, cases: 8, passed: 8, method: 'claims backed' },
    'answer-relevance': { mean: 0.79, cases: 8, passed: 6, method: 'cosine' },
  },
  costUsd: { mean: 0.002, max: 0.012, total: 0.02 },
  latencyMs: { p50: 120, p95: 900, max: 1500 },
  sets: { 'sample-kb': { cases: 10, passed: 8 } },
  failedCases: [{ id: 'x', set: 'sample-kb', reasons: ['answer-relevance 0.2 < 0.5'] }],
};

describe('thresholds', () => {
  it('passes figures at or above their bar and cost/latency strictly below theirs', () => {
    const checks = checkThresholds(
      CARD,
      parseThresholds({ atLeast: { faithfulness: 0.97, 'pass-rate': 0.8 }, below: { 'p95-latency-ms': 1000, 'mean-cost-usd': 0.002 } }, 't.json'),
    );
    expect(checks.map((c) => [c.name, c.passed])).toEqual([
      ['faithfulness', true],
      ['pass-rate', true],
      ['mean-cost-usd', false],
      ['p95-latency-ms', true],
    ]);
  });

  it('fails a raised bar and a metric that no case measured', () => {
    const checks = checkThresholds(
      CARD,
      parseThresholds({ atLeast: { 'answer-relevance': 0.8, 'citation-precision': 0.5 }, below: { 'max-cost-usd': 0.01 } }, 't.json'),
    );
    expect(checks.filter((c) => !c.passed).map((c) => [c.name, c.actual])).toEqual([
      ['answer-relevance', 0.79],
      ['citation-precision', null],
      ['max-cost-usd', 0.012],
    ]);
  });

  it('rejects unknown names, out-of-range values and empty files, naming the file and key', () => {
    expect(() => parseThresholds({ atLeast: { faithfullness: 0.8 } }, 't.json')).toThrow(/t\.json: atLeast "faithfullness"/);
    expect(() => parseThresholds({ atLeast: { faithfulness: 1.5 } }, 't.json')).toThrow(/t\.json: atLeast\.faithfulness: must be between 0 and 1/);
    expect(() => parseThresholds({ below: { 'p95-latency-ms': -1 } }, 't.json')).toThrow(/must be positive/);
    expect(() => parseThresholds({}, 't.json')).toThrow(ThresholdsError);
  });

  it('loads the committed thresholds, which keep the brief’s quality seed', () => {
    const committed = loadThresholds('evals/thresholds.json');
    for (const metric of ['faithfulness', 'answer-relevance', 'context-recall', 'citation-precision', 'abstention-accuracy'] as const) {
      expect(committed.atLeast[metric]).toBeGreaterThanOrEqual(0.8);
    }
    expect(committed.below['max-cost-usd']).toBeLessThanOrEqual(0.01);
    expect(committed.below['p95-latency-ms']).toBeLessThanOrEqual(2000);
  });

  it('says which threshold failed in the scorecard and the JUnit report', () => {
    tmp = tempDir('lore-thresholds-');
    const file = path.join(tmp.dir, 'raised.json');
    fs.writeFileSync(file, JSON.stringify({ atLeast: { 'answer-relevance': 0.8 } }));
    const checks = checkThresholds(CARD, loadThresholds(file));
    expect(formatScorecard(CARD, checks)).toMatch(/GATE FAILED: answer relevance 0\.790 \(needs ≥ 0\.800\)\.$/);
    const junit = gateJunit(CARD, checks, 12);
    expect(junit).toMatch(/<testsuites name="lore-release-gate" tests="1" failures="1"/);
    expect(junit).toMatch(/<failure message="answer relevance 0\.790 \(needs ≥ 0\.800\)" type="threshold">/);
  });
});
