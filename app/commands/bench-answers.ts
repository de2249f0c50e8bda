import fs from 'node:fs';
import path from 'node:path';
import { listFiles } from '../../connectors/files/file-connector.ts';
import { fileLimits } from '../../connectors/files/file-limits.ts';
import {
  answerGateVerdict,
  checkAnswerThresholds,
  formatAnswerChecks,
  loadAnswerThresholds,
  unmeasurable,
  type AnswerCheck,
} from '../../evals/answers/answer-thresholds.ts';
import { COVERAGE_GRID, crossValidateCoverage, FOLDS, type CoverageCrossValidation } from '../../evals/answers/cross-validate-coverage.ts';
import { documentKey, goldKey } from '../../evals/answers/gold-match.ts';
import { formatNearMisses, holdsAnyFact, nearMissReport, type NearMissReport, type NearMissResult } from '../../evals/answers/near-misses.ts';
import { OracleGenerator } from '../../evals/answers/oracle-generator.ts';
import { loadQuestionSet, missingGoldFiles, type BenchQuestion } from '../../evals/answers/question-set.ts';
import { formatMetrics, scoreAnswer, summarise, type AnswerMetrics, type QuestionResult } from '../../evals/answers/score-answers.ts';
import { MIN_FOCUS_COVERAGE } from '../../rag/generate/extractive-generator.ts';
import { sha256 } from '../../rag/hash.ts';
import type { Answer, Question } from '../../rag/types.ts';
import type { Config } from '../config.ts';
import { EXIT_GATE_FAILED, EXIT_OK } from '../exit-codes.ts';
import type { Logger } from '../logger.ts';
import { progressBar } from '../progress.ts';
import { openLore, type Lore } from '../lore.ts';

// `lore bench answers`: indexes a folder of documents into a data directory of its own (the files connector;
// an unchanged file is skipped by its fingerprint, so a second run indexes nothing), asks every question of a
// question set through the offline answer pipeline `lore ask` uses (no answer cache), and scores the answers
// as the question set's README defines. `--generator oracle` puts the faithful fake Gemini in the generator's
// place: it measures how many correct, cited answers the pipeline lets through.

export type BenchGenerator = 'extractive' | 'oracle';
export const BENCH_GENERATORS: readonly BenchGenerator[] = ['extractive', 'oracle'];

export interface BenchAnswersOptions {
  corpus: string;
  questions: string;
  generator: BenchGenerator;
  /** Writes one `<id>.json` per question here: the answer JSON `lore ask --json` prints. */
  out?: string;
  /** Only the first n questions. */
  limit?: number;
  /** A thresholds file (evals/answer-thresholds.json): exit 4 when a figure misses it. */
  thresholds?: string;
  /** Also answers at each threshold of COVERAGE_GRID and reports MIN_FOCUS_COVERAGE by k-fold cross-validation. */
  crossValidate?: boolean;
  /** Also asks every answerable question with its gold files hidden (evals/answers/near-misses.ts). */
  nearMisses?: boolean;
  json: boolean;
}

/** How the pipeline treated the oracle's answers. */
export interface OracleReport {
  /** Questions the oracle answered (did not abstain on). */
  given: number;
  /** Of those, the answers Lore posted (did not abstain). */
  posted: number;
  postedShare: number | null;
  /** Ids of the oracle's answers Lore replaced with an abstention. */
  notPosted: string[];
}

export interface BenchAnswersResult {
  generator: BenchGenerator;
  corpus: string;
  questions: number;
  index: { documents: number; added: number; updated: number; unchanged: number; deleted: number; failed: number; seconds: number };
  metrics: AnswerMetrics;
  oracle?: OracleReport;
  /** With `--thresholds`: every check, and the names of the figures that missed theirs. */
  gate?: { thresholdsFile: string; passed: boolean; failedThresholds: string[]; checks: AnswerCheck[] };
  /** With `--cross-validate`: the coverage threshold's sweep and held-out figures. */
  crossValidation?: CoverageCrossValidation;
  /** With `--near-misses`: how often Lore abstained once the gold files were hidden. */
  nearMisses?: NearMissReport;
  results: Array<QuestionResult & { mode: Answer['mode']; confidence: number; oracleAnswered?: boolean }>;
}

/** The target of issue 13: Lore posts at least this share of the oracle's correct answers. */
export const ORACLE_POSTED_TARGET = 0.97;

/** `<dataDir>/bench-answers/<folder name>-<hash of its absolute path>`, and a Chroma collection named alike. */
export function benchAnswersDataDir(config: Pick<Config, 'dataDir'>, corpusDir: string): { dataDir: string; collection: string } {
  const absolute = path.resolve(corpusDir);
  const name = [path.basename(path.dirname(absolute)), path.basename(absolute)]
    .join('-')
    .replace(/[^a-zA-Z0-9_-]+/g, '-')
    .slice(0, 40);
  const key = `${name || 'corpus'}-${sha256(absolute).slice(0, 8)}`;
  return { dataDir: path.join(config.dataDir, 'bench-answers', key), collection: `bench_answers_${sha256(absolute).slice(0, 12)}` };
}

export async function benchAnswers(config: Config, log: Logger, options: BenchAnswersOptions): Promise<number> {
  const corpusDir = path.resolve(options.corpus);
  if (!fs.statSync(corpusDir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`--corpus ${options.corpus} is not a folder`);
  const all = loadQuestionSet(options.questions);
  const missing = missingGoldFiles(all, corpusDir);
  if (missing.length > 0) {
    throw new Error(`${missing.length} gold file(s) are not in ${options.corpus}, e.g. ${missing.slice(0, 3).join(', ')}`);
  }
  // The thresholds are read and checked for what this run can measure before anything is indexed.
  const thresholds = options.thresholds !== undefined ? loadAnswerThresholds(options.thresholds) : undefined;
  const cannot = thresholds ? unmeasurable(thresholds, { generator: options.generator, nearMisses: Boolean(options.nearMisses) }) : [];
  if (cannot.length > 0) {
    const named = cannot.map((c) => `${c.name} (needs ${c.needs})`).join(', ');
    throw new Error(`${options.thresholds}: ${named} cannot be measured by this run`);
  }
  if (options.crossValidate && options.generator !== 'extractive')
    throw new Error('--cross-validate tunes the extractive answerer: drop --generator');
  const questions = options.limit !== undefined && options.limit > 0 ? all.slice(0, options.limit) : all;
  const say = (text: string) => {
    if (!options.json) process.stderr.write(`${text}\n`);
  };

  const { dataDir, collection } = benchAnswersDataDir(config, corpusDir);
  const lore = await openLore({ ...config, dataDir }, log, { collection });
  const { runtime } = lore;
  try {
    const started = performance.now();
    const { inputs, scope } = await listFiles([corpusDir], fileLimits(config.limits));
    const bar = progressBar('Indexing', !options.json);
    const summary = await runtime.indexer.index(inputs, scope, (p) => bar.update(p)).finally(() => bar.stop());
    const index = {
      documents: (await runtime.chunks.counts()).documents,
      added: summary.added,
      updated: summary.updated,
      unchanged: summary.unchanged,
      deleted: summary.deleted,
      failed: summary.failed.length,
      seconds: round((performance.now() - started) / 1000, 1),
    };
    for (const failure of summary.failed.slice(0, 5)) log.warn(failure, 'benchmark document not indexed');
    say(
      `${index.documents} documents indexed in ${index.seconds} s (added ${index.added}, updated ${index.updated}, ` +
        `unchanged ${index.unchanged}, deleted ${index.deleted}, failed ${index.failed}) in ${dataDir}`,
    );

    const oracle =
      options.generator === 'oracle'
        ? new OracleGenerator(questions.map((q) => [q.question, { answer: q.answer, facts: q.facts }] as const))
        : undefined;
    // Offline retrieval and reranking whatever the configuration, as the benchmark's figures are defined.
    const pipeline = lore.answerPipeline({ offline: true, ...(oracle ? { generator: oracle } : {}) });
    const ask = (q: BenchQuestion): Promise<Answer> => pipeline.answer(asCommandLineQuestion(q.question));

    // One question first, untimed: loads the embedding model and warms the lexical index.
    await ask(questions[0]!);
    oracle?.clearDecisions();
    if (options.out) fs.mkdirSync(options.out, { recursive: true });

    const results: BenchAnswersResult['results'] = [];
    for (const q of questions) {
      const t0 = performance.now();
      const answer = await ask(q);
      const latencyMs = round(performance.now() - t0, 1);
      if (options.out) fs.writeFileSync(path.join(options.out, `${q.id}.json`), `${JSON.stringify(answer)}\n`);
      const decision = oracle?.decisionFor(q.question);
      results.push({
        ...scoreAnswer(q, answer, corpusDir, latencyMs),
        mode: answer.mode,
        confidence: answer.confidence,
        ...(oracle ? { oracleAnswered: decision?.answered === true } : {}),
      });
    }

    const crossValidation = options.crossValidate
      ? crossValidateCoverage(
          await mapSequential(COVERAGE_GRID, async (threshold) => {
            // The run above answered at the shipped threshold already.
            if (threshold === MIN_FOCUS_COVERAGE) return { threshold, results };
            const tried = lore.answerPipeline({ offline: true, minCoverage: threshold });
            const scored = await mapSequential(questions, async (q) =>
              scoreAnswer(q, await tried.answer(asCommandLineQuestion(q.question)), corpusDir),
            );
            return { threshold, results: scored };
          }),
        )
      : undefined;

    const nearMisses = options.nearMisses ? nearMissReport(await askNearMisses(lore, questions, corpusDir, oracle, options.out)) : undefined;

    const metrics = summarise(results);
    const report = oracle ? oracleReport(results) : undefined;
    const checks = thresholds
      ? checkAnswerThresholds(
          {
            metrics,
            ...(report ? { oraclePosted: report.postedShare } : {}),
            ...(nearMisses ? { nearMissAbstention: nearMisses.abstention } : {}),
          },
          thresholds,
        )
      : undefined;
    const result: BenchAnswersResult = {
      generator: options.generator,
      corpus: corpusDir,
      questions: questions.length,
      index,
      metrics,
      ...(report ? { oracle: report } : {}),
      ...(crossValidation ? { crossValidation } : {}),
      ...(nearMisses ? { nearMisses } : {}),
      ...(checks && options.thresholds !== undefined
        ? {
            gate: {
              thresholdsFile: options.thresholds,
              passed: checks.every((c) => c.passed),
              failedThresholds: checks.filter((c) => !c.passed).map((c) => c.name),
              checks,
            },
          }
        : {}),
      results,
    };
    if (options.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      say(`${questions.length} questions, generator ${options.generator}${options.out ? `; answers written to ${options.out}` : ''}`);
      for (const line of formatMetrics(result.metrics)) say(line);
      if (result.oracle) say(formatOracle(result.oracle));
      if (crossValidation) for (const line of formatCrossValidation(crossValidation)) say(line);
      if (nearMisses) say(formatNearMisses(nearMisses));
      if (checks && options.thresholds !== undefined) {
        say('');
        for (const line of formatAnswerChecks(checks)) say(line);
      }
    }
    if (!checks || options.thresholds === undefined) return EXIT_OK;
    const verdict = answerGateVerdict(checks, options.thresholds);
    // The verdict names every missed figure; a failure is written even with --json (stdout stays the JSON).
    if (!options.json || !result.gate?.passed) process.stderr.write(`${verdict}\n`);
    return result.gate?.passed ? EXIT_OK : EXIT_GATE_FAILED;
  } finally {
    await runtime.close();
  }
}

/**
 * Every answerable question asked again with its gold files hidden from retrieval (evals/answers/near-misses.ts); the
 * oracle, when given, answers in the generator's place as in the run proper. With --out, the answers go to its
 * `near-misses` folder, to read beside the answers of the run proper.
 */
async function askNearMisses(
  lore: Lore,
  questions: readonly BenchQuestion[],
  corpusDir: string,
  oracle: OracleGenerator | undefined,
  out: string | undefined,
): Promise<NearMissResult[]> {
  const outDir = out === undefined ? undefined : path.join(out, 'near-misses');
  if (outDir) fs.mkdirSync(outDir, { recursive: true });
  let hidden = new Set<string>();
  const blind = lore.answerPipeline({
    offline: true,
    ...(oracle ? { generator: oracle } : {}),
    hiddenDocuments: (docId) => hidden.has(documentKey(docId, corpusDir)),
  });
  return mapSequential(
    questions.filter((q) => q.kind !== 'none'),
    async (q) => {
      hidden = new Set(q.gold.map(goldKey));
      const answer = await blind.answer(asCommandLineQuestion(q.question));
      if (outDir) fs.writeFileSync(path.join(outDir, `${q.id}.json`), `${JSON.stringify(answer)}\n`);
      return { id: q.id, abstained: answer.abstained, stillAnswerable: holdsAnyFact(answer.contexts, q) };
    },
  );
}

/** One question at a time, as the benchmark asks them: answers in parallel would compete for the two cores. */
async function mapSequential<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}

function formatCrossValidation(cv: CoverageCrossValidation): string[] {
  const rate = (value: number | null) => (value === null ? '-' : value.toFixed(3));
  const row = (label: string, m: AnswerMetrics) =>
    `${label.padEnd(22)}answered ${rate(m.answerable.answered)}  abstention ${rate(m.none.abstention)}  facts ${rate(m.answerable.facts)}`;
  return [
    '',
    `MIN_FOCUS_COVERAGE (shipped ${MIN_FOCUS_COVERAGE}), each threshold on all questions:`,
    ...cv.sweep.map((s) => `${row(`  ${s.threshold.toFixed(2)}`, s.metrics)}  objective ${s.objective.toFixed(3)}`),
    `${FOLDS}-fold cross-validation (threshold chosen on the other folds: ${cv.chosen.map((t) => t.toFixed(2)).join(', ')}):`,
    row('  held out', cv.heldOut),
    `CV answered=${rate(cv.heldOut.answerable.answered)} abstention=${rate(cv.heldOut.none.abstention)} facts=${rate(cv.heldOut.answerable.facts)}`,
  ];
}

/** The question as `lore ask` builds it. */
function asCommandLineQuestion(text: string): Question {
  return { text, asker: { platform: 'cli' } };
}

export function oracleReport(results: ReadonlyArray<{ id: string; abstained: boolean; oracleAnswered?: boolean }>): OracleReport {
  const given = results.filter((r) => r.oracleAnswered === true);
  const notPosted = given.filter((r) => r.abstained).map((r) => r.id);
  const posted = given.length - notPosted.length;
  return { given: given.length, posted, postedShare: given.length > 0 ? posted / given.length : null, notPosted };
}

export function formatOracle(report: OracleReport): string {
  const share = report.postedShare === null ? '-' : `${(report.postedShare * 100).toFixed(1)}%`;
  const verdict = report.postedShare !== null && report.postedShare >= ORACLE_POSTED_TARGET ? 'meets' : 'below';
  const lost = report.notPosted.length > 0 ? `; abstained instead: ${report.notPosted.join(', ')}` : '';
  return `ORACLE given=${report.given} posted=${report.posted} (${share}; ${verdict} the ${ORACLE_POSTED_TARGET * 100}% target)${lost}`;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
