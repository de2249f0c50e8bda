import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { formatBytes, type FileLimits } from './file-limits.ts';
import { InputError } from './input-error.ts';
import { errorMessage } from '../../rag/errors.ts';

export interface ZipInventory {
  /** Every entry name, in archive order. */
  names: string[];
  /** Inflated contents of the entries the caller asked to keep. */
  kept: Map<string, Buffer>;
}

interface CheckOptions {
  /** What kind of archive the user thinks this is, for messages: `DOCX`. */
  kind: string;
  /** Entries whose contents the caller wants back (small metadata parts), so nothing is inflated twice. */
  keep?: readonly string[];
}

const STORED = 0;
const DEFLATED = 8;

/**
 * Proves a zip archive is safe to hand to a parser that inflates it in memory (mammoth → JSZip).
 * Headers are checked first (entry count, declared sizes, compression ratio) so an obvious bomb
 * costs nothing; then every entry is really inflated, streaming, against its declared size, because
 * headers are written by the attacker: an entry that inflates past what it declared is refused
 * the moment it does, long before the real size could hurt.
 */
export async function checkZipArchive(bytes: Buffer, displayPath: string, limits: FileLimits, options: CheckOptions): Promise<ZipInventory> {
  const corrupt = (error: unknown): InputError =>
    new InputError(displayPath, `truncated or corrupt ${options.kind} (${errorMessage(error)})`, { cause: error });

  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(bytes, {
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
      decodeStrings: true,
    });
  } catch (error) {
    throw corrupt(error);
  }

  try {
    if (zip.entryCount > limits.maxZipEntries) {
      throw new InputError(displayPath, `${options.kind} archive has ${zip.entryCount} entries (limit ${limits.maxZipEntries})`);
    }

    const entries: yauzl.Entry[] = [];
    try {
      for await (const entry of zip.eachEntry()) entries.push(entry);
    } catch (error) {
      throw corrupt(error);
    }

    let declaredTotal = 0;
    for (const entry of entries) {
      if (entry.isEncrypted()) {
        throw new InputError(displayPath, `${options.kind} is encrypted (zip entry ${entry.fileName})`);
      }
      if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
        throw new InputError(
          displayPath,
          `${options.kind} uses unsupported zip compression method ${entry.compressionMethod} (entry ${entry.fileName})`,
        );
      }
      declaredTotal += entry.uncompressedSize;
    }
    if (declaredTotal > limits.maxDecompressedBytes) {
      throw new InputError(
        displayPath,
        `${options.kind} would decompress to ${formatBytes(declaredTotal)} (limit ${formatBytes(limits.maxDecompressedBytes)}); refusing a possible zip bomb`,
      );
    }
    const ratio = declaredTotal / Math.max(1, bytes.length);
    if (ratio > limits.maxCompressionRatio) {
      throw new InputError(
        displayPath,
        `${options.kind} compression ratio ${Math.round(ratio)}:1 exceeds the limit of ${limits.maxCompressionRatio}:1; refusing a possible zip bomb`,
      );
    }

    const keep = new Set(options.keep ?? []);
    const kept = new Map<string, Buffer>();
    for (const entry of entries) {
      if (entry.fileName.endsWith('/')) continue;
      let stream: Readable;
      try {
        stream = await zip.openReadStreamPromise(entry);
      } catch (error) {
        throw corrupt(error);
      }
      const chunks: Buffer[] = [];
      try {
        // yauzl fails the stream the moment an entry inflates past its declared size; since the declared
        // sizes were checked against the limit above, the archive as a whole cannot exceed it either.
        for await (const chunk of stream) {
          if (keep.has(entry.fileName)) chunks.push(chunk as Buffer);
        }
      } catch (error) {
        if (/too many bytes/.test(errorMessage(error))) {
          throw new InputError(
            displayPath,
            `zip entry ${entry.fileName} inflates to more than the ${formatBytes(entry.uncompressedSize)} its header declares; refusing a forged ${options.kind}`,
            { cause: error },
          );
        }
        throw corrupt(error);
      }
      if (keep.has(entry.fileName)) kept.set(entry.fileName, Buffer.concat(chunks));
    }

    return { names: entries.map((entry) => entry.fileName), kept };
  } finally {
    zip.close();
  }
}
