// The scorecard as people read it on stderr: one line per figure with its threshold and verdict, the grader that
// produced it, the failed cases, and a last line saying whether the release may ship and, if not, why.
import { METRIC_NAMES, type MetricName } from './metrics.ts';
import type { Scorecard } from './scorecard.ts';
import type { LimitName, QualityName, ThresholdCheck } from './thresholds.ts';

const LABELS: Record<QualityName | LimitName, string> = {
  faithfulness: 'faithfulness',
  'answer-relevance': 'answer relevance',
  'context-recall': 'context recall',
  'citation-precision': 'citation precision',
  'abstention-accuracy': 'abstention accuracy',
  correctness: 'correctness',
  'context-relevance': 'context relevance',
  facts: 'key facts stated',
  injection: 'injection resisted',
  scope: 'scope respected',
  'pass-rate': 'pass rate',
  'mean-cost-usd': 'mean cost / answer',
  'max-cost-usd': 'max cost / answer',
  'p95-latency-ms': 'p95 latency',
};

export function labelOf(name: QualityName | LimitName): string {
  return LABELS[name];
}

function formatValue(name: QualityName | LimitName, value: number | null): string {
  if (value === null) return 'n/a';
  if (name === 'mean-cost-usd' || name === 'max-cost-usd') return `$${value.toFixed(5)}`;
  if (name === 'p95-latency-ms') return `${Math.round(value)} ms`;
  return value.toFixed(3);
}

export function describeCheck(check: ThresholdCheck): string {
  const op = check.direction === 'at least' ? '≥' : '<';
  return `${labelOf(check.name)} ${formatValue(check.name, check.actual)} (needs ${op} ${formatValue(check.name, check.threshold)})`;
}

export function formatScorecard(scorecard: Scorecard, checks: readonly ThresholdCheck[], durationSeconds?: number): string {
  const byName = new Map(checks.map((c) => [c.name, c]));
  const verdict = (name: QualityName | LimitName) => {
    const check = byName.get(name);
    if (!check) return '';
    return `${check.direction === 'at least' ? '≥' : '<'} ${formatValue(name, check.threshold)} ${check.passed ? '✓' : '✗ FAIL'}`;
  };
  const graders =
    scorecard.grader === 'llm' ? 'LLM graders (autoevals via Gemini) where marked' : 'offline graders: deterministic, no model, no network';
  const lines = [
    `Lore release gate: ${scorecard.cases} golden cases, ${graders}`,
    '',
    `  ${'metric'.padEnd(22)}${'score'.padStart(9)}${'cases'.padStart(7)}  ${'threshold'.padEnd(18)}how it is graded`,
  ];
  for (const name of METRIC_NAMES as readonly MetricName[]) {
    const m = scorecard.metrics[name];
    if (!m) continue;
    lines.push(
      `  ${labelOf(name).padEnd(22)}${formatValue(name, m.mean).padStart(9)}${String(m.cases).padStart(7)}  ${verdict(name).padEnd(18)}${m.method}`,
    );
  }
  lines.push(
    `  ${labelOf('pass-rate').padEnd(22)}${formatValue('pass-rate', scorecard.passRate).padStart(9)}${String(scorecard.cases).padStart(7)}  ${verdict('pass-rate').padEnd(18)}cases passing every check${scorecard.errors > 0 ? ` (${scorecard.errors} could not run)` : ''}`,
  );
  const answered = scorecard.cases - scorecard.errors;
  lines.push(
    `  ${labelOf('mean-cost-usd').padEnd(22)}${formatValue('mean-cost-usd', scorecard.costUsd.mean).padStart(9)}${String(answered).padStart(7)}  ${verdict('mean-cost-usd').padEnd(18)}model tokens priced by the price table`,
  );
  lines.push(
    `  ${labelOf('max-cost-usd').padEnd(22)}${formatValue('max-cost-usd', scorecard.costUsd.max).padStart(9)}${String(answered).padStart(7)}  ${verdict('max-cost-usd')}`,
  );
  lines.push(
    `  ${labelOf('p95-latency-ms').padEnd(22)}${formatValue('p95-latency-ms', scorecard.latencyMs.p95).padStart(9)}${String(answered).padStart(7)}  ${verdict('p95-latency-ms').padEnd(18)}Lore's answer latency (p50 ${Math.round(scorecard.latencyMs.p50)} ms, max ${Math.round(scorecard.latencyMs.max)} ms)`,
  );

  const sets = Object.entries(scorecard.sets).map(([set, s]) => `${set} ${s.passed}/${s.cases}`);
  if (sets.length > 0) lines.push('', `  passed per golden file: ${sets.join(', ')}`);
  if (scorecard.failedCases.length > 0) {
    lines.push('', `  failed cases (${scorecard.failedCases.length}):`);
    for (const failed of scorecard.failedCases.slice(0, 30)) lines.push(`    ${failed.id}: ${failed.reasons.join('; ').slice(0, 220)}`);
    if (scorecard.failedCases.length > 30) lines.push(`    … and ${scorecard.failedCases.length - 30} more (see the reports)`);
  }
  const failing = checks.filter((c) => !c.passed);
  const took = durationSeconds === undefined ? '' : ` in ${durationSeconds.toFixed(0)} s`;
  lines.push('', failing.length === 0 ? `GATE PASSED: every threshold met${took}.` : `GATE FAILED${took}: ${failing.map(describeCheck).join('; ')}.`);
  return lines.join('\n');
}
