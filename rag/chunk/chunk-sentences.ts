import type { DraftChunk } from '../types.ts';
import type { ChunkOptions } from './chunk-options.ts';
import { countTokens, splitByTokens } from './count-tokens.ts';
import { packPieces, type Piece } from './pack-pieces.ts';
import { splitSentences } from './split-sentences.ts';

/**
 * Prose without usable structure: whole sentences packed up to `maxTokens`, consecutive chunks
 * sharing up to `overlapTokens` of whole sentences. Also the fallback for oversized pieces elsewhere.
 */
export function chunkSentences(text: string, options: ChunkOptions, headingPath: readonly string[] = []): DraftChunk[] {
  const pieces = sentencePieces(text, options.maxTokens);
  return packPieces(pieces, options).map((chunkText) => ({ text: chunkText, headingPath: [...headingPath] }));
}

/** Sentences as packable pieces; a sentence over the budget becomes word runs, a word over it becomes token runs. */
export function sentencePieces(text: string, maxTokens: number): Piece[] {
  const pieces: Piece[] = [];
  for (const sentence of splitSentences(text)) {
    const tokens = countTokens(sentence);
    if (tokens <= maxTokens) pieces.push({ text: sentence, tokens, prose: true });
    else pieces.push(...wordPieces(sentence, maxTokens));
  }
  return pieces;
}

function wordPieces(sentence: string, maxTokens: number): Piece[] {
  const pieces: Piece[] = [];
  // Leading whitespace rides along with the first word so the pieces still rebuild the sentence.
  for (const word of sentence.match(/\s*\S+\s*/g) ?? []) {
    // Inside running text a word carries its leading space as part of the same token: count it that way,
    // or summing per-word counts would double the estimate.
    const tokens = countTokens(` ${word.trim()}`);
    if (tokens <= maxTokens) {
      pieces.push({ text: word, tokens, prose: true });
      continue;
    }
    const runs = splitByTokens(word, maxTokens);
    for (const run of runs) pieces.push({ text: run, tokens: countTokens(run), prose: false });
  }
  return pieces;
}
