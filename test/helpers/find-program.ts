import fs from 'node:fs';
import path from 'node:path';

// Where a system program is (redis-server, PostgreSQL, Chromium, promtool), without any test runner: the suites'
// skip-or-fail rules are in system-program.ts; benchmarks that start a program use this directly.

export interface ProgramOptions {
  /** The program's name, as in messages. */
  name: string;
  /** The variable that overrides where it is. */
  env: string;
  defaultPath?: string;
  /** The Debian package that provides it. */
  install: string;
}

export interface FoundProgram {
  name: string;
  /** Where the program is, or where it was looked for when it is missing. */
  path: string;
  present: boolean;
  /** The one command that installs the program. */
  install: string;
  /** "at /usr/bin/x" or "on PATH", for messages. */
  lookedAt: string;
  /** The program's path; throws naming the command that installs it when it is missing. */
  require(): string;
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

/** Looks for a program: at `env`'s value when that variable is set, else at `defaultPath`, else on PATH. */
export function findProgram(options: ProgramOptions): FoundProgram {
  const where = process.env[options.env] || options.defaultPath || onPath(options.name) || options.name;
  const present = path.isAbsolute(where) && executable(where);
  const install = `apt-get install ${options.install}`;
  const lookedAt = path.isAbsolute(where) ? `at ${where}` : 'on PATH';
  return {
    name: options.name,
    path: where,
    present,
    install,
    lookedAt,
    require() {
      if (!present) {
        throw new Error(
          `${options.name} is missing: no ${options.name} ${lookedAt}. Install it before the tests (${install}; .ci/run does), or set ${options.env} to where it is`,
        );
      }
      return where;
    },
  };
}

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
export const POSTGRES: ProgramOptions = { name: 'postgres', env: 'POSTGRES_BIN', defaultPath: debianPostgres(), install: 'postgresql' };
