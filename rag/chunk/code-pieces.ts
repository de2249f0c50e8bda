import { countTokens, splitByTokens } from './count-tokens.ts';
import type { Piece } from './pack-pieces.ts';

/**
 * Code without a usable declaration structure (or a declaration too big for one chunk) as packable
 * pieces: blank-line-separated blocks, then single lines, then token runs for a line over the budget.
 */
export function codePieces(text: string, maxTokens: number): Piece[] {
  const pieces: Piece[] = [];
  for (const block of blankLineBlocks(text)) {
    const tokens = countTokens(block);
    if (tokens <= maxTokens) {
      pieces.push({ text: block, tokens, prose: false });
      continue;
    }
    for (const line of block.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
      const lineTokens = countTokens(line);
      if (lineTokens <= maxTokens) pieces.push({ text: line, tokens: lineTokens, prose: false });
      else for (const run of splitByTokens(line, maxTokens)) pieces.push({ text: run, tokens: countTokens(run), prose: false });
    }
  }
  return pieces;
}

/** Blocks that each end with the blank lines after them, so they concatenate back to the input. */
function blankLineBlocks(text: string): string[] {
  const blocks: string[] = [];
  let current = '';
  let sawBlank = false;
  for (const line of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    const blank = line.trim().length === 0;
    if (!blank && sawBlank) {
      blocks.push(current);
      current = '';
    }
    current += line;
    sawBlank = blank;
  }
  if (current.length > 0) blocks.push(current);
  return blocks;
}
