import { countTokens as countCl100k, isWithinTokenLimit } from 'gpt-tokenizer/encoding/cl100k_base';
import { TextMemo } from '../text-memo.ts';

// cl100k loads faster than o200k and is close enough for budgeting: the budget is a size guide for
// chunks, not a hard limit of the embedder (USE-lite and Gemini have their own tokenizers).
// Documents about LLMs contain strings like `<|endoftext|>`: count them as plain text instead of throwing.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

// Byte-pair encoding is superlinear in the length of a run without spaces (16k characters of
// unpunctuated Chinese take over a second in one piece), so long text is counted in windows cut
// before a space. The sum equals the whole-text count wherever the cut falls before a single
// space; a hard cut inside a long run can only add a token or two, which errs on the safe side.
const WINDOW_CHARS = 1_000;

/** cl100k token count: exact for ordinary text, at most slightly high for long runs without spaces. */
export function countTokens(text: string): number {
  return tokenCounts.get(text);
}

// Context assembly counts the same retrieved chunks for every question that finds them.
const tokenCounts = new TextMemo((text: string) => {
  let total = 0;
  for (const window of windows(text)) total += countCl100k(window, PLAIN_TEXT);
  return total;
});

/** True when `text` has at most `limit` tokens (as `countTokens` counts); stops as soon as the limit is passed. */
export function isWithinTokens(text: string, limit: number): boolean {
  // Every token covers at least one UTF-8 byte, so a short text needs no encoding at all.
  if (Buffer.byteLength(text, 'utf8') <= limit) return true;
  let total = 0;
  for (const window of windows(text)) {
    const count = isWithinTokenLimit(window, limit - total, PLAIN_TEXT);
    if (count === false) return false;
    total += count;
  }
  return true;
}

/**
 * Cuts text that has no usable boundary (a long URL, base64, a minified line) into pieces of at most
 * `maxTokens` tokens each, cutting between code points so no character is broken.
 */
export function splitByTokens(text: string, maxTokens: number): string[] {
  if (maxTokens < 1) throw new RangeError(`splitByTokens: maxTokens must be at least 1, got ${maxTokens}`);
  const total = countTokens(text);
  if (total <= maxTokens) return text.length > 0 ? [text] : [];
  const chars = Array.from(text);
  const charsPerToken = chars.length / total;
  const pieces: string[] = [];
  let start = 0;
  while (start < chars.length) {
    // Guess from the text's average density, then shrink until the piece fits.
    let length = Math.max(1, Math.floor(maxTokens * charsPerToken * 0.95));
    let piece = chars.slice(start, start + length).join('');
    while (length > 1 && !isWithinTokens(piece, maxTokens)) {
      length = Math.max(1, Math.floor(length * 0.8));
      piece = chars.slice(start, start + length).join('');
    }
    pieces.push(piece);
    start += length;
  }
  return pieces;
}

function* windows(text: string): Generator<string> {
  let start = 0;
  while (text.length - start > WINDOW_CHARS) {
    const cut = cutPoint(text, start, start + WINDOW_CHARS);
    yield text.slice(start, cut);
    start = cut;
  }
  if (start < text.length) yield text.slice(start);
}

/** Just before a space that starts a word, else before any whitespace, else anywhere but mid-character. */
function cutPoint(text: string, start: number, end: number): number {
  const floor = start + WINDOW_CHARS / 2;
  let anyWhitespace = -1;
  for (let i = end; i > floor; i--) {
    const code = text.charCodeAt(i);
    if (code === 0x20 && !isWhitespace(text.charCodeAt(i + 1)) && !isWhitespace(text.charCodeAt(i - 1))) return i;
    if (anyWhitespace < 0 && isWhitespace(code)) anyWhitespace = i;
  }
  if (anyWhitespace > 0) return anyWhitespace;
  const previous = text.charCodeAt(end - 1);
  return previous >= 0xd800 && previous <= 0xdbff ? end - 1 : end;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}
