import { InputError } from './input-error.ts';

const ERRNO_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'no such file or directory (a parent is not a directory)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many levels of symbolic links',
  EISDIR: 'is a directory, not a file',
  ENAMETOOLONG: 'file name too long',
};

/**
 * File-system failures that describe the user's path become InputErrors; anything else (EIO, EMFILE…)
 * is a problem with this machine, not with the input, and is passed on as it is.
 */
export function fileSystemError(shownAs: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code ? ERRNO_REASONS[code] : undefined;
  if (reason) return new InputError(shownAs, reason, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}
