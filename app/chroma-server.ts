import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from './logger.ts';
import { LoreError } from '../rag/errors.ts';

const CHILD_SCRIPT = fileURLToPath(new URL('./chroma-child.mjs', import.meta.url));

export interface ChromaServer {
  url: string;
  /** The child process that runs it. */
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * All the environment the Chroma child gets: where programs, home and temporary files are, and the locale. Lore's own
 * environment holds every token it was given (Slack, Discord, Gemini, Notion, GitHub, Redis); none of them is
 * Chroma's business, and a child that never had them cannot leak them.
 */
const CHILD_ENVIRONMENT = ['PATH', 'HOME', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'LC_ALL', 'TZ', 'SYSTEMROOT'];

function childEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const kept = Object.fromEntries(CHILD_ENVIRONMENT.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])));
  return { ...kept, ANONYMIZED_TELEMETRY: 'False', NO_COLOR: '1' };
}

export class ChromaStartError extends LoreError {
  override readonly code: string = 'chroma_start_failed';
  override name = 'ChromaStartError';
}

/**
 * Starts the Chroma server that ships in the `chromadb` npm package on a free loopback port, with its
 * data in `dataDir` (reused across runs), and waits until it answers its heartbeat.
 */
export async function startChromaServer(
  dataDir: string,
  log: Logger,
  { startTimeoutMs = 30_000 }: { startTimeoutMs?: number } = {},
): Promise<ChromaServer> {
  try {
    // Vectors and chunk text of private documents: for Lore's user only.
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ChromaStartError(`Could not create the Chroma data directory ${path.resolve(dataDir)}: ${(error as Error).message}`);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [CHILD_SCRIPT, 'run', '--path', dataDir, '--host', '127.0.0.1', '--port', String(port)], {
    // stdin stays an open pipe: the child exits when it closes, i.e. when this process dies.
    stdio: ['pipe', 'pipe', 'pipe'],
    env: childEnvironment(process.env),
  });
  const output: string[] = [];
  const remember = (data: Buffer) => {
    output.push(data.toString('utf8'));
    if (output.length > 50) output.shift();
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);

  const stopOnExit = () => child.kill('SIGKILL');
  process.once('exit', stopOnExit);

  try {
    await waitForHeartbeat(url, child, startTimeoutMs);
  } catch (error) {
    process.removeListener('exit', stopOnExit);
    await stopChild(child);
    const detail = output.join('').trim().split('\n').slice(-5).join('\n');
    throw new ChromaStartError(
      `Could not start the embedded Chroma server (data in ${path.resolve(dataDir)}): ${(error as Error).message}${detail ? `\n${detail}` : ''}`,
    );
  }
  log.info({ url, dataDir, pid: child.pid }, 'embedded Chroma started');

  return {
    url,
    pid: child.pid,
    async stop() {
      process.removeListener('exit', stopOnExit);
      await stopChild(child);
      log.info({ pid: child.pid }, 'embedded Chroma stopped');
    },
  };
}

async function waitForHeartbeat(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `it exited (${signal ?? `code ${code}`})`));
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited);
    try {
      const response = await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no heartbeat within ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
