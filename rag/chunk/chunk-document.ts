import type { DraftChunk, SourceDocument } from '../types.ts';
import { chunkCode } from './chunk-code.ts';
import { chunkMarkdown } from './chunk-markdown.ts';
import { resolveChunkOptions, type ChunkOptions } from './chunk-options.ts';
import { chunkSections, looksSectioned } from './chunk-sections.ts';
import { chunkSentences } from './chunk-sentences.ts';
import { codeLanguage } from './code-language.ts';
import { isWithinTokens, splitByTokens } from './count-tokens.ts';

export { DEFAULT_CHUNK_OPTIONS, type ChunkOptions } from './chunk-options.ts';

/**
 * Cuts a (cleaned) document into chunks that follow its structure: Markdown by headings, code by
 * declarations, numbered legal-style text by sections, anything else by sentences with overlap.
 * Every chunk is non-empty, in document order and at most `maxTokens` long.
 */
export function chunkDocument(doc: SourceDocument, options?: Partial<ChunkOptions>): DraftChunk[] {
  const resolved = resolveChunkOptions(options);
  return withinBudget(structuralChunks(doc, resolved), resolved.maxTokens).filter((chunk) => chunk.text.trim().length > 0);
}

function structuralChunks(doc: SourceDocument, options: ChunkOptions): DraftChunk[] {
  switch (doc.format) {
    case 'markdown':
      return chunkMarkdown(doc.text, options);
    case 'code':
      return chunkCode(doc.text, codeLanguage(doc.extension, doc.language), doc.extension, options);
    case 'text':
      return looksSectioned(doc.text) ? chunkSections(doc.text, options) : chunkSentences(doc.text, options);
    default:
      throw new Error(`chunkDocument: document ${doc.id} has unsupported format "${String(doc.format)}" (expected markdown, text or code)`);
  }
}

/**
 * The chunkers budget with per-piece token counts, which can be off by a token or two once pieces
 * are joined; re-cut the rare chunk that ends up over the limit, down to token runs if need be.
 */
function withinBudget(chunks: readonly DraftChunk[], maxTokens: number): DraftChunk[] {
  return chunks.flatMap((chunk) => {
    if (isWithinTokens(chunk.text, maxTokens)) return [chunk];
    const options = { maxTokens, overlapTokens: 0, minTokens: 0 };
    return chunkSentences(chunk.text, options, chunk.headingPath).flatMap((part) =>
      isWithinTokens(part.text, maxTokens)
        ? [part]
        : splitByTokens(part.text, maxTokens).map((text) => ({ text, headingPath: [...chunk.headingPath] })),
    );
  });
}
