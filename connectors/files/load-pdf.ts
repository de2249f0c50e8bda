import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { SourceDocument } from '../../rag/types.ts';
import { assertContentMatches } from './detect-format.ts';
import { fileDocument, fileNameTitle, ownTitle, type FileInput } from './file-document.ts';
import { InputError } from './input-error.ts';
import { errorMessage } from '../../rag/errors.ts';
import { joinHyphenatedWords } from '../../rag/clean-text.ts';
import { escapeHtml } from '../../rag/escape-html.ts';
import { htmlToMarkdown } from './html-to-markdown.ts';
import { BULLET, type LayoutBlock, type LinePart, layoutPages, NUMBERED, type PlacedPage, type PlacedText } from './pdf-layout.ts';

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
 * A PDF's text as Markdown, page by page, read by its layout (`pdf-layout.ts`): headings, paragraphs, items and
 * code, as a web page's are. Only text that is in the file is read: scanned pages (images) have none, and are
 * refused as such rather than indexed empty.
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
    const placed: PlacedPage[] = [];
    let chars = 0;
    for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber++) {
      const page = await readPage(pdf, pageNumber, displayPath);
      for (const run of page.runs) chars += run.str.length;
      // Stop reading as soon as the document is known to be too long, not after reading all of it.
      if (chars > limits.maxTextChars) {
        throw new InputError(
          displayPath,
          `PDF text exceeds ${limits.maxTextChars} characters (limit reached by page ${pageNumber} of ${pdf.numPages})`,
        );
      }
      placed.push(page);
    }
    const blocks = layoutPages(placed);
    const pages = blocks.map((page) => htmlToMarkdown(blocksHtml(page))).filter((page) => page !== '');
    if (pages.length === 0) {
      throw new InputError(displayPath, 'PDF has no extractable text (scanned images? OCR is not supported)');
    }
    // A PDF exported without a title in its metadata is named by its first heading, as a page is, before its file.
    const firstHeading = blocks.flat().find((block) => block.kind === 'heading' && block.level === 1);
    const title =
      ownTitle(await metadataTitle(pdf)) ?? ownTitle(firstHeading?.kind === 'heading' ? firstHeading.text : undefined) ?? fileNameTitle(input);
    return fileDocument(input, {
      title,
      // Form feeds mark page breaks, so cleaning can drop headers and footers repeated on every page.
      text: pages.join('\f'),
      format: 'markdown',
      metadata: { pageCount: pdf.numPages },
    });
  } finally {
    await pdf.destroy();
  }
}

async function readPage(pdf: PDFDocumentProxy, pageNumber: number, displayPath: string): Promise<PlacedPage> {
  try {
    const page = await pdf.getPage(pageNumber);
    const content = await page.getTextContent();
    const runs: PlacedText[] = [];
    const mono = new Set(Object.entries(content.styles).flatMap(([name, style]) => (style.fontFamily === 'monospace' ? [name] : [])));
    for (const item of content.items) {
      // Marked-content items carry structure, not text.
      if (!('str' in item)) continue;
      const [, , c = 0, d = 0, x = 0, y = 0] = item.transform as number[];
      // An empty run marking a line's end has no height of its own; its transform still says the size.
      const size = item.height || Math.hypot(c, d);
      runs.push({ str: item.str, x, y, size, width: item.width, hasEOL: item.hasEOL, font: item.fontName, mono: mono.has(item.fontName) });
    }
    const [, bottom = 0, , top = 0] = page.view;
    page.cleanup();
    return { runs, bottom, top };
  } catch (error) {
    throw new InputError(displayPath, `corrupt PDF (page ${pageNumber}: ${errorMessage(error)})`, { cause: error });
  }
}

/**
 * A page's blocks as HTML, for the one HTML-to-Markdown conversion web pages and Word files go through: headings by
 * level, paragraphs, fenced code, and bulleted or numbered items as lists. Every text is escaped; nothing in a PDF
 * becomes markup but through this.
 */
function blocksHtml(blocks: readonly LayoutBlock[]): string {
  const html: string[] = [];
  let list: 'ul' | 'ol' | undefined;
  const closeList = () => {
    if (list) html.push(`</${list}>`);
    list = undefined;
  };
  for (const block of blocks) {
    if (block.kind === 'heading') {
      closeList();
      html.push(`<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`);
    } else if (block.kind === 'code') {
      closeList();
      html.push(`<pre><code>${escapeHtml(block.lines.join('\n'))}</code></pre>`);
    } else {
      const text = joinHyphenatedWords(block.lines.map(lineHtml).join('\n'));
      const bullet = BULLET.exec(text);
      const numbered = bullet ? undefined : NUMBERED.exec(text);
      const kind = bullet || (block.indented && !numbered) ? 'ul' : numbered ? 'ol' : undefined;
      if (kind !== list) closeList();
      if (kind && kind !== list) html.push(numbered ? `<ol start="${numbered[1]}">` : '<ul>');
      list = kind;
      const item = text.slice((bullet ?? numbered)?.[0].length ?? 0);
      html.push(kind ? `<li>${item}</li>` : `<p>${item}</p>`);
    }
  }
  closeList();
  return html.join('\n');
}

/** A line of prose, its code in `<code>`. */
function lineHtml(parts: readonly LinePart[]): string {
  return parts
    .map(({ text, code }) => {
      if (!code) return escapeHtml(text);
      const [, before = '', inner = '', after = ''] = /^(\s*)(.*?)(\s*)$/s.exec(text) ?? [];
      return `${before}<code>${escapeHtml(inner)}</code>${after}`;
    })
    .join('');
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
