import fs from 'node:fs';
import path from 'node:path';
import { gateJunit } from '../../evals/gate-junit.ts';
import { loadGoldenSet } from '../../evals/golden/load-golden-set.ts';
import { formatScorecard } from '../../evals/format-scorecard.ts';
import { promptfooEnv } from '../../evals/promptfoo-env.ts';
import { REPO_ROOT } from '../../evals/repo-root.ts';
import { runPromptfoo } from '../../evals/run-promptfoo.ts';
import { buildScorecard, type Scorecard } from '../../evals/scorecard.ts';
import { checkThresholds, loadThresholds, type ThresholdCheck } from '../../evals/thresholds.ts';
import { graderConfig, graderMode, type Config } from '../config.ts';
import { EXIT_GATE_FAILED, EXIT_OK } from '../exit-codes.ts';
import type { Logger } from '../logger.ts';

export interface EvalOptions {
  json: boolean;
  /** Thresholds file (default evals/thresholds.json). */
  thresholds?: string;
  /** promptfoo config (default promptfoo.yaml). */
  config?: string;
  /** Golden set folder (default datasets/golden). */
  golden?: string;
  /** Where the reports go (default reports/). */
  reports?: string;
  grader: string;
  /** Only golden cases whose id matches this regular expression. */
  filter?: string;
  concurrency?: number;
  timeoutMinutes: number;
}

/** What `--json` prints and reports/scorecard.json holds. */
export interface GateResult {
  passed: boolean;
  failedThresholds: string[];
  checks: ThresholdCheck[];
  scorecard: Scorecard;
  thresholdsFile: string;
  durationSeconds: number;
  reports: { results: string; junit: string; html: string; scorecard: string; gateJunit: string };
}

/**
 * `lore eval`: the release gate. Runs the golden set through promptfoo (the real pipeline in its provider), turns
 * the results into the scorecard, writes the reports and exits non-zero when any threshold is missed.
 */
export async function runEval(config: Config, log: Logger, options: EvalOptions): Promise<number> {
  const started = performance.now();
  const fromCwd = (file: string | undefined, fallback: string) => (file ? path.resolve(file) : path.join(REPO_ROOT, fallback));
  const thresholdsFile = fromCwd(options.thresholds, 'evals/thresholds.json');
  const configFile = fromCwd(options.config, 'promptfoo.yaml');
  const goldenDir = fromCwd(options.golden, 'datasets/golden');
  const reportsDir = fromCwd(options.reports, 'reports');
  if (options.filter !== undefined) {
    try {
      new RegExp(options.filter);
    } catch (error) {
      throw new Error(`--filter is not a valid regular expression: ${(error as Error).message}`);
    }
  }

  // Everything that can be wrong with the inputs fails here, before promptfoo and the indexes start.
  const thresholds = loadThresholds(thresholdsFile);
  if (!fs.existsSync(configFile)) throw new Error(`promptfoo config ${configFile} not found`);
  const mode = graderMode(options.grader, process.env);
  const grader = graderConfig(process.env);
  if (mode === 'llm' && !grader) throw new Error('--grader llm needs GEMINI_API_KEY');
  const golden = loadGoldenSet(goldenDir);
  if (golden.cases.length === 0) throw new Error(`${goldenDir} has no ready golden case`);
  if (golden.needsReview.length > 0) {
    log.warn({ cases: golden.needsReview.map((c) => c.id) }, `${golden.needsReview.length} golden case(s) need review and are not run`);
  }

  fs.mkdirSync(reportsDir, { recursive: true });
  const reports = {
    results: path.join(reportsDir, 'promptfoo-results.json'),
    junit: path.join(reportsDir, 'promptfoo-results.junit.xml'),
    html: path.join(reportsDir, 'promptfoo-report.html'),
    scorecard: path.join(reportsDir, 'scorecard.json'),
    gateJunit: path.join(reportsDir, 'gate.junit.xml'),
  };
  // A stale results file must never be graded as if it were this run's.
  for (const file of Object.values(reports)) fs.rmSync(file, { force: true });

  const say = (text: string) => process.stderr.write(`${text}\n`);
  say(`lore eval: ${golden.cases.length} golden cases from ${path.relative(process.cwd(), goldenDir) || '.'}, ${mode} graders`);
  const env = promptfooEnv(
    {
      ...process.env,
      LORE_DATA_DIR: config.dataDir,
      LORE_EVAL_GRADER: mode,
      LORE_EVAL_GOLDEN_DIR: goldenDir,
      LOG_LEVEL: config.logLevel,
    },
    { configDir: path.join(config.dataDir, 'eval', 'promptfoo'), directHosts: directHosts(config, grader?.baseUrl) },
  );
  const run = await runPromptfoo({
    configFile,
    outputs: [reports.results, reports.junit, reports.html],
    env,
    // Offline, one answer at a time: the latencies measured are those of an idle Lore, not of a queue.
    maxConcurrency: options.concurrency ?? (mode === 'llm' ? 4 : 1),
    filterPattern: options.filter,
    timeoutMs: options.timeoutMinutes * 60_000,
  });
  if (run.timedOut) throw new Error(`promptfoo did not finish within ${options.timeoutMinutes} minutes and was stopped`);
  // 100 is promptfoo's "some test failed"; the gate decides what that means.
  if (run.exitCode !== 0 && run.exitCode !== 100) {
    throw new Error(`promptfoo failed (${run.signal ?? `exit code ${run.exitCode}`}); its output is above`);
  }
  let output: unknown;
  try {
    output = JSON.parse(fs.readFileSync(reports.results, 'utf8'));
  } catch (error) {
    throw new Error(`promptfoo wrote no readable results to ${reports.results}: ${(error as Error).message}`);
  }

  const scorecard = buildScorecard(output, mode);
  const checks = checkThresholds(scorecard, thresholds);
  const failed = checks.filter((c) => !c.passed);
  const durationSeconds = (performance.now() - started) / 1000;
  const result: GateResult = {
    passed: failed.length === 0 && scorecard.cases > 0,
    failedThresholds: failed.map((c) => c.name),
    checks,
    scorecard,
    thresholdsFile,
    durationSeconds: Math.round(durationSeconds * 10) / 10,
    reports,
  };
  fs.writeFileSync(reports.scorecard, `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(reports.gateJunit, gateJunit(scorecard, checks, durationSeconds));

  say('');
  say(formatScorecard(scorecard, checks, durationSeconds));
  say(
    `reports: ${Object.values(reports)
      .map((file) => path.relative(process.cwd(), file))
      .join(', ')}`,
  );
  if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  log.debug({ promptfooSeconds: run.seconds }, 'promptfoo finished');
  return result.passed ? EXIT_OK : EXIT_GATE_FAILED;
}

/** Hosts the child must reach directly (never through the dead proxy): Gemini and the grader endpoint. */
function directHosts(config: Config, graderUrl: string | undefined): string[] {
  const hosts = ['generativelanguage.googleapis.com'];
  for (const url of [config.gemini.baseUrl, graderUrl, config.chromaUrl]) {
    if (url) hosts.push(new URL(url).hostname);
  }
  return [...new Set(hosts)];
}
