import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { SOURCE_KINDS, SYNC_TARGETS, type SourceKind, type SyncTarget } from '../rag/contracts/sources.ts';
import { errorMessage } from '../rag/errors.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { EXIT_FATAL } from './exit-codes.ts';
import { createLogger, type Logger } from './logger.ts';
import type { Lore } from './lore.ts';

// Commands are imported when they run: parsers and models take seconds to load, `--help` should not.

interface GlobalOptions {
  dataDir?: string;
  json?: boolean;
}

function positiveInteger(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError(`${flag} must be a whole number, got "${value}"`);
  return parsed;
}

/** Runs a command's action with what it needs, and keeps the exit code it resolves to. */
interface CommandRunner {
  /** Lore composed on the configuration (app/lore.ts), closed after the action. */
  withLore(fn: (lore: Lore, opts: GlobalOptions) => Promise<number>): Promise<void>;
  /** The configuration and a logger, for commands that open what they need themselves. */
  withConfig(fn: (config: Config, log: Logger, opts: GlobalOptions) => Promise<number>): Promise<void>;
  /** The configuration alone, for checks before anything is opened. */
  config(): Config;
  /** The log level of the configuration last loaded (none when it could not be). */
  logLevel(): Config['logLevel'] | undefined;
}

/** Parses argv, runs one command and resolves to the process exit code (a stable contract: docs/architecture.md). */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = createProgram();
  const run = commandRunner(program, (code) => {
    exitCode = code;
  });
  addServiceCommands(program, run);
  addBenchCommands(program, run);
  addGateAndAdminCommands(program, run);
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return reportFailure(error, run.logLevel() === 'debug');
  }
}

function createProgram(): Command {
  return new Command('lore')
    .description('Lore: cited answers from your team knowledge, in Slack and Discord.')
    .option('--data-dir <dir>', 'where Lore keeps its index and state (env LORE_DATA_DIR, default ./.lore)')
    .option('--json', 'machine-readable output on stdout')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stderr.write(s), writeErr: (s) => process.stderr.write(s) });
}

function commandRunner(program: Command, setExitCode: (code: number) => void): CommandRunner {
  let lastLoaded: Config | undefined;
  const config = () => {
    lastLoaded = loadConfig(process.env, { dataDir: program.opts<GlobalOptions>().dataDir });
    return lastLoaded;
  };
  const loggerFor = (config: Config, opts: GlobalOptions) => createLogger(opts.json && config.logLevel === 'info' ? 'warn' : config.logLevel);
  return {
    config,
    logLevel: () => lastLoaded?.logLevel,
    async withLore(fn) {
      const opts = program.opts<GlobalOptions>();
      const loaded = config();
      const { openLore } = await import('./lore.ts');
      const lore = await openLore(loaded, loggerFor(loaded, opts));
      try {
        setExitCode(await fn(lore, opts));
      } finally {
        await lore.close();
      }
    },
    async withConfig(fn) {
      const opts = program.opts<GlobalOptions>();
      const loaded = config();
      setExitCode(await fn(loaded, loggerFor(loaded, opts), opts));
    },
  };
}

/** A command that failed: its message on stderr (a configuration error as it is), the stack with LOG_LEVEL=debug. */
function reportFailure(error: unknown, withStack: boolean): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  const message = error instanceof ConfigError ? error.message : `lore: ${errorMessage(error)}`;
  process.stderr.write(`${message}\n`);
  if (withStack && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return EXIT_FATAL;
}

/** Running Lore and its index: start, ingest, sync, ask. */
function addServiceCommands(program: Command, { withLore, config }: CommandRunner): void {
  program
    .command('start')
    .description('index the configured sources, serve the HTTP API and connect chat platforms; stops on SIGINT/SIGTERM')
    .action(() => withLore(async (lore) => (await import('./commands/start.ts')).start(lore)));

  program
    .command('ingest')
    .description('load files and folders (PDF, DOCX, HTML, Markdown, text, code) into the index')
    .argument('<paths...>', 'files or folders')
    .action((paths: string[]) =>
      withLore(async (lore, opts) => {
        const { ingestPaths, reportSummary } = await import('./commands/ingest.ts');
        return reportSummary(await ingestPaths(lore.runtime, paths, !opts.json), Boolean(opts.json));
      }),
    );

  program
    .command('sync')
    .description('bring configured sources up to date, incrementally (files: LORE_FILES_PATHS, notion, github, web)')
    .addArgument(new Argument('[source]', 'which source').choices(SYNC_TARGETS).default('all'))
    .option('--full', 'rebuild: list everything and reload every document (unchanged text is not re-embedded)')
    .action(async (source: SyncTarget, options: { full?: boolean }) => {
      // An unconfigured source is refused before the index and Chroma start.
      const { requireConfigured } = await import('./sync-sources.ts');
      requireConfigured(source, config());
      await withLore(async (lore, opts) => {
        const { syncCommand } = await import('./commands/sync.ts');
        return syncCommand(lore, source, { full: Boolean(options.full), json: Boolean(opts.json) });
      });
    });

  program
    .command('ask')
    .description('answer one question from the index, with numbered citations')
    .argument('<question>', 'the question, in quotes')
    .option('--k <n>', 'passages in the context (default 8)', (v) => positiveInteger(v, '--k'))
    .addOption(new Option('--source <source...>', 'only these sources').choices(SOURCE_KINDS))
    .action((question: string, options: { k?: number; source?: SourceKind[] }) =>
      withLore(async (lore, opts) => {
        const { ask } = await import('./commands/ask.ts');
        if ((await lore.runtime.chunks.counts()).documents === 0) {
          lore.log.warn('the index is empty: run `lore ingest <path>` or `lore start` first');
        }
        // Through the answer service: the daily budget and the query log apply to the command line too.
        return ask(lore.answers(), question, { json: Boolean(opts.json), k: options.k, sources: options.source });
      }),
    );
}

/** Benchmarks that print figures: bench ingest, retrieval, answers, fit-reranker. */
function addBenchCommands(program: Command, { withConfig }: CommandRunner): void {
  const bench = program.command('bench').description('benchmarks that print figures');
  bench
    .command('ingest')
    .description('ingest a BEIR corpus with the local embedder and print throughput')
    .option('--corpus <file>', 'BEIR corpus.jsonl', 'datasets/scifact/corpus.jsonl')
    .option('--limit <n>', 'only the first n documents', (v) => Number.parseInt(v, 10))
    .action((options: { corpus: string; limit?: number }) =>
      withConfig(async (config, log, opts) =>
        (await import('./commands/bench-ingest.ts')).benchIngest(config, log, { ...options, json: Boolean(opts.json) }),
      ),
    );

  bench
    .command('retrieval')
    .description('index a BEIR corpus into its own collection and score hybrid retrieval + reranking against BM25')
    .requiredOption('--corpus <file>', 'BEIR corpus.jsonl')
    .requiredOption('--queries <file>', 'BEIR queries.jsonl')
    .requiredOption('--qrels <file>', 'BEIR qrels TSV')
    .option('--folds <n>', 'also report the reranker re-fitted k-fold on these qrels (0: skip)', (v) => positiveInteger(v, '--folds'), 5)
    .action((options: { corpus: string; queries: string; qrels: string; folds: number }) =>
      withConfig(async (config, log, opts) =>
        (await import('./commands/bench-retrieval.ts')).benchRetrieval(config, log, { ...options, json: Boolean(opts.json) }),
      ),
    );

  bench
    .command('answers')
    .description(
      'index a folder of documents into its own data directory, ask a question set through the offline answer pipeline and score the answers',
    )
    .requiredOption('--corpus <dir>', 'folder of documents (the gold paths of the questions are relative to it)')
    .requiredOption('--questions <file>', 'question set, JSON lines (datasets/real-docs-dev/README.md)')
    .addOption(
      new Option('--generator <generator>', 'extractive: the offline answerer; oracle: a faithful fake model answering from the reference answers')
        .choices(['extractive', 'oracle'])
        .default('extractive'),
    )
    .option('--out <dir>', 'write one <id>.json per question, as `lore ask --json` prints it')
    .option('--limit <n>', 'only the first n questions', (v) => positiveInteger(v, '--limit'))
    .option('--thresholds <file>', 'fail (exit 4) when a figure misses this file (evals/answer-thresholds.json)')
    .option('--cross-validate', "also report the extractive answerer's coverage threshold by 5-fold cross-validation over the questions")
    .option('--near-misses', 'also ask every answerable question with its gold files hidden, and report how often Lore abstains')
    .action(
      (options: {
        corpus: string;
        questions: string;
        generator: 'extractive' | 'oracle';
        out?: string;
        limit?: number;
        thresholds?: string;
        crossValidate?: boolean;
        nearMisses?: boolean;
      }) =>
        withConfig(async (config, log, opts) =>
          (await import('./commands/bench-answers.ts')).benchAnswers(config, log, { ...options, json: Boolean(opts.json) }),
        ),
    );

  bench
    .command('fit-reranker')
    .description('re-learn the fusion and reranker weights on the development sets, with k-fold cross-validation')
    .option('--folds <n>', 'cross-validation folds', (v) => positiveInteger(v, '--folds'), 5)
    .option('--write', 'store the fitted weights in rag/ (default: report only)')
    .action((options: { folds: number; write?: boolean }) =>
      withConfig(async (config, log, opts) =>
        (await import('./commands/bench-fit-reranker.ts')).fitReranker(config, log, {
          folds: options.folds,
          write: Boolean(options.write),
          json: Boolean(opts.json),
        }),
      ),
    );
}

/** The release gate and the commands of whoever runs Lore: eval, backup, report, feedback export. */
function addGateAndAdminCommands(program: Command, { withConfig }: CommandRunner): void {
  program
    .command('eval')
    .description('the release gate: run the golden set through promptfoo, print the scorecard, fail below thresholds')
    .option('--thresholds <file>', 'thresholds file (default evals/thresholds.json)')
    .addOption(
      new Option('--grader <mode>', 'offline: deterministic graders; llm: autoevals graded by Gemini; auto: llm when GEMINI_API_KEY is set')
        .choices(['auto', 'offline', 'llm'])
        .default('auto'),
    )
    .option('--golden <dir>', 'golden set folder (default datasets/golden)')
    .option('--filter <regex>', 'only golden cases whose id matches')
    .option('--config <file>', 'promptfoo config (default promptfoo.yaml)')
    .option('--reports <dir>', 'where reports are written (default reports/)')
    .option('--concurrency <n>', 'cases answered at once (default 1 offline, 4 with the LLM grader)', (v) => positiveInteger(v, '--concurrency'))
    .option('--timeout-minutes <n>', 'stop promptfoo after this long', (v) => positiveInteger(v, '--timeout-minutes'), 60)
    .action(
      (options: {
        thresholds?: string;
        grader: string;
        golden?: string;
        filter?: string;
        config?: string;
        reports?: string;
        concurrency?: number;
        timeoutMinutes: number;
      }) =>
        withConfig(async (config, log, opts) => (await import('./commands/eval.ts')).runEval(config, log, { ...options, json: Boolean(opts.json) })),
    );

  program
    .command('backup')
    .description('write a consistent copy of the database (safe while Lore runs); restore: stop Lore, put it back as lore.db, start')
    .argument('<file>', 'where to write the copy')
    .option('--force', 'replace the file if it exists')
    .action((file: string, options: { force?: boolean }) =>
      withConfig(async (config, _log, opts) =>
        (await import('./commands/backup.ts')).backupCommand(config, file, { force: Boolean(options.force), json: Boolean(opts.json) }),
      ),
    );

  program
    .command('report')
    .description('the knowledge-gap report: questions per day and channel, answer rates, gaps, documents cited and stale, cost')
    .option('--since <date>', 'start of the window, an ISO date (default: LORE_QUERY_LOG_DAYS ago)')
    .option('--stale-days <n>', 'a cited document not updated for this many days is stale (default 180)', (v) => positiveInteger(v, '--stale-days'))
    .action((options: { since?: string; staleDays?: number }) =>
      withConfig(async (config, _log, opts) =>
        (await import('./commands/report.ts')).reportCommand(config, { ...options, json: Boolean(opts.json) }),
      ),
    );

  const feedback = program.command('feedback').description('answer feedback recorded from chat reactions');
  feedback
    .command('export')
    .description('turn 👎-rated answers into golden test cases for review (YAML, status needs-review)')
    .option('--since <date>', 'only feedback given on or after this ISO date')
    .option('--out <file>', 'write the YAML here (default: stdout)')
    .action((options: { since?: string; out?: string }) =>
      withConfig(async (config, _log, opts) =>
        (await import('./commands/feedback-export.ts')).feedbackExport(config, { ...options, json: Boolean(opts.json) }),
      ),
    );
}
