import { hasUnicodeBom } from './detect-format.ts';
import { InputError } from './input-error.ts';

/**
 * Bytes to a string, refusing anything that is not cleanly encoded text: a lossy decode would
 * index replacement characters and hide that the file was not what its name claimed.
 * UTF-8 (with or without BOM) always; UTF-16 only when a BOM says so. Line endings become `\n`.
 */
export function decodeText(bytes: Uint8Array, displayPath: string): string {
  const encoding = utf16Encoding(bytes) ?? 'utf-8';
  if (encoding === 'utf-8' && bytes.includes(0)) {
    throw new InputError(displayPath, 'binary data (contains NUL bytes), not text');
  }
  let text: string;
  try {
    // The BOM is consumed by the decoder (ignoreBOM defaults to false), so it never reaches the text.
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch (error) {
    const where = encoding === 'utf-8' ? ` at byte ${firstInvalidUtf8Offset(bytes)}` : '';
    throw new InputError(displayPath, `not valid ${encoding.toUpperCase()} text (invalid byte sequence${where})`, {
      cause: error,
    });
  }
  return text.replace(/\r\n?/g, '\n');
}

function utf16Encoding(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (!hasUnicodeBom(bytes)) return undefined;
  return bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
}

/** Tells the user where to look; only run once decoding has already failed. */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // Binary search on prefixes would be wrong (a prefix can end mid-character), so scan characters.
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    const length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    try {
      decoder.decode(bytes.subarray(i, i + length));
    } catch {
      return i;
    }
    i += length;
  }
  return i;
}
