import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { InputError } from '../../../connectors/files/input-error.ts';

export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/files/', import.meta.url));

export function fixture(name: string): string {
  return join(FIXTURES_DIR, name);
}

/** A fresh temp folder, and a way to remove it. */
export async function makeTempDir(): Promise<{
  dir: string;
  write(name: string, contents: string | Uint8Array): Promise<string>;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'lore-files-'));
  return {
    dir,
    async write(name, contents) {
      const path = join(dir, name);
      await writeFile(path, contents);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * The promise must reject with an InputError that names the file (by its name, whatever the
 * directory it is shown relative to) and gives the expected reason.
 */
export async function expectInputError(promise: Promise<unknown>, file: string, reason: RegExp): Promise<InputError> {
  const error: unknown = await promise.then(
    (value) => {
      throw new Error(`expected an InputError for ${file}, got a result: ${JSON.stringify(value).slice(0, 200)}`);
    },
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(InputError);
  const inputError = error as InputError;
  expect(basename(inputError.path)).toBe(basename(file));
  expect(inputError.reason).toMatch(reason);
  expect(inputError.message).toBe(`${inputError.path}: ${inputError.reason}`);
  return inputError;
}
