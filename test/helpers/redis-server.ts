import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import net from 'node:net';
import { redisServer } from './system-program.ts';
import { tempDir } from './temp-dir.ts';

// A throwaway redis-server for tests: its own port on 127.0.0.1, its own working directory, no persistence.
// Tests never depend on a system Redis service. Suites that need it go through `redisServer.describe`/`.it`:
// skipped without the program outside CI, failing under CI=true (REDIS_SERVER_BIN overrides its path).

export { redisServer };

export interface TestRedis {
  url: string;
  port: number;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
  /** Pauses (SIGSTOP) or resumes (SIGCONT) the server, to make it slow without closing connections. */
  pause(): void;
  resume(): void;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startRedis(options: { password?: string } = {}): Promise<TestRedis> {
  const bin = redisServer.require();
  const { dir, cleanup } = tempDir('lore-redis-');
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  if (options.password) args.push('--requirepass', options.password);
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  // A test that fails before its cleanup must not leave a server behind when the test process ends.
  const killOnExit = () => {
    child.kill('SIGKILL');
    cleanup();
  };
  process.once('exit', killOnExit);
  try {
    await waitUntilReady(child, 10_000);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    killOnExit();
    throw error;
  }
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      cleanup();
    },
  };
}

function waitUntilReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (data: Buffer) => {
      output += data.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve();
      }
    };
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`redis-server exited with ${code}:\n${output}`)));
  });
}

/** Two clients on one test Redis, as two replicas see it, for a whole test file; `stop()` closes everything. */
export interface RedisPair {
  redis: TestRedis;
  one: Redis;
  two: Redis;
  stop(): Promise<void>;
}

export async function startRedisPair(): Promise<RedisPair> {
  const redis = await startRedis();
  const one = new Redis(redis.url);
  const two = new Redis(redis.url);
  return {
    redis,
    one,
    two,
    async stop() {
      one.disconnect();
      two.disconnect();
      await redis.stop();
    },
  };
}

/**
 * A RedisPair for a whole test file: started before its tests, stopped after them; read its fields inside tests
 * (put them in `redisServer.describe`, which skips them when there is no redis-server).
 */
export function useRedisPair(): RedisPair {
  const pair = {} as RedisPair;
  if (!redisServer.run) return pair;
  beforeAll(async () => {
    Object.assign(pair, await startRedisPair());
  });
  afterAll(async () => {
    await pair.stop?.();
  });
  return pair;
}
