import { createHash } from 'node:crypto';

/** Hex SHA-256 of a UTF-8 string: the content key for chunk ids and the embedding cache. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
