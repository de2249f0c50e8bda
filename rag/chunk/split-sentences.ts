// V8 copies the whole input string into every segment object that Intl.Segmenter yields, so
// segmenting one long string is quadratic (100k characters take most of a second and word
// segmentation can exhaust the heap). Segmenting bounded windows keeps it linear.
const WINDOW_CHARS = 2_000;

// A fixed locale keeps the cuts (and so the chunk ids) the same on every machine.
const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * Splits text into sentences with Intl.Segmenter. Each sentence keeps its trailing whitespace, so
 * joining the result gives back the input exactly. A line break also ends a sentence (Unicode rules).
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const window of windows(text)) {
    for (const { segment } of sentenceSegmenter.segment(window)) sentences.push(segment);
  }
  return sentences;
}

/** Cuts text into windows of about WINDOW_CHARS, preferring a line break, then a sentence end, then a space. */
function* windows(text: string): Generator<string> {
  let start = 0;
  while (text.length - start > WINDOW_CHARS) {
    const slice = text.slice(start, start + WINDOW_CHARS);
    const cut = lastBoundary(slice);
    yield slice.slice(0, cut);
    start += cut;
  }
  if (start < text.length) yield text.slice(start);
}

function lastBoundary(slice: string): number {
  const half = slice.length / 2;
  const newline = slice.lastIndexOf('\n');
  if (newline >= half) return newline + 1;
  const sentenceEnd = Math.max(slice.lastIndexOf('. '), slice.lastIndexOf('! '), slice.lastIndexOf('? '));
  if (sentenceEnd >= half) return sentenceEnd + 2;
  const space = slice.lastIndexOf(' ');
  if (space >= half) return space + 1;
  // No boundary at all: cut anyway, but never between the halves of a surrogate pair.
  const code = slice.charCodeAt(slice.length - 1);
  return code >= 0xd800 && code <= 0xdbff ? slice.length - 1 : slice.length;
}
