import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GateResult } from '../../app/commands/eval.ts';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.ts';
import { runLore } from '../helpers/run-lore.ts';
import { tempDir } from '../helpers/temp-dir.ts';

// `lore eval` end to end on a three-case golden set: the real CLI starts the real promptfoo, whose provider runs the
// real pipeline (Gemini SDK against the local fake, so the index builds fast), graded offline. The fake model's
// answer is not backed by any passage, so Lore abstains everywhere and abstention accuracy is exactly 2/3.

const GOLDEN = `knowledgeBase: sample
cases:
  - id: backups
    kind: answerable
    question: How long are backups of the data directory kept?
    reference: Backups are kept for at most 30 days.
    sources: [sample-kb/data-handling-policy.txt]
  - id: tungsten
    kind: unanswerable
    question: What is the boiling point of tungsten in kelvin?
  - id: only-notion
    kind: scope
    question: How long are backups of the data directory kept?
    allowedSources: [notion]
    abstain: true
    forbiddenSources: [files]
`;

const tmp = tempDir('lore-gate-');
let gemini: FakeGemini;
let env: Record<string, string>;
const file = (name: string, content: object | string) => {
  const target = path.join(tmp.dir, name);
  fs.writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content));
  return target;
};
const gate = (thresholds: string, reports: string) =>
  runLore(['eval', '--json', '--grader', 'offline', '--golden', path.join(tmp.dir, 'golden'), '--thresholds', thresholds, '--reports', reports], env);

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  fs.mkdirSync(path.join(tmp.dir, 'golden'));
  file('golden/cases.yaml', GOLDEN);
  env = { LORE_DATA_DIR: path.join(tmp.dir, 'data'), LORE_EMBEDDER: 'gemini', GEMINI_API_KEY: 'test-key', GEMINI_BASE_URL: gemini.url };
});
afterAll(async () => {
  await gemini?.close();
  tmp.cleanup();
});

describe('lore eval, the release gate', () => {
  it('prints the scorecard, writes the reports and exits non-zero naming a threshold raised above what is achieved', async () => {
    const reports = path.join(tmp.dir, 'reports');
    // Scope is met (1.0); abstention accuracy is 2/3 by construction, so a bar of 0.7 is above what is achieved.
    const run = await gate(file('raised.json', { atLeast: { scope: 1, 'abstention-accuracy': 0.7 }, below: { 'p95-latency-ms': 60_000 } }), reports);
    expect(run.stderr).toMatch(/GATE FAILED in \d+ s: abstention accuracy 0\.667 \(needs ≥ 0\.700\)\./);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/abstention accuracy\s+0\.667\s+3\s+≥ 0\.700 ✗ FAIL/);
    expect(run.stderr).toMatch(/scope respected\s+1\.000\s+1\s+≥ 1\.000 ✓/);
    expect(run.stderr).toMatch(/p95 latency\s+\d+ ms\s+3\s+< 60000 ms ✓/);

    const result = JSON.parse(run.stdout) as GateResult;
    expect(result).toMatchObject({ passed: false, failedThresholds: ['abstention-accuracy'] });
    expect(result.scorecard).toMatchObject({ grader: 'offline', cases: 3, errors: 0 });
    expect(result.scorecard.metrics['abstention-accuracy']!.mean).toBeCloseTo(2 / 3, 10);
    // The fake model is priced like Gemini: every answer has a cost, and the provider reported it.
    expect(result.scorecard.costUsd.max).toBeGreaterThan(0);

    for (const name of ['promptfoo-results.json', 'promptfoo-results.junit.xml', 'promptfoo-report.html', 'scorecard.json', 'gate.junit.xml']) {
      expect(fs.statSync(path.join(reports, name)).size, name).toBeGreaterThan(0);
    }
    expect(fs.readFileSync(path.join(reports, 'promptfoo-results.junit.xml'), 'utf8')).toMatch(/<testcase[^>]*name="[^"]*tungsten/);
    expect(fs.readFileSync(path.join(reports, 'gate.junit.xml'), 'utf8')).toMatch(
      /tests="3" failures="1"[\s\S]*<failure message="abstention accuracy 0\.667/,
    );
    expect(JSON.parse(fs.readFileSync(path.join(reports, 'scorecard.json'), 'utf8'))).toMatchObject({
      passed: false,
      failedThresholds: ['abstention-accuracy'],
    });
  }, 180_000);

  it('refuses a bad thresholds file before starting anything', async () => {
    const run = await gate(file('bad.json', { atLeast: { faithfullness: 0.9 } }), path.join(tmp.dir, 'reports-bad'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bad\.json: atLeast "faithfullness"/);
    expect(fs.existsSync(path.join(tmp.dir, 'reports-bad'))).toBe(false);
  });
});
