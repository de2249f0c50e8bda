import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { isSupportedPath } from './detect-format.ts';
import { displayPath, toPosixPath } from './display-path.ts';
import { fileSystemError } from './file-system-error.ts';
import { InputError } from './input-error.ts';

export interface FoundFile {
  /** Absolute path. */
  path: string;
  /** Folder the document id is relative to: the folder that was named, or a named file's own folder. */
  root: string;
  /** POSIX path from `root`; the document id is `files:<relativePath>`. */
  relativePath: string;
}

export interface PathFailure {
  /** Absolute path. */
  path: string;
  error: InputError;
}

export type WalkEntry = FoundFile | PathFailure;

export interface WalkOptions {
  /** One root for every path (e.g. the configured files folder) instead of one per argument. */
  root?: string;
}

/** Folders that hold tooling and dependencies, never a team's documents. */
const SKIPPED_DIRECTORIES = new Set(['node_modules']);

/**
 * Expands the paths a user named into the files to load, in a stable order (arguments as given,
 * folder contents by name). Inside folders, hidden entries, `node_modules` and files no loader reads
 * are skipped quietly, since folders hold such things as a matter of course; a path the user named
 * explicitly is never skipped quietly. Symbolic links are followed only while they stay inside the root.
 * Problems are yielded as entries, never thrown, so one bad path does not stop the batch.
 */
export async function* walkPaths(paths: string[], options: WalkOptions = {}): AsyncGenerator<WalkEntry> {
  const fixedRoot = options.root === undefined ? undefined : resolve(options.root);
  const yielded = new Set<string>();

  for (const given of paths) {
    const absPath = resolve(given);
    let isDirectory: boolean;
    try {
      const stats = await stat(absPath);
      if (!stats.isDirectory() && !stats.isFile()) {
        yield failure(absPath, 'is not a regular file');
        continue;
      }
      isDirectory = stats.isDirectory();
    } catch (error) {
      yield failure(absPath, error);
      continue;
    }

    const root = fixedRoot ?? (isDirectory ? absPath : dirname(absPath));
    if (!isInside(root, absPath) && !(isDirectory && root === absPath)) {
      yield failure(absPath, `is outside the folder files are indexed from (${root})`);
      continue;
    }

    if (!isDirectory) {
      if (!isSupportedPath(absPath)) {
        const extension = extname(absPath);
        yield failure(absPath, extension ? `unsupported file type ${extension}` : 'unsupported file type (no extension)');
        continue;
      }
      if (!yielded.has(absPath)) {
        yielded.add(absPath);
        yield found(absPath, root);
      }
      continue;
    }

    let realRoot: string;
    let realDirectory: string;
    try {
      realRoot = await realpath(root);
      realDirectory = await realpath(absPath);
    } catch (error) {
      yield failure(absPath, error);
      continue;
    }
    for await (const entry of walkDirectory(absPath, root, realRoot, new Set([realDirectory]))) {
      if ('error' in entry) {
        yield entry;
      } else if (!yielded.has(entry.path)) {
        // `lore ingest docs docs/a.md` names a.md twice; it is one document.
        yielded.add(entry.path);
        yield entry;
      }
    }
  }
}

async function* walkDirectory(directory: string, root: string, realRoot: string, visited: Set<string>): AsyncGenerator<WalkEntry> {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    yield failure(directory, error);
    return;
  }
  // Code-point order, not locale order: the same tree lists the same way on every machine.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  for (const entry of entries) {
    if (entry.name.startsWith('.') || SKIPPED_DIRECTORIES.has(entry.name)) continue;
    const path = join(directory, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();

    if (entry.isSymbolicLink()) {
      let target: string;
      try {
        target = await realpath(path);
      } catch {
        yield failure(path, 'broken symbolic link');
        continue;
      }
      if (target !== realRoot && !isInside(realRoot, target)) {
        yield failure(path, `symbolic link points outside ${displayPath(root)}; not followed`);
        continue;
      }
      try {
        const stats = await stat(target);
        isDirectory = stats.isDirectory();
        isFile = stats.isFile();
      } catch (error) {
        yield failure(path, error);
        continue;
      }
    }

    if (isDirectory) {
      let real: string;
      try {
        real = await realpath(path);
      } catch (error) {
        yield failure(path, error);
        continue;
      }
      // A link back up the tree would otherwise be walked forever.
      if (visited.has(real)) continue;
      visited.add(real);
      yield* walkDirectory(path, root, realRoot, visited);
    } else if (isFile && isSupportedPath(path)) {
      yield found(path, root);
    }
  }
}

function found(path: string, root: string): FoundFile {
  return { path, root, relativePath: toPosixPath(relative(root, path)) };
}

function failure(path: string, problem: unknown): PathFailure {
  const shown = displayPath(path);
  if (typeof problem === 'string') return { path, error: new InputError(shown, problem) };
  const error = fileSystemError(shown, problem);
  if (error instanceof InputError) return { path, error };
  return { path, error: new InputError(shown, `cannot be read (${error.message})`, { cause: error }) };
}

function isInside(root: string, path: string): boolean {
  const fromRoot = relative(root, path);
  return fromRoot !== '' && !fromRoot.startsWith('..') && !isAbsolute(fromRoot);
}
