import type { SourceDocument } from '../../rag/types.ts';
import { decodeText } from './decode-text.ts';
import { assertContentMatches } from './detect-format.ts';
import { fileDocument, fileNameTitle, type FileInput } from './file-document.ts';

/** Source code is indexed verbatim (the chunker splits it by declarations); its language comes from the extension. */
export async function loadCode(input: FileInput): Promise<SourceDocument> {
  assertContentMatches(input.format, input.bytes, input.displayPath);
  const text = decodeText(input.bytes, input.displayPath);
  return fileDocument(input, { title: fileNameTitle(input), text, format: 'code' });
}
