import type { SourceDocument } from '../../rag/types.ts';
import type { FileKind } from './detect-format.ts';
import type { FileInput } from './file-document.ts';

export type Loader = (input: FileInput) => Promise<SourceDocument>;

// Loaded on first use: the PDF, DOCX and HTML parsers take seconds to import, and most commands
// (and most folders) never need all of them. Run in the parse worker (parse-worker.ts), never the main thread.
export const LOADERS: Readonly<Record<FileKind, () => Promise<Loader>>> = {
  pdf: async () => (await import('./load-pdf.ts')).loadPdf,
  docx: async () => (await import('./load-docx.ts')).loadDocx,
  html: async () => (await import('./load-html.ts')).loadHtml,
  markdown: async () => (await import('./load-markdown.ts')).loadMarkdown,
  text: async () => (await import('./load-text.ts')).loadText,
  code: async () => (await import('./load-code.ts')).loadCode,
};
