import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';

// Some suites drive a system program (redis-server, PostgreSQL, Chromium, promtool) that `npm ci` does not install. On a
// developer's machine without it those suites are skipped, and their names say why and the one command that
// installs it; in CI (`CI=true`) a missing program is an installation fault, so they run and fail loudly.
// Each program's path can be overridden by an environment variable, which is also how to check the skipping
// without uninstalling anything (e.g. REDIS_SERVER_BIN=/nonexistent npx vitest run test/app/shared-state.test.ts).

export interface SystemProgram {
  /** The program's name, as in messages. */
  name: string;
  /** Where the program is, or where it was looked for when it is missing. */
  path: string;
  present: boolean;
  /** Whether the suites that need it run here (present, or required under CI=true). */
  run: boolean;
  /** Empty when the suites run; otherwise ` (skipped: …; apt-get install …)`, to append to a suite's name. */
  skipReason: string;
  /** The one command that installs the program. */
  install: string;
  /** The program's path; throws naming the command that installs it when it is missing (as under CI=true). */
  require(): string;
  /** `describe`, skipped with the reason in its name when the program is missing (outside CI). */
  describe(name: string, body: () => void): void;
  /** `it`, skipped with the reason in its name when the program is missing (outside CI). */
  it(name: string, body: () => unknown, timeout?: number): void;
}

function executable(candidate: string): boolean {
  try {
    fs.accessSync(candidate, fs.constants.X_OK);
    return fs.statSync(candidate).isFile();
  } catch {
    return false;
  }
}

function onPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, program))) return path.join(dir, program);
  }
  return undefined;
}

/**
 * Looks for a system program: at `env`'s value when that variable is set, else at `defaultPath`, else on PATH.
 * `install` is the Debian package that provides it.
 */
export function systemProgram(options: { name: string; env: string; defaultPath?: string; install: string }): SystemProgram {
  const override = process.env[options.env];
  const where = override || options.defaultPath || onPath(options.name) || options.name;
  const present = path.isAbsolute(where) && executable(where);
  const required = process.env.CI === 'true';
  const run = present || required;
  const install = `apt-get install ${options.install}`;
  const lookedAt = path.isAbsolute(where) ? `at ${where}` : 'on PATH';
  const skipReason = run ? '' : ` (skipped: no ${options.name} ${lookedAt}; ${install})`;
  let warned = false;
  const warnSkipped = () => {
    if (run || warned) return;
    warned = true;
    console.warn(`Tests needing ${options.name} skipped: no ${options.name} ${lookedAt} (${install}; under CI=true they fail instead)`);
  };
  return {
    name: options.name,
    path: where,
    present,
    run,
    skipReason,
    install,
    require() {
      if (!present) {
        throw new Error(
          `${options.name} is missing: no ${options.name} ${lookedAt}. Install it before the tests (${install}; .ci/run does), or set ${options.env} to where it is`,
        );
      }
      return where;
    },
    describe(name, body) {
      warnSkipped();
      describe.runIf(run)(`${name}${skipReason}`, body);
    },
    it(name, body, timeout) {
      warnSkipped();
      it.runIf(run)(`${name}${skipReason}`, body, timeout);
    },
  };
}

export const redisServer = systemProgram({
  name: 'redis-server',
  env: 'REDIS_SERVER_BIN',
  defaultPath: '/usr/bin/redis-server',
  install: 'redis-server',
});
/**
 * Debian installs PostgreSQL's server programs off PATH, in /usr/lib/postgresql/<major>/bin: the newest major there,
 * else where Debian 12's PostgreSQL 15 puts it.
 */
function debianPostgres(): string {
  const root = '/usr/lib/postgresql';
  const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((name) => /^\d+$/.test(name)) : [];
  majors.sort((a, b) => Number(b) - Number(a));
  const found = majors.map((major) => path.join(root, major, 'bin', 'postgres')).find(executable);
  return found ?? path.join(root, '15', 'bin', 'postgres');
}

/** The PostgreSQL server; its initdb is beside it. */
export const postgresServer = systemProgram({ name: 'postgres', env: 'POSTGRES_BIN', defaultPath: debianPostgres(), install: 'postgresql' });
export const chromiumProgram = systemProgram({ name: 'chromium', env: 'CHROMIUM_PATH', defaultPath: '/usr/bin/chromium', install: 'chromium' });
export const promtoolProgram = systemProgram({ name: 'promtool', env: 'PROMTOOL_BIN', install: 'prometheus' });
