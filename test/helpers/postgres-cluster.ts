import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { findProgram, POSTGRES } from './find-program.ts';
import { freePort } from './free-port.ts';
import { startServerProcess } from './server-process.ts';
import { tempDir } from './temp-dir.ts';

// A throwaway PostgreSQL cluster: initdb into a temporary directory, the server on a free port of 127.0.0.1 (its
// socket in that directory too), trust authentication, fsync off: nothing of it is meant to survive. Test suites
// reach it through postgres-server.ts (skipped without the program outside CI); benchmarks start one directly.
// POSTGRES_BIN overrides where `postgres` is; its initdb is beside it. initdb and postgres refuse to run as root: as
// root (CI, this machine) they run as the `postgres` system user that Debian's package creates, in a directory that
// user owns. No test runner is imported here.

const run = promisify(execFile);

export interface TestPostgres {
  /** The cluster's `postgres` database, as the superuser `postgres`. */
  url: string;
  port: number;
  /** Creates an empty database (a fresh name unless given) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Pauses (SIGSTOP) or resumes (SIGCONT) the server: connections then hang instead of failing. */
  pause(): void;
  resume(): void;
  /** Stops the server (fast shutdown) and removes its directory. */
  stop(): Promise<void>;
}

/** The account to run PostgreSQL's programs as: ourselves, or as root the `postgres` user. */
function serverAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new Error('PostgreSQL refuses to run as root and there is no postgres user to run it as (apt-get install postgresql creates it)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = findProgram(POSTGRES).require();
  const account = serverAccount();
  const { dir, cleanup } = tempDir('lore-postgres-');
  const data = path.join(dir, 'data');
  const asServer = { ...account, cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' } };
  try {
    if (account) fs.chownSync(dir, account.uid, account.gid);
    await run(
      path.join(path.dirname(bin), 'initdb'),
      ['--pgdata', data, '--username', 'postgres', '--auth', 'trust', '--encoding', 'UTF8', '--locale', 'C', '--no-sync', '--no-instructions'],
      asServer,
    );
  } catch (error) {
    cleanup();
    throw new Error(`initdb failed: ${(error as { stderr?: string }).stderr || (error as Error).message}`, { cause: error });
  }
  const port = await freePort();
  const server = await startServerProcess({
    name: 'postgres',
    bin,
    args: [
      ...['-D', data, '-p', String(port), '-k', dir],
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    ],
    spawn: asServer,
    readyWhen: 'database system is ready to accept connections',
    timeoutMs: 30_000,
    // Fast shutdown: open sessions are ended instead of waited for.
    stopSignal: 'SIGINT',
    cleanup,
  });
  const urlOf = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  let databases = 0;
  return {
    url: urlOf('postgres'),
    port,
    async createDatabase(name = `lore_test_${++databases}`) {
      const client = new pg.Client({ connectionString: urlOf('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return urlOf(name);
    },
    pause: () => server.child.kill('SIGSTOP'),
    resume: () => server.child.kill('SIGCONT'),
    stop: () => server.stop(),
  };
}
