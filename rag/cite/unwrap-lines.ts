// PDFs and hard-wrapped Markdown break sentences across lines, and a line break ends a sentence for
// Intl.Segmenter. Joining soft-wrapped lines first keeps "deploys happen every\nTuesday." one sentence.

/** A line that starts a block of its own: a list item, heading, table row, quote or code fence. */
const BLOCK_START = /^\s*(?:[-*+•]\s|\d+[.)]\s|#{1,6}\s|\||>|```|~~~)/;
/** A line after which the next one never continues it: a heading or table row. */
const BLOCK_LINE = /^\s*(?:#{1,6}\s|\|)/;
const FENCE = /^\s*(?:```|~~~)/;

/**
 * Joins each line to the one before it unless either is a block line, a blank line separates them, or they are
 * inside a code fence (where line breaks are meaningful).
 */
export function unwrapLines(text: string): string {
  const lines = text.split(/\r?\n/);
  let result = lines[0] ?? '';
  let inFence = FENCE.test(result);
  for (let i = 1; i < lines.length; i++) {
    const previous = lines[i - 1] as string;
    const line = lines[i] as string;
    const fence = FENCE.test(line);
    const continues = !inFence && !fence && previous.trim() !== '' && line.trim() !== '' && !BLOCK_START.test(line) && !BLOCK_LINE.test(previous);
    result += continues ? ` ${line.trimStart()}` : `\n${line}`;
    if (fence) inFence = !inFence;
  }
  return result;
}
