import type { SourceDocument } from '../../rag/types.ts';
import { decodeText } from './decode-text.ts';
import { assertContentMatches } from './detect-format.ts';
import { fileDocument, fileNameTitle, type FileInput } from './file-document.ts';

/** Plain text (.txt, .rst, .csv, .log…): kept as written; the file name is the only reliable title. */
export async function loadText(input: FileInput): Promise<SourceDocument> {
  assertContentMatches(input.format, input.bytes, input.displayPath);
  const text = decodeText(input.bytes, input.displayPath);
  return fileDocument(input, { title: fileNameTitle(input), text, format: 'text' });
}
