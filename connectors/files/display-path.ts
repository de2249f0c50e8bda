import { isAbsolute, relative, resolve, sep } from 'node:path';

/** How to name a file to the user: as they would have typed it (relative to where they are), else in full. */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const absolute = resolve(cwd, path);
  const fromCwd = relative(cwd, absolute);
  if (fromCwd === '' || fromCwd.startsWith('..') || isAbsolute(fromCwd)) return absolute;
  return fromCwd;
}

/** `a/b.md` on every platform: document ids must not depend on where they were indexed. */
export function toPosixPath(path: string): string {
  // Only the platform separator: on POSIX a backslash is an ordinary character in a file name.
  return path.split(sep).join('/');
}
