import { describe, it } from 'vitest';
import { findProgram, POSTGRES, type ProgramOptions } from './find-program.ts';

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

/**
 * Looks for a system program: at `env`'s value when that variable is set, else at `defaultPath`, else on PATH.
 * `install` is the Debian package that provides it.
 */
export function systemProgram(options: ProgramOptions): SystemProgram {
  const { path: where, present, install, lookedAt, require } = findProgram(options);
  const required = process.env.CI === 'true';
  const run = present || required;
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
    require,
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

/** Programs a suite needs together: it runs when every one does, and is skipped naming the first one missing. */
export function allPrograms(...programs: [SystemProgram, ...SystemProgram[]]): Pick<SystemProgram, 'run' | 'describe'> {
  const missing = programs.find((program) => !program.run);
  return { run: missing === undefined, describe: (name, body) => (missing ?? programs[0]).describe(name, body) };
}

export const redisServer = systemProgram({
  name: 'redis-server',
  env: 'REDIS_SERVER_BIN',
  defaultPath: '/usr/bin/redis-server',
  install: 'redis-server',
});
/** The PostgreSQL server; its initdb is beside it. */
export const postgresServer = systemProgram(POSTGRES);
export const chromiumProgram = systemProgram({ name: 'chromium', env: 'CHROMIUM_PATH', defaultPath: '/usr/bin/chromium', install: 'chromium' });
export const promtoolProgram = systemProgram({ name: 'promtool', env: 'PROMTOOL_BIN', install: 'prometheus' });
