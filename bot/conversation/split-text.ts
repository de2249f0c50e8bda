// Chat platforms cap the length of one text (Slack: 3,000 characters per section block; Discord: 2,000 per
// message). Long answers are cut where a reader would pause — between paragraphs, then lines, then sentences,
// then words — and a code block cut in two is closed and reopened so both halves still render as code.

const FENCE = '```';

/** Pieces of at most `maxChars` characters that join back to the text (up to whitespace at the cuts). */
export function splitText(text: string, maxChars: number): string[] {
  if (maxChars < 16) throw new RangeError(`maxChars must be at least 16, got ${maxChars}`);
  const pieces: string[] = [];
  let rest = text.trim();
  let reopen = '';
  while (rest.length > 0) {
    // Room for a fence opened from the previous piece and one closed at the end of this one.
    const budget = maxChars - reopen.length - (FENCE.length + 1);
    const candidate = reopen + rest;
    if (candidate.length <= maxChars) {
      pieces.push(candidate);
      break;
    }
    const cut = reopen.length + (rest.length <= budget ? rest.length : cutPoint(rest, budget));
    let piece = candidate.slice(0, cut).trimEnd();
    rest = candidate.slice(cut).trimStart();
    const fence = opensFence(piece);
    if (fence !== undefined && rest.length > 0) {
      piece = `${piece}\n${FENCE}`;
      // A long info string is not worth repeating; the language hint is.
      reopen = `${fence.length <= 12 ? fence : FENCE}\n`;
    } else {
      reopen = '';
    }
    pieces.push(piece);
  }
  return pieces.filter((piece) => piece.trim() !== '');
}

/** The best place to cut within the first `budget` characters. */
function cutPoint(text: string, budget: number): number {
  const window = text.slice(0, budget + 1);
  const half = Math.floor(budget / 2);
  for (const boundary of [/\n\s*\n/g, /\n/g, /[.!?]["')\]]?\s/g, /\s/g]) {
    let best = -1;
    for (const match of window.matchAll(boundary)) {
      const end = match.index + match[0].length;
      if (end <= budget) best = end;
    }
    // A boundary in the first half would leave a stub piece: try a finer one.
    if (best >= half) return best;
  }
  return Math.max(1, budget);
}

/** The opening fence line (e.g. "```ts") when the text ends inside a code block. */
function opensFence(text: string): string | undefined {
  let open: string | undefined;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith(FENCE)) continue;
    open = open === undefined ? trimmed : undefined;
  }
  return open;
}
