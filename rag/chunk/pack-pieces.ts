import { countTokens } from './count-tokens.ts';
import { splitSentences } from './split-sentences.ts';

/** A unit the packer never cuts: a sentence, a Markdown block, a run of code lines. */
export interface Piece {
  /** Raw text including its trailing separator, so concatenating pieces rebuilds the source. */
  text: string;
  tokens: number;
  /** Prose may be repeated (whole sentences) at the start of the next chunk; code and tables never are. */
  prose: boolean;
}

export interface PackOptions {
  maxTokens: number;
  overlapTokens: number;
  /** Code keeps the indentation of its first line; prose is trimmed. */
  keepIndentation?: boolean;
}

/**
 * Packs pieces in order into chunks of at most `maxTokens` (by the pieces' counts), starting each
 * chunk after the first with up to `overlapTokens` of whole trailing sentences from the previous one.
 * Chunks are balanced: 300 tokens become two chunks of about 150, not 256 and a stray 44.
 * A piece larger than the budget becomes a chunk of its own: callers split those first.
 */
export function packPieces(pieces: readonly Piece[], options: PackOptions): string[] {
  const { maxTokens, overlapTokens } = options;
  const finish = options.keepIndentation ? trimBlankLines : (text: string) => text.trim();
  const total = sum(pieces);
  // Later chunks also carry the overlap: aim for chunks of equal size including it.
  const chunkCount = total <= maxTokens ? 1 : 1 + Math.ceil((total - maxTokens) / Math.max(1, maxTokens - overlapTokens));
  const targetSize = (total + (chunkCount - 1) * overlapTokens) / chunkCount;
  const chunks: string[] = [];
  let current: Piece[] = [];
  let currentTokens = 0;
  // Overlap alone is never a chunk: only pieces that are new to this chunk count.
  let hasNewContent = false;

  const emit = () => {
    const text = finish(current.map((piece) => piece.text).join(''));
    if (text.length > 0) chunks.push(text);
  };

  for (const piece of pieces) {
    const overBudget = currentTokens + piece.tokens > maxTokens;
    // Cut where the chunk lands closest to its fair share of the text.
    const pastTarget = currentTokens + piece.tokens / 2 > targetSize;
    if (hasNewContent && (overBudget || pastTarget)) {
      emit();
      const overlap = overlapTail(current, overlapTokens);
      let overlapSize = sum(overlap);
      while (overlap.length > 0 && overlapSize + piece.tokens > maxTokens) overlapSize -= overlap.shift()?.tokens ?? 0;
      current = overlap;
      currentTokens = overlapSize;
      hasNewContent = false;
    }
    current.push(piece);
    currentTokens += piece.tokens;
    if (piece.text.trim().length > 0) hasNewContent = true;
  }
  if (hasNewContent) emit();
  return chunks;
}

/** The trailing whole sentences of a chunk that fit in `budget` tokens, taken only from prose. */
function overlapTail(pieces: readonly Piece[], budget: number): Piece[] {
  const tail: Piece[] = [];
  let left = budget;
  for (let i = pieces.length - 1; i >= 0 && left > 0; i--) {
    const piece = pieces[i];
    if (piece === undefined || !piece.prose) break;
    if (piece.tokens <= left) {
      tail.unshift(piece);
      left -= piece.tokens;
      continue;
    }
    // A long paragraph: repeat only its last sentences.
    const sentences = splitSentences(piece.text);
    for (let j = sentences.length - 1; j > 0; j--) {
      const sentence = sentences[j] ?? '';
      const tokens = countTokens(sentence);
      if (tokens > left) break;
      tail.unshift({ text: sentence, tokens, prose: true });
      left -= tokens;
    }
    break;
  }
  return tail;
}

function sum(pieces: readonly Piece[]): number {
  return pieces.reduce((total, piece) => total + piece.tokens, 0);
}

/** Drops blank lines around code without touching the indentation of its first line. */
export function trimBlankLines(text: string): string {
  return text.replace(/^(?:[ \t]*\n)+/, '').trimEnd();
}
