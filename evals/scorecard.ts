// The scorecard: promptfoo's JSON results reduced to the figures the gate is judged on. Each metric is the mean of
// its applicable per-case scores (a metric that does not apply to a case, e.g. faithfulness of an abstention, is left
// out rather than counted as a 1 or a 0); cost and latency are Lore's own per-answer figures from the provider.
import { isMetricName, METRICS, type GraderMode, type MetricName } from './metrics.ts';
import { LoreError } from '../rag/errors.ts';

export interface MetricSummary {
  /** Mean over the cases it applies to; null when none did. */
  mean: number | null;
  /** Cases it was graded on. */
  cases: number;
  /** Of those, cases at or above the per-case bar. */
  passed: number;
  method: string;
}

export interface FailedCase {
  id: string;
  set: string;
  reasons: string[];
}

export interface Scorecard {
  grader: GraderMode;
  cases: number;
  passed: number;
  failed: number;
  /** Cases the provider or promptfoo could not run (counted as failed too). */
  errors: number;
  passRate: number;
  metrics: Partial<Record<MetricName, MetricSummary>>;
  costUsd: { mean: number; max: number; total: number };
  latencyMs: { p50: number; p95: number; max: number };
  /** Cases and passes per golden file. */
  sets: Record<string, { cases: number; passed: number }>;
  failedCases: FailedCase[];
}

// The slice of promptfoo's output file the scorecard reads; everything is checked as it is read.
interface ComponentResult {
  pass?: boolean;
  score?: number;
  reason?: string;
  assertion?: { metric?: string };
  metadata?: { applicable?: boolean; grader?: string };
}
interface EvalResult {
  success?: boolean;
  error?: string | null;
  /** promptfoo's ResultFailureReason: 0 none, 1 an assertion failed, 2 the case could not run. */
  failureReason?: number;
  testCase?: { description?: string; metadata?: { caseId?: string; set?: string } };
  response?: { cost?: number; latencyMs?: number; error?: string } | null;
  gradingResult?: { componentResults?: ComponentResult[]; reason?: string } | null;
}

export class ResultsFileError extends LoreError {
  override readonly code: string = 'invalid_results_file';
  override name = 'ResultsFileError';
}

/** The per-case results inside promptfoo's JSON output (`-o results.json`). */
export function resultsOf(outputFile: unknown): EvalResult[] {
  const results = (outputFile as { results?: { results?: unknown } } | null)?.results?.results;
  if (!Array.isArray(results)) throw new ResultsFileError('not a promptfoo results file: no results.results array');
  return results as EvalResult[];
}

export function buildScorecard(outputFile: unknown, fallbackGrader: GraderMode = 'offline'): Scorecard {
  const results = resultsOf(outputFile);
  const scores = new Map<MetricName, { sum: number; cases: number; passed: number }>();
  const costs: number[] = [];
  const latencies: number[] = [];
  const sets: Scorecard['sets'] = {};
  const failedCases: FailedCase[] = [];
  let grader: GraderMode | undefined;
  let passed = 0;
  let errors = 0;

  for (const result of results) {
    const id = result.testCase?.metadata?.caseId ?? result.testCase?.description ?? '(unnamed case)';
    const set = result.testCase?.metadata?.set ?? 'golden';
    const entry = (sets[set] ??= { cases: 0, passed: 0 });
    entry.cases += 1;
    // promptfoo copies a failed assertion's reason into `error` too: only failure reason 2 is a case that did not run.
    const error =
      result.failureReason === 2 || result.response?.error ? (result.response?.error ?? result.error ?? 'the case did not run') : undefined;
    if (error) errors += 1;
    if (result.success === true && !error) {
      passed += 1;
      entry.passed += 1;
    }

    if (result.response && !error) {
      if (isFiniteNumber(result.response.cost)) costs.push(result.response.cost);
      if (isFiniteNumber(result.response.latencyMs)) latencies.push(result.response.latencyMs);
    }

    const reasons: string[] = error ? [`error: ${error}`] : [];
    for (const component of result.gradingResult?.componentResults ?? []) {
      const metric = component.assertion?.metric;
      if (!metric || !isMetricName(metric)) continue;
      if (component.metadata?.grader === 'llm' || component.metadata?.grader === 'offline') grader ??= component.metadata.grader;
      if (component.pass === false) reasons.push(component.reason ?? `${metric} failed`);
      if (component.metadata?.applicable === false || !isFiniteNumber(component.score)) continue;
      const summary = scores.get(metric) ?? { sum: 0, cases: 0, passed: 0 };
      summary.sum += component.score;
      summary.cases += 1;
      if (component.pass) summary.passed += 1;
      scores.set(metric, summary);
    }
    if (result.success !== true || error) failedCases.push({ id, set, reasons: reasons.length > 0 ? reasons : ['failed'] });
  }

  const mode = grader ?? fallbackGrader;
  const metrics: Scorecard['metrics'] = {};
  for (const [metric, s] of scores) {
    metrics[metric] = { mean: s.cases > 0 ? s.sum / s.cases : null, cases: s.cases, passed: s.passed, method: METRICS[metric].method[mode] };
  }
  return {
    grader: mode,
    cases: results.length,
    passed,
    failed: results.length - passed,
    errors,
    passRate: results.length > 0 ? passed / results.length : 0,
    metrics,
    costUsd: {
      mean: costs.length > 0 ? costs.reduce((a, b) => a + b, 0) / costs.length : 0,
      max: costs.length > 0 ? Math.max(...costs) : 0,
      total: costs.reduce((a, b) => a + b, 0),
    },
    latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), max: latencies.length > 0 ? Math.max(...latencies) : 0 },
    sets,
    failedCases,
  };
}

/** Nearest-rank percentile (0 for no values). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
