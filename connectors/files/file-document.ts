import { basename, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DocumentFormat, SourceDocument } from '../../rag/types.ts';
import type { DetectedFormat } from './detect-format.ts';
import type { FileLimits } from './file-limits.ts';

/** One file read from disk, handed to a loader: where it is, what it is called, its bytes. */
export interface FileInput {
  /** Absolute path on disk; becomes the `file://` url. */
  absPath: string;
  /** POSIX path relative to the root the caller chose; the document id is `files:<relativePath>`. */
  relativePath: string;
  /** How error messages name the file. */
  displayPath: string;
  /** Decided from the extension; the loader checks the bytes agree. */
  format: DetectedFormat;
  bytes: Buffer;
  modifiedAt: Date;
  limits: FileLimits;
}

/** What a loader extracted; the rest of the document comes from the file itself. */
export interface Extracted {
  title: string;
  text: string;
  format: DocumentFormat;
  metadata?: Record<string, string | number | boolean>;
}

export function fileDocument(input: FileInput, extracted: Extracted): SourceDocument {
  const document: SourceDocument = {
    id: `files:${input.relativePath}`,
    source: 'files',
    title: extracted.title,
    url: pathToFileURL(input.absPath).href,
    path: input.relativePath,
    format: extracted.format,
    extension: input.format.extension,
    text: extracted.text,
    sizeBytes: input.bytes.length,
    modifiedAt: input.modifiedAt.toISOString(),
  };
  if (input.format.language) document.language = input.format.language;
  if (extracted.metadata) document.metadata = extracted.metadata;
  return document;
}

/** The title of last resort: the file name is what the user would call the file anyway. */
export function fileNameTitle(input: FileInput): string {
  const name = basename(input.absPath);
  // "index.md" and "README.md" name a folder's page, not a subject: the folder says what it is about.
  if (/^(?:index|readme|_index|default|home)\.[a-z0-9]+$/i.test(name)) {
    const folder = basename(dirname(input.absPath));
    if (folder && folder !== '.' && folder !== '/') return `${folder}/${name}`;
  }
  return name;
}

/** Collapses whitespace and drops empty titles, so `'  '` from metadata falls back to the next source. */
export function cleanTitle(title: string | undefined | null): string | undefined {
  const cleaned = title?.replace(/\s+/g, ' ').trim();
  return cleaned ? cleaned : undefined;
}
