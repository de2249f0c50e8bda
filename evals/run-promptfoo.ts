// Runs `promptfoo eval` as a child process (its CLI writes the JSON, JUnit and HTML reports itself) and waits for it,
// with a time limit. Its output is passed through to our stderr: stdout stays free for `lore eval --json`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './repo-root.ts';

export interface PromptfooRunOptions {
  configFile: string;
  /** Report files; promptfoo picks the format by extension (`.json`, `.junit.xml`, `.html`). */
  outputs: string[];
  env: Record<string, string>;
  maxConcurrency: number;
  /** Only cases whose id matches this regular expression. */
  filterPattern?: string;
  timeoutMs: number;
  /** Where promptfoo's own output goes (default: our stderr). */
  onOutput?: (chunk: Buffer) => void;
}

export interface PromptfooRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  seconds: number;
}

/** promptfoo's CLI entry point, run with the same Node as Lore. */
export function promptfooCli(root: string = REPO_ROOT): string {
  const bin = path.join(root, 'node_modules', '.bin', 'promptfoo');
  try {
    return fs.realpathSync(bin);
  } catch {
    throw new Error(`promptfoo is not installed (${bin} is missing): run npm ci`);
  }
}

export function runPromptfoo(options: PromptfooRunOptions): Promise<PromptfooRun> {
  const args = [
    promptfooCli(),
    'eval',
    '--config',
    options.configFile,
    '--no-cache',
    '--no-write',
    '--no-share',
    '--no-progress-bar',
    '--no-table',
    '--max-concurrency',
    String(options.maxConcurrency),
    ...(options.filterPattern ? ['--filter-pattern', options.filterPattern] : []),
    '--output',
    ...options.outputs,
  ];
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const forward = options.onOutput ?? ((chunk: Buffer) => process.stderr.write(chunk));
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  }, options.timeoutMs);
  // If `lore eval` is stopped, promptfoo (and the Chroma it started) stops with it.
  const stop = () => child.kill('SIGTERM');
  process.once('exit', stop);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      process.removeListener('exit', stop);
      reject(new Error(`promptfoo could not be started: ${error.message}`));
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', stop);
      resolve({ exitCode, signal, timedOut, seconds: (performance.now() - started) / 1000 });
    });
  });
}
