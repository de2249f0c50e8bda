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

/** What the program that exported a document puts before its source file's name: "Microsoft Word - handbook.docx". */
const PRODUCER_PREFIX = /^(?:microsoft\s+(?:office\s+)?(?:word|powerpoint|excel)|libreoffice\s+\w+|openoffice\s+\w+)\s*[-–—:]\s*/i;
/** The source file's extension the program left on the title. */
const SOURCE_EXTENSION = /\.(?:docx?|dotx?|pptx?|xlsx?|odt|odp|ods|rtf|pages|key|numbers|indd|tex|md|txt|html?|pdf)$/i;
/** A title the program made up, not the author: "Untitled", "Untitled-3", "Document1", "Presentation2", "Slide 1". */
const PLACEHOLDER =
  /^(?:untitled(?:\s+document)?(?:[-\s_]*\d+)?|document\s*\d*|doc\s*\d*|presentation\s*\d*|slide\s*\d*|book\s*\d+|title|new document|none|null|\d+)$/i;

/**
 * A document's own title, when the one it declares is one: a PDF's metadata title often names the file it was exported
 * from ("Microsoft Word - Leave policy v3.docx"), and editors fill in placeholders ("Untitled", "Untitled Document",
 * "Document1"), which cite every such document alike. The exporting program's prefix and the source's extension go; a
 * placeholder is no title, so the caller's next choice (a heading, the file name) stands instead.
 */
export function ownTitle(declared: string | undefined | null): string | undefined {
  const title = cleanTitle(declared)?.replace(PRODUCER_PREFIX, '').replace(SOURCE_EXTENSION, '').trim();
  return title && !PLACEHOLDER.test(title) ? title : undefined;
}
