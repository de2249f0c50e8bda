import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

// A test server run as a child process (redis-server, postgres): started, awaited until it says it is ready, and
// stopped, without ever outliving the test process: a test that fails before its cleanup still has it killed and its
// directory removed when the process exits.

export interface ServerProcess {
  child: ChildProcess;
  /** Stops the server (`stopSignal`, SIGKILL after 5 s), then runs the cleanup. */
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  /** The program's name, for messages. */
  name: string;
  bin: string;
  args: string[];
  spawn?: Omit<SpawnOptions, 'stdio'>;
  /** The text the server writes (on stdout or stderr) once it accepts connections. */
  readyWhen: string;
  timeoutMs?: number;
  /** What asks it to stop; default SIGTERM. */
  stopSignal?: NodeJS.Signals;
  /** Runs after the server stopped, or when it failed to start (removes its directory). */
  cleanup(): void;
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(options.bin, options.args, { ...options.spawn, stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => {
    child.kill('SIGKILL');
    options.cleanup();
  };
  process.once('exit', killOnExit);
  try {
    await waitUntilReady(child, options.name, options.readyWhen, options.timeoutMs ?? 10_000);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    killOnExit();
    throw error;
  }
  return {
    child,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        // A paused (SIGSTOP) server must run again to stop.
        child.kill('SIGCONT');
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill(options.stopSignal ?? 'SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      options.cleanup();
    },
  };
}

function waitUntilReady(child: ChildProcess, name: string, marker: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`${name} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (data: Buffer) => {
      output += data.toString();
      if (!output.includes(marker)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.off('data', onData).resume();
      child.stderr!.off('data', onData).resume();
      resolve();
    };
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const onExit = (code: number | null) => fail(new Error(`${name} exited with ${code}:\n${output}`));
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', fail);
    child.once('exit', onExit);
  });
}
