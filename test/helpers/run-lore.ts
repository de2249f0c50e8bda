import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from './free-port.ts';

// The real `lore` command line as a child process: run to completion (runLore), or `lore start` served on a free
// port of 127.0.0.1 and awaited until it is up (startLore), for tests and benchmarks alike (no test runner here).

const BIN = path.resolve('bin/lore.js');

export interface LoreRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the real `lore` command line as a child process. */
export function spawnLore(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `lore` to completion and collects its output. */
export function runLore(args: string[], env: Record<string, string>): Promise<LoreRun> {
  const child = spawnLore(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

export interface LoreServer {
  child: ChildProcess;
  port: number;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** What it has logged so far (pino JSON lines at the LOG_LEVEL given; `lore start` writes them to stderr). */
  logs(): string;
  /** Asks it to stop (SIGTERM, after SIGCONT if it was paused) and resolves with its exit code; at once if it has already exited. */
  stop(): Promise<number | null>;
}

export interface StartLoreOptions {
  /** Names it in messages (a replica's name); default `lore start`. */
  name?: string;
  /** How long it may take to come up, its first index included; generous, for a busy shared machine. */
  timeoutMs?: number;
}

/** The log kept: a long benchmark must not grow it without bound, and a test reads far less. */
const LOG_KEEP_CHARS = 2_000_000;

/**
 * `lore start` with `env` (PORT is chosen here), resolved once GET /ready answers 200: it serves HTTP only after
 * indexing the configured files, and /ready says its stores answer, whatever LOG_LEVEL is. Fails with its logs if it
 * exits or is not up within the timeout (then it is killed). A process that outlives its test run is killed with it.
 */
export async function startLore(env: Record<string, string>, options: StartLoreOptions = {}): Promise<LoreServer> {
  const name = options.name ?? 'lore start';
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawnLore(['start'], { ...env, PORT: String(port) });
  let logs = '';
  const keep = (d: Buffer) => (logs = (logs + d.toString()).slice(-LOG_KEEP_CHARS));
  child.stderr!.on('data', keep);
  child.stdout!.on('data', keep);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('close', () => process.removeListener('exit', killOnExit));

  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const timeoutMs = options.timeoutMs ?? 150_000;
  for (const deadline = Date.now() + timeoutMs; ; ) {
    if (exited()) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}):\n${logs}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not come up in ${timeoutMs / 1000} s:\n${logs}`);
    }
    const ready = await fetch(`${url}/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    child,
    port,
    url,
    logs: () => logs,
    async stop() {
      if (exited()) return child.exitCode;
      const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
      // A paused (SIGSTOP) process must run again to stop.
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      return closed;
    },
  };
}
