import { readFileSync } from 'node:fs';

/** A recorded or documented response kept under test/fixtures/ (each folder's README names its sources). */
export function readFixture<T = unknown>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${relativePath}`, import.meta.url), 'utf8')) as T;
}
