import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import type { SourceDocument } from '../../rag/types.ts';
import { detectFormat } from './detect-format.ts';
import { displayPath as toDisplayPath, toPosixPath } from './display-path.ts';
import type { FileInput } from './file-document.ts';
import { DEFAULT_FILE_LIMITS, formatBytes, type FileLimits } from './file-limits.ts';
import { fileSystemError } from './file-system-error.ts';
import { InputError } from './input-error.ts';
import { parseInWorker } from './parse-in-worker.ts';

export interface LoadFileOptions {
  /** Folder the document id is relative to (`files:<path from root>`); defaults to the file's own folder. */
  root?: string;
  limits?: FileLimits;
}

/**
 * One file on disk to one document. Every way the file itself can be wrong becomes an InputError
 * naming it; the size limit is enforced from `stat`, before a byte is read.
 */
export async function loadFile(path: string, options: LoadFileOptions = {}): Promise<SourceDocument> {
  const limits = options.limits ?? DEFAULT_FILE_LIMITS;
  const absPath = resolve(path);
  const shownAs = toDisplayPath(absPath);
  const root = resolve(options.root ?? dirname(absPath));
  const fromRoot = relative(root, absPath);
  if (fromRoot === '' || fromRoot.startsWith('..') || isAbsolute(fromRoot)) {
    throw new InputError(shownAs, `is outside the folder it is indexed from (${root})`);
  }

  const stats = await statFile(absPath, shownAs);
  if (stats.isDirectory()) throw new InputError(shownAs, 'is a directory, not a file');
  // FIFOs, sockets and devices would block or never end when read.
  if (!stats.isFile()) throw new InputError(shownAs, 'is not a regular file');
  if (stats.size > limits.maxFileBytes) {
    throw new InputError(shownAs, `file is too large: ${formatBytes(stats.size)}, over the ${formatBytes(limits.maxFileBytes)} limit`);
  }
  const format = detectFormat(absPath);
  if (!format) {
    const extension = extname(absPath);
    throw new InputError(shownAs, extension ? `unsupported file type ${extension}` : 'unsupported file type (no extension)');
  }
  if (stats.size === 0) throw new InputError(shownAs, 'file is empty');

  const input: FileInput = {
    absPath,
    relativePath: toPosixPath(fromRoot),
    displayPath: shownAs,
    format,
    bytes: await readAtMost(absPath, stats.size, shownAs),
    modifiedAt: stats.mtime,
    limits,
  };
  // Parsed in a worker thread, within the memory and time limits (parse-in-worker.ts).
  const document = await parseInWorker(input);

  if (document.text.trim() === '') throw new InputError(shownAs, 'file is empty (no text after extraction)');
  if (document.text.length > limits.maxTextChars) {
    throw new InputError(shownAs, `extracted text is ${document.text.length} characters, over the ${limits.maxTextChars} limit`);
  }
  return document;
}

async function statFile(absPath: string, shownAs: string): Promise<Stats> {
  try {
    return await stat(absPath);
  } catch (error) {
    throw fileSystemError(shownAs, error);
  }
}

/** Reads no more than the size `stat` reported, so a file growing under us cannot slip past the limit. */
async function readAtMost(absPath: string, size: number, shownAs: string): Promise<Buffer> {
  try {
    const handle = await open(absPath, 'r');
    try {
      const buffer = Buffer.alloc(size);
      let filled = 0;
      while (filled < size) {
        const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === size ? buffer : buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw fileSystemError(shownAs, error);
  }
}
