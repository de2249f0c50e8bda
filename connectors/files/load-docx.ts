import { load } from 'cheerio';
import mammoth from 'mammoth';
import type { SourceDocument } from '../../rag/types.ts';
import { checkZipArchive } from './check-zip-archive.ts';
import { assertContentMatches } from './detect-format.ts';
import { cleanTitle, fileDocument, fileNameTitle, ownTitle, type FileInput } from './file-document.ts';
import { assertHtmlDepth } from './html-nesting-depth.ts';
import { htmlToMarkdown } from './html-to-markdown.ts';
import { InputError } from './input-error.ts';
import { errorMessage } from '../../rag/errors.ts';

const MAIN_PART = 'word/document.xml';
const CORE_PROPERTIES = 'docProps/core.xml';

/**
 * A Word document, through mammoth's semantic HTML (Heading styles become <h1>…, lists and tables
 * survive) into Markdown. The archive is proven safe first: mammoth inflates everything in memory.
 */
export async function loadDocx(input: FileInput): Promise<SourceDocument> {
  assertContentMatches(input.format, input.bytes, input.displayPath);
  const archive = await checkZipArchive(input.bytes, input.displayPath, input.limits, {
    kind: 'DOCX',
    keep: [CORE_PROPERTIES],
  });
  if (!archive.names.includes(MAIN_PART)) {
    throw new InputError(input.displayPath, `not a Word document: the zip archive has no ${MAIN_PART}`);
  }

  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: input.bytes },
      {
        // Linked (not embedded) images would make mammoth read arbitrary paths named by the document.
        externalFileAccess: false,
        // Embedded images would otherwise become megabytes of data: URIs in the text; the alt text is what matters.
        convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
      },
    );
    html = result.value;
  } catch (error) {
    const detail = errorMessage(error);
    throw new InputError(input.displayPath, `corrupt DOCX (${detail})`, { cause: error });
  }

  // Nested tables or lists in a hostile document become nested HTML, which turndown converts recursively.
  assertHtmlDepth(html, input);
  const coreXml = archive.kept.get(CORE_PROPERTIES);
  const title = ownTitle(coreXml ? coreTitle(coreXml) : undefined) ?? cleanTitle(load(html)('h1').first().text()) ?? fileNameTitle(input);
  return fileDocument(input, { title, text: htmlToMarkdown(html), format: 'markdown' });
}

/** `dc:title` from the document properties (File > Properties > Title in Word). */
function coreTitle(xml: Buffer): string | undefined {
  const $ = load(xml.toString('utf8'), { xml: true });
  return $('dc\\:title').first().text();
}
