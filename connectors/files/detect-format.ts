import { extname } from 'node:path';
import { InputError } from './input-error.ts';
import { codeLanguage } from '../../rag/chunk/code-language.ts';

/** Which loader reads a file. */
export type FileKind = 'pdf' | 'docx' | 'html' | 'markdown' | 'text' | 'code';

export interface DetectedFormat {
  kind: FileKind;
  /** Lower-case, without the dot: `pdf`, `md`, `ts`. */
  extension: string;
  /** For code: the language name chunkers and metadata use. */
  language?: string;
}

const KIND_BY_EXTENSION: Readonly<Record<string, FileKind>> = {
  pdf: 'pdf',
  docx: 'docx',
  html: 'html',
  htm: 'html',
  md: 'markdown',
  mdx: 'markdown',
  markdown: 'markdown',
  txt: 'text',
  text: 'text',
  rst: 'text',
  adoc: 'text',
  asciidoc: 'text',
  org: 'text',
  csv: 'text',
  tsv: 'text',
  log: 'text',
};

/** `undefined` when no loader reads this kind of file. */
export function detectFormat(path: string): DetectedFormat | undefined {
  const extension = extname(path).slice(1).toLowerCase();
  if (!extension) return undefined;
  const kind = KIND_BY_EXTENSION[extension];
  if (kind) return { kind, extension };
  const language = codeLanguage(extension);
  if (language) return { kind: 'code', extension, language };
  return undefined;
}

export function isSupportedPath(path: string): boolean {
  return detectFormat(path) !== undefined;
}

/** Signatures of common binary formats, so a refusal can say what the file really is. */
const MAGIC_NUMBERS: ReadonlyArray<{ name: string; bytes: readonly number[] }> = [
  { name: 'a PDF', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { name: 'a zip archive (DOCX, XLSX, JAR…)', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'a PNG image', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'a JPEG image', bytes: [0xff, 0xd8, 0xff] },
  { name: 'a GIF image', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'a gzip archive', bytes: [0x1f, 0x8b] },
  { name: 'an executable', bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { name: 'an OLE compound file: a legacy .doc/.xls or a password-protected Office document', bytes: [0xd0, 0xcf, 0x11, 0xe0] },
];

const PDF_HEADER = Buffer.from('%PDF-', 'latin1');
/** Readers accept a little junk before the header; Acrobat looks within the first 1024 bytes. */
const PDF_HEADER_WINDOW = 1024;
const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Refuses a file whose bytes contradict its extension, before a parser sees it: parsers given
 * the wrong kind of data fail in confusing ways or, worse, "succeed" and index garbage.
 * Text validity (UTF-8) is checked when the text is decoded.
 */
export function assertContentMatches(format: DetectedFormat, bytes: Uint8Array, displayPath: string): void {
  const actual = describeMagic(bytes);
  switch (format.kind) {
    case 'pdf':
      if (Buffer.from(bytes.subarray(0, PDF_HEADER_WINDOW)).indexOf(PDF_HEADER) === -1) {
        throw new InputError(displayPath, `not a PDF: no %PDF- header${actual ? ` (looks like ${actual})` : ''}`);
      }
      return;
    case 'docx':
      if (!startsWith(bytes, ZIP_LOCAL_HEADER)) {
        throw new InputError(displayPath, `not a DOCX: not a zip archive${actual ? ` (looks like ${actual})` : ''}`);
      }
      return;
    case 'html':
    case 'markdown':
    case 'text':
    case 'code':
      if (actual) throw new InputError(displayPath, `binary data (looks like ${actual}), not ${describeKind(format)}`);
      if (!hasUnicodeBom(bytes) && bytes.includes(0)) {
        throw new InputError(displayPath, `binary data (contains NUL bytes), not ${describeKind(format)}`);
      }
      return;
  }
}

function describeMagic(bytes: Uint8Array): string | undefined {
  return MAGIC_NUMBERS.find((magic) => startsWith(bytes, magic.bytes))?.name;
}

function describeKind(format: DetectedFormat): string {
  switch (format.kind) {
    case 'html':
      return 'HTML text';
    case 'markdown':
      return 'Markdown text';
    case 'code':
      return `${format.language ?? 'source'} code`;
    default:
      return 'text';
  }
}

/** UTF-16 text is full of NUL bytes; its byte-order mark is what tells it apart from binary data. */
export function hasUnicodeBom(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff]);
}

function startsWith(bytes: Uint8Array, prefix: ArrayLike<number>): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
