import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { SourceDocument } from '../../rag/types.ts';
import { assertContentMatches } from './detect-format.ts';
import { fileDocument, fileNameTitle, ownTitle, type FileInput } from './file-document.ts';
import { InputError } from './input-error.ts';
import { errorMessage } from '../../rag/errors.ts';

// Every resource pdf.js may ask for (worker, fonts, CMaps, ICC profiles, WebAssembly decoders) comes
// from the installed package: nothing is fetched, so extraction works offline and cannot be steered
// by a document to a URL.
const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const resourceDir = (name: string): string => `${join(pdfjsRoot, name)}/`;
GlobalWorkerOptions.workerSrc = pathToFileURL(join(pdfjsRoot, 'legacy/build/pdf.worker.mjs')).href;

const PDF_TRAILER = Buffer.from('%%EOF', 'latin1');
/** Where Acrobat looks for the end-of-file marker; anything missing it was cut short. */
const TRAILER_WINDOW = 1024;

/**
 * A PDF's text, page by page, separated by blank lines. Only text that is in the file is read:
 * scanned pages (images) have none, and are refused as such rather than indexed empty.
 */
export async function loadPdf(input: FileInput): Promise<SourceDocument> {
  const { bytes, displayPath, limits } = input;
  assertContentMatches(input.format, bytes, displayPath);
  if (bytes.subarray(-TRAILER_WINDOW).lastIndexOf(PDF_TRAILER) === -1) {
    throw new InputError(displayPath, 'truncated or corrupt PDF (no %%EOF marker at the end of the file)');
  }

  const task = getDocument({
    // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    verbosity: 0,
    cMapUrl: resourceDir('cmaps'),
    cMapPacked: true,
    standardFontDataUrl: resourceDir('standard_fonts'),
    iccUrl: resourceDir('iccs'),
    wasmUrl: resourceDir('wasm'),
  });
  let pdf: PDFDocumentProxy;
  try {
    pdf = await task.promise;
  } catch (error) {
    await task.destroy();
    throw openError(displayPath, error);
  }

  try {
    if (pdf.numPages > limits.maxPdfPages) {
      throw new InputError(displayPath, `PDF has ${pdf.numPages} pages (limit ${limits.maxPdfPages})`);
    }
    const pages: string[] = [];
    let chars = 0;
    for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber++) {
      const pageText = await readPage(pdf, pageNumber, displayPath);
      chars += pageText.length;
      // Stop reading as soon as the document is known to be too long, not after reading all of it.
      if (chars > limits.maxTextChars) {
        throw new InputError(
          displayPath,
          `PDF text exceeds ${limits.maxTextChars} characters (limit reached by page ${pageNumber} of ${pdf.numPages})`,
        );
      }
      if (pageText) pages.push(pageText);
    }
    if (pages.length === 0) {
      throw new InputError(displayPath, 'PDF has no extractable text (scanned images? OCR is not supported)');
    }
    const title = ownTitle(await metadataTitle(pdf)) ?? fileNameTitle(input);
    return fileDocument(input, {
      title,
      // Form feeds mark page breaks, so cleaning can drop headers and footers repeated on every page.
      text: pages.join('\f'),
      format: 'text',
      metadata: { pageCount: pdf.numPages },
    });
  } finally {
    await pdf.destroy();
  }
}

async function readPage(pdf: PDFDocumentProxy, pageNumber: number, displayPath: string): Promise<string> {
  try {
    const page = await pdf.getPage(pageNumber);
    const content = await page.getTextContent();
    let text = '';
    for (const item of content.items) {
      // Marked-content items carry structure, not text.
      if (!('str' in item)) continue;
      text += item.str;
      if (item.hasEOL) text += '\n';
    }
    page.cleanup();
    return text
      .replace(/[ \t]+\n/g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  } catch (error) {
    throw new InputError(displayPath, `corrupt PDF (page ${pageNumber}: ${errorMessage(error)})`, { cause: error });
  }
}

async function metadataTitle(pdf: PDFDocumentProxy): Promise<string | undefined> {
  try {
    const { info, metadata } = await pdf.getMetadata();
    const infoTitle: unknown = (info as Record<string, unknown>).Title;
    if (typeof infoTitle === 'string' && infoTitle.trim()) return infoTitle;
    return metadata?.get('dc:title') ?? undefined;
  } catch {
    // A broken metadata dictionary does not make the text unusable; the file name is a fine title.
    return undefined;
  }
}

function openError(displayPath: string, error: unknown): InputError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') {
    return new InputError(displayPath, 'PDF is encrypted (password-protected); remove the password and try again', {
      cause: error,
    });
  }
  return new InputError(displayPath, `truncated or corrupt PDF (${errorMessage(error)})`, { cause: error });
}
