import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { detectFormat } from '../connectors/files/detect-format.ts';
import { fileLimits, formatBytes, type FileLimits } from '../connectors/files/file-limits.ts';
import { InputError } from '../connectors/files/input-error.ts';
import { loadFile } from '../connectors/files/load-file.ts';
import type { DocumentCandidate, IndexSummary } from '../rag/index/indexer.ts';
import type { Runtime } from './runtime.ts';
import { LoreError } from '../rag/errors.ts';

// Files handed to Lore directly (shared in a chat, posted to POST /ingest) all take this one path: the limits and
// loaders of `lore ingest` (size, type by extension, zip-bomb and corrupt-file guards), indexed as the `upload`
// source with an `uploadScope` saying who may see them (`slack:C123`, `http:3fa9c2d1e0b4`).

export const SUPPORTED_KINDS = 'PDF, DOCX, HTML, Markdown, text and source code';

/** One uploaded file, before it is staged. */
export interface UploadedFile {
  /** Who may find it: only questions carrying this `uploadScope` see it. */
  scope: string;
  /** Names the file within its scope: uploading the same id again updates it. */
  fileId: string;
  /** As the uploader named it; shown in errors instead of any temporary path. */
  fileName: string;
  title: string;
  /** Where a citation of the file links to. */
  url: string;
  /** `<platform>:<user id>`. */
  uploadedBy: string;
}

/** A file written into a staging directory, ready to index. */
export interface StagedUpload extends UploadedFile {
  file: string;
  sizeBytes: number;
  /** sha256 of the bytes: an identical re-upload costs nothing. */
  fingerprint: string;
}

/** A file over the size limit; nothing past the limit was kept. */
export class UploadTooLargeError extends LoreError {
  override readonly code: string = 'upload_too_large';
  override name = 'UploadTooLargeError';

  constructor(
    readonly fileName: string,
    message: string,
  ) {
    super(message);
  }
}

export function uploadDocId(upload: Pick<UploadedFile, 'scope' | 'fileId'>): string {
  return `upload:${upload.scope}:${upload.fileId}`;
}

export function tooLargeMessage(limits: Pick<FileLimits, 'maxFileBytes'>, sizeBytes?: number): string {
  const size = sizeBytes === undefined ? '' : ` ${formatBytes(sizeBytes)},`;
  return `the file is too large:${size} over the ${formatBytes(limits.maxFileBytes)} limit.`;
}

/**
 * Why a file cannot be learned from, judged by its name and (when known) its size before a byte is read;
 * undefined when it may be.
 */
export function uploadRefusal(file: { name: string; sizeBytes?: number }, limits: Pick<FileLimits, 'maxFileBytes'>): string | undefined {
  if (!detectFormat(file.name)) {
    const extension = path.extname(file.name);
    return `${extension ? `${extension} files are` : 'files without an extension are'} not supported: I can learn ${SUPPORTED_KINDS} files.`;
  }
  if (file.sizeBytes === undefined) return undefined;
  if (file.sizeBytes > limits.maxFileBytes) return tooLargeMessage(limits, file.sizeBytes);
  if (file.sizeBytes === 0) return 'the file is empty.';
  return undefined;
}

/**
 * Runs `work` with a private staging directory (the bytes are someone's document, and the names come from
 * outside), removed afterwards whatever happens.
 */
export async function withUploadDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lore-upload-'));
  try {
    return await work(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes one file into the staging directory, hashing it on the way. A stream is cut off the moment it passes
 * `limits.maxFileBytes` (UploadTooLargeError): an upload is never held whole in memory, nor kept past the limit.
 */
export async function stageUpload(
  dir: string,
  upload: UploadedFile,
  content: Uint8Array | AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  limits: Pick<FileLimits, 'maxFileBytes'>,
): Promise<StagedUpload> {
  // One sub-directory per file: two uploads may share a name.
  const fileDir = await fs.mkdtemp(path.join(dir, 'f-'));
  const file = path.join(fileDir, safeFileName(upload.fileName));
  const hash = createHash('sha256');
  let sizeBytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sizeBytes += chunk.byteLength;
      if (sizeBytes > limits.maxFileBytes) {
        callback(new UploadTooLargeError(upload.fileName, tooLargeMessage(limits, content instanceof Uint8Array ? content.byteLength : undefined)));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  const source = content instanceof Uint8Array ? [Buffer.from(content.buffer, content.byteOffset, content.byteLength)] : content;
  await pipeline(source, meter, createWriteStream(file, { mode: 0o600 }));
  return { ...upload, file, sizeBytes, fingerprint: hash.digest('hex') };
}

/**
 * Indexes staged files in one batch as the `upload` source. Each failure names the file as its uploader named it
 * (`path` is `fileName`), never the staging path; the good files are indexed whatever happens to the others.
 */
export async function indexUploads(runtime: Pick<Runtime, 'indexer' | 'config'>, dir: string, staged: StagedUpload[]): Promise<IndexSummary> {
  const limits = fileLimits(runtime.config.limits);
  const byId = new Map(staged.map((upload) => [uploadDocId(upload), upload]));
  const candidates = staged.map((upload): DocumentCandidate => {
    const id = uploadDocId(upload);
    return {
      id,
      location: id,
      fingerprint: upload.fingerprint,
      load: async () => {
        try {
          const doc = await loadFile(upload.file, { root: path.dirname(upload.file), limits });
          return {
            ...doc,
            id,
            source: 'upload',
            title: upload.title,
            url: upload.url,
            path: upload.fileName,
            metadata: { ...doc.metadata, uploadScope: upload.scope, uploadedBy: upload.uploadedBy },
          };
        } catch (error) {
          // The reason alone: the staging path means nothing to the person who uploaded the file.
          if (error instanceof InputError) throw Object.assign(new Error(error.reason), { permanent: true });
          throw error;
        }
      },
    };
  });
  const summary = candidates.length === 0 ? emptySummary() : await runtime.indexer.index(candidates, { source: 'upload' });
  return {
    ...summary,
    failed: summary.failed.map(({ path: location, error }) => {
      const upload = byId.get(location);
      if (!upload) return { path: location, error: error.replaceAll(dir, '') };
      return { path: upload.fileName, error: error.replaceAll(upload.file, upload.fileName).replaceAll(dir, '') };
    }),
  };
}

function emptySummary(): IndexSummary {
  return { added: 0, updated: 0, unchanged: 0, deleted: 0, failed: [], retryableFailures: 0 };
}

/** The last path segment, without control characters, short enough for any file system; the extension is kept. */
export function safeFileName(name: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  const extension = path.extname(base).slice(0, 16);
  const stem = base.slice(0, base.length - extension.length).slice(0, 100) || 'upload';
  return `${stem.replace(/^\.+/, '_')}${extension}`;
}
