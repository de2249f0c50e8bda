import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './free-port.ts';
import { startServerProcess } from './server-process.ts';
import { redisServer } from './system-program.ts';
import { tempDir } from './temp-dir.ts';

// A throwaway redis-server for tests: its own port on 127.0.0.1, its own working directory, no persistence.
// Tests never depend on a system Redis service. Suites that need it go through `redisServer.describe`/`.it`:
// skipped without the program outside CI, failing under CI=true (REDIS_SERVER_BIN overrides its path).

export { freePort, redisServer };

export interface TestRedis {
  url: string;
  port: number;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
  /** Pauses (SIGSTOP) or resumes (SIGCONT) the server, to make it slow without closing connections. */
  pause(): void;
  resume(): void;
  /** Kills the server at once (SIGKILL), paused or not: it goes away without answering what it was sent. */
  crash(): Promise<void>;
}

export async function startRedis(options: { password?: string } = {}): Promise<TestRedis> {
  const bin = redisServer.require();
  const { dir, cleanup } = tempDir('lore-redis-');
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  if (options.password) args.push('--requirepass', options.password);
  const server = await startServerProcess({
    name: 'redis-server',
    bin,
    args,
    spawn: { cwd: dir },
    readyWhen: 'Ready to accept connections',
    cleanup,
  });
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    pause: () => server.child.kill('SIGSTOP'),
    resume: () => server.child.kill('SIGCONT'),
    crash: async () => {
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGKILL');
      await exited;
    },
    stop: () => server.stop(),
  };
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
