// A PDF has no paragraphs or headings, only runs of text placed on a page. pdf.js gives each run with its position,
// size and font, and marks where lines end; without more, a page reads as one long run of lines, so a heading runs
// into the sentence under it and every paragraph into the next. This reads the layout back the way a reader sees
// it: a wider gap, a change of size or font, an outdented line or a short line ending a sentence starts a new block;
// text set larger than the body is a heading, ranked by its size; a lone line in the body's size but another font
// (bold) is the lowest heading; code keeps its indentation.

/** One run of text as pdf.js places it (PDF units; y grows up the page). */
export interface PlacedText {
  str: string;
  x: number;
  y: number;
  /** Its font size (the run's height). */
  size: number;
  width: number;
  /** pdf.js saw the line end after this run. */
  hasEOL: boolean;
  /** The font's name in the document, which tells a bold or italic face from the body's. */
  font?: string;
  /** Set in a fixed-width font: code, whose lines keep their indentation. */
  mono?: boolean;
}

/** A page's runs, and how far up the page reaches (PDF units from its bottom edge, which is 0 on most pages). */
export interface PlacedPage {
  runs: readonly PlacedText[];
  bottom: number;
  top: number;
}

/** A stretch of a line, in code (a fixed-width font) or not. */
export interface LinePart {
  text: string;
  code: boolean;
}

export type LayoutBlock =
  | { kind: 'heading'; level: number; text: string }
  /**
   * Its lines, each in the stretches that are code ("install `ws`") and those that are not. `indented` when it
   * sits right of the page's text: a list item whose bullet is drawn rather than written, or a quote.
   */
  | { kind: 'paragraph'; lines: LinePart[][]; indented: boolean }
  /** Lines of code, indented as the page shows them. */
  | { kind: 'code'; lines: string[] };

interface Line {
  text: string;
  parts: LinePart[];
  x: number;
  y: number;
  size: number;
  right: number;
  /** Characters set in a fixed-width font, and the width they took; the other characters but spaces. */
  monoChars: number;
  monoWidth: number;
  proseChars: number;
  /** The fonts of its characters other than spaces and code. */
  fonts: Set<string>;
}

/** A written bullet (U+F0B7 and U+F0A7 are the Symbol and Wingdings bullets Word writes) opening an item. */
export const BULLET = /^[•◦▪▫●○■□‣⁃∙·\-–*\uF0B7\uF0A7]\s+/;
/** A number opening an item: "1. ", "2) ". */
export const NUMBERED = /^(\d{1,3})[.)]\s+/;

/**
 * Running heads, dates, file names and page numbers sit in the page's outer margins, above and below the text
 * block: small text in this share of the page's height at either edge is not part of the document.
 */
const MARGIN_BAND = 0.04;
/** How many lines' spacing sets margin furniture apart from the text block. */
const MARGIN_GAP = 1.5;
/** Sizes this close count as the same type. */
const SAME_SIZE = 0.1;
/** Text this much larger than the body is a heading. */
const HEADING_SIZE = 1.15;
/** Beyond the tightest usual line spacing, this much of the font size more starts a new block (paragraph spacing). */
const BLOCK_GAP = 0.4;
/** A line ending a sentence this much of the column width short of its right edge ends its paragraph. */
const SHORT_LINE = 0.15;
/** A bold line longer than this is emphasis in the text, not a heading. */
const MAX_HEADING_CHARS = 80;
const MAX_HEADING_LEVEL = 6;
/** The share of a page's body characters on lines starting at or left of its text block's edge. */
const LEFT_SHARE = 0.15;
/** Code's lines this many lines' spacing apart are still one piece of code, with blank lines between. */
const CODE_BLANK_LINES = 3.5;

/**
 * The blocks of each page, in the order pdf.js reads them, without what sits in the page's margins. Sizes, fonts
 * and spacing are read over the whole document, so a page holding only a heading is still read right.
 */
export function layoutPages(pages: readonly PlacedPage[]): LayoutBlock[][] {
  const read = pages.map((page) => {
    const band = MARGIN_BAND * (page.top - page.bottom);
    return linesOf(page.runs).map((line) => ({ line, inMargin: line.y <= page.bottom + band || line.y >= page.top - band }));
  });
  // The body is what the text block holds; the margins' small print is most of the text on a short page.
  const body = bodySize(read.flat().flatMap(({ line, inMargin }) => (inMargin ? [] : [line])));
  const advance = lineAdvance(
    read.map((lines) => lines.map(({ line }) => line)),
    body,
  );
  const linesByPage = read.map((lines) => withoutFurniture(lines, body, advance));
  const type = { body, advance, headingSizes: headingSizes(linesByPage.flat(), body) };
  // pdf.js names a font afresh on each page that uses it, so the body's font is found page by page.
  const pageTypes = linesByPage.map((lines) => ({ ...type, bodyFont: bodyFont(lines, body), left: bodyLeft(lines, body) }));
  const groupsByPage = linesByPage.map((lines, i) => pageGroups(lines, pageTypes[i] as PageType));
  joinAcrossPages(groupsByPage);
  return groupsByPage.map((groups, i) => groups.map((group) => blockOf(group, pageTypes[i] as PageType)));
}

/**
 * A page's lines without what its margins hold: small print, or text of the body's size set apart from the rest by
 * more than a paragraph's spacing. A page printed without margins runs its text and code into them at the usual
 * spacing, and keeps it.
 */
function withoutFurniture(lines: ReadonlyArray<{ line: Line; inMargin: boolean }>, body: number, advance: number): Line[] {
  const page = lines.map(({ line }) => line);
  const apart = (line: Line) => page.every((other) => other === line || Math.abs(other.y - line.y) > MARGIN_GAP * advance);
  const furniture = (line: Line) => !isCode(line) && (line.size < body * (1 - SAME_SIZE) || (sameSize(line.size, body) && apart(line)));
  return lines.filter(({ line, inMargin }) => !inMargin || !furniture(line)).map(({ line }) => line);
}

/** What a page's body text looks like: its sizes and spacing are the whole document's, its fonts and margin its own. */
interface PageType {
  body: number;
  bodyFont: string | undefined;
  /** Where the page's text block starts on the left. */
  left: number;
  advance: number;
  /** Sizes set larger than the body, largest first: a heading's level is its place here. */
  headingSizes: number[];
}

function linesOf(items: readonly PlacedText[]): Line[] {
  const lines: Line[] = [];
  let current: Line | undefined;
  const end = () => {
    if (current && current.text.trim() !== '') lines.push({ ...current, text: current.text.trimEnd() });
    const last = current?.parts.at(-1);
    if (last) last.text = last.text.trimEnd();
    current = undefined;
  };
  for (const item of items) {
    if (item.str !== '') {
      // A run well above or below the line is a new line pdf.js did not mark (sub- and superscripts stay).
      if (current && Math.abs(item.y - current.y) > 0.5 * Math.max(item.size, current.size, 1)) end();
      current ??= { text: '', parts: [], x: item.x, y: item.y, size: 0, right: item.x, monoChars: 0, monoWidth: 0, proseChars: 0, fonts: new Set() };
      if (current.text.trim() === '') current.x = item.x;
      // Table cells and tabbed columns are runs set apart with no space between them.
      const apart = current.text !== '' && !/\s$/.test(current.text) && !/^\s/.test(item.str) && item.x > current.right + 0.25 * item.size;
      const str = (apart ? ' ' : '') + item.str;
      current.text += str;
      const code = item.mono === true && item.str.trim() !== '';
      const part = current.parts.at(-1);
      // A space between two stretches of code belongs to the code.
      if (part && (part.code === code || (part.code && item.str.trim() === ''))) part.text += str;
      else current.parts.push({ text: str, code });
      const visible = item.str.replace(/\s/g, '').length;
      if (visible > 0) {
        current.size = Math.max(current.size, item.size);
        current.right = Math.max(current.right, item.x + item.width);
      }
      if (item.mono) {
        current.monoChars += item.str.length;
        current.monoWidth += item.width;
      } else if (visible > 0) {
        current.proseChars += visible;
        if (item.font !== undefined) current.fonts.add(item.font);
      }
    }
    if (item.hasEOL) end();
  }
  end();
  return lines;
}

const rounded = (size: number) => Math.round(size * 2) / 2;

/** The size most of the document's prose is set in (a page of code examples is still read by its prose). */
function bodySize(lines: readonly Line[]): number {
  const prose = lines.filter((line) => !isCode(line));
  return mostChars(prose.length > 0 ? prose : lines, (line) => [rounded(line.size)]) ?? 0;
}

/** The font most of the body's characters are set in. */
function bodyFont(lines: readonly Line[], body: number): string | undefined {
  return mostChars(
    lines.filter((line) => sameSize(line.size, body)),
    (line) => [...line.fonts],
  );
}

function mostChars<K>(lines: readonly Line[], keys: (line: Line) => K[]): K | undefined {
  const chars = new Map<K, number>();
  for (const line of lines) for (const key of keys(line)) chars.set(key, (chars.get(key) ?? 0) + line.text.length);
  let best: K | undefined;
  let most = -1;
  for (const [key, count] of chars) {
    if (count > most) [best, most] = [key, count];
  }
  return best;
}

/**
 * Where the page's text block starts: the leftmost place a good share of its body characters start from. Not the
 * most common, which on a page of lists is where the items start; not the leftmost, which a stray line may hold.
 */
function bodyLeft(lines: readonly Line[], body: number): number {
  const starts = lines.filter((line) => sameSize(line.size, body) && !isCode(line)).sort((a, b) => a.x - b.x);
  const total = starts.reduce((sum, line) => sum + line.text.length, 0);
  let seen = 0;
  for (const line of starts) {
    seen += line.text.length;
    if (seen >= LEFT_SHARE * total) return line.x;
  }
  return 0;
}

function headingSizes(lines: readonly Line[], body: number): number[] {
  const sizes = new Set(lines.filter((line) => line.size >= HEADING_SIZE * body).map((line) => rounded(line.size)));
  return [...sizes].sort((a, b) => b - a);
}

const sameSize = (a: number, b: number) => Math.abs(a - b) <= SAME_SIZE * Math.max(a, b);

/**
 * The usual distance from one body line to the next inside a paragraph: the tightest fifth of the gaps below full
 * lines that stop mid-sentence, which go on to the next line of their paragraph (paragraph spacing only ever adds
 * to it). A document with no such lines, all one-line paragraphs, is read by the size its type is set at (1.25
 * times).
 */
function lineAdvance(linesByPage: ReadonlyArray<readonly Line[]>, body: number): number {
  const gaps: number[] = [];
  for (const lines of linesByPage) {
    const column = columnEdge(lines, body);
    for (let i = 1; i < lines.length; i++) {
      const [above, below] = [lines[i - 1] as Line, lines[i] as Line];
      const gap = above.y - below.y;
      if (gap > 0 && sameSize(above.size, body) && sameSize(below.size, body) && !isShort(above, column) && !endsSentence(above)) gaps.push(gap);
    }
  }
  if (gaps.length === 0) return 1.25 * body;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 5)] as number;
}

/** Where the page's body lines end on the right. */
function columnEdge(lines: readonly Line[], body: number): number {
  return Math.max(0, ...lines.filter((line) => sameSize(line.size, body)).map((line) => line.right));
}

function endsSentence(line: Line): boolean {
  return /[.!?]["')\]]*$/.test(line.text.trim());
}

/** A line stopping well short of the column's right edge. */
function isShort(line: Line, column: number): boolean {
  return column - line.right > SHORT_LINE * (column - line.x);
}

/** All set in a fixed-width font: prose naming something in code, even at the end of a line, is still prose. */
function isCode(line: Line): boolean {
  return line.monoChars > 0 && line.proseChars === 0;
}

/** The page's lines, grouped into what will be its blocks. */
function pageGroups(lines: readonly Line[], type: PageType): Line[][] {
  const column = columnEdge(lines, type.body);
  const groups: Line[][] = [];
  let previous: Line | undefined;
  for (const line of lines) {
    const group = groups.at(-1);
    if (previous && group && continues(previous, line, type, column)) group.push(line);
    else groups.push([line]);
    previous = line;
  }
  return groups;
}

/**
 * A page break does not end code, nor a sentence the next page goes on with in lower case: such a block is moved
 * whole onto the page it started on, so code keeps its closing lines and a sentence its end.
 */
function joinAcrossPages(groupsByPage: Line[][][]): void {
  for (let i = 1; i < groupsByPage.length; i++) {
    const before = groupsByPage[i - 1]?.at(-1);
    const after = groupsByPage[i]?.[0];
    const [last, next] = [before?.at(-1), after?.[0]];
    if (!before || !after || !last || !next || !sameSize(last.size, next.size)) continue;
    const code = isCode(last) && isCode(next);
    const sentence = !isCode(last) && !isCode(next) && !endsSentence(last) && /^\p{Ll}/u.test(next.text.trimStart());
    if (!code && !sentence) continue;
    before.push(...after);
    groupsByPage[i]?.shift();
  }
}

/** Whether `line` goes on the block `previous` belongs to. */
function continues(previous: Line, line: Line, type: PageType, column: number): boolean {
  if (!sameSize(previous.size, line.size)) return false;
  const gap = previous.y - line.y;
  const scale = line.size / type.body;
  // Code's lines go together however they are indented or end, across a blank line or two.
  if (isCode(previous) !== isCode(line)) return false;
  if (isCode(line)) return gap > 0 && gap <= CODE_BLANK_LINES * type.advance * scale;
  // Up the page (a new column) or further down than paragraph spacing explains.
  if (gap <= 0 || gap > type.advance * scale + BLOCK_GAP * line.size) return false;
  // A bold line over regular text is a heading over its paragraph.
  if (isBoldLine(previous, type) !== isBoldLine(line, type)) return false;
  // A written bullet or number starts an item.
  if (BULLET.test(line.text.trimStart()) || NUMBERED.test(line.text.trimStart())) return false;
  // An outdented line after a finished sentence starts the next item or paragraph; mid-sentence, it is the rest of
  // a paragraph whose first line was indented.
  if (line.x < previous.x - 0.5 * line.size && endsSentence(previous)) return false;
  // In an indented list whose bullets are drawn, not written, a finished sentence ends its item.
  if (isIndented(line, type) && endsSentence(previous)) return false;
  // A first-line indent after a finished sentence, or a nested item after its lead-in.
  if ((endsSentence(previous) || previous.text.trimEnd().endsWith(':')) && line.x > previous.x + 0.5 * line.size) return false;
  // A finished sentence on a line that stops well short of the column.
  if (endsSentence(previous) && isShort(previous, column)) return false;
  return true;
}

/** Set right of where the page's text starts (by more than a first-line indent, which only one line has). */
function isIndented(line: Line, type: PageType): boolean {
  return line.x > type.left + 0.5 * type.body;
}

/** Set in the body's size, wholly in one font other than the body's. */
function isBoldLine(line: Line, type: PageType): boolean {
  return type.bodyFont !== undefined && line.fonts.size === 1 && !line.fonts.has(type.bodyFont) && sameSize(line.size, type.body);
}

function blockOf(group: readonly Line[], type: PageType): LayoutBlock {
  const first = group[0] as Line;
  if (first.size >= HEADING_SIZE * type.body) {
    const level = Math.min(type.headingSizes.indexOf(rounded(first.size)) + 1, MAX_HEADING_LEVEL);
    // A heading's wrapped lines are one heading.
    return { kind: 'heading', level: Math.max(level, 1), text: group.map((line) => line.text.trim()).join(' ') };
  }
  if (isCode(first)) return { kind: 'code', lines: codeLines(group) };
  const text = first.text.trim();
  if (group.length === 1 && isBoldLine(first, type) && text.length <= MAX_HEADING_CHARS && !/[.!?:,;]$/.test(text)) {
    return { kind: 'heading', level: Math.min(type.headingSizes.length + 1, MAX_HEADING_LEVEL), text };
  }
  return { kind: 'paragraph', lines: group.map((line) => line.parts), indented: group.every((line) => isIndented(line, type)) };
}

/** Code's lines with the indentation and blank lines the page shows, in characters of its fixed width. */
function codeLines(group: readonly Line[]): string[] {
  const left = Math.min(...group.map((line) => line.x));
  const gaps = group.slice(1).map((line, i) => (group[i] as Line).y - line.y);
  const step = Math.min(...gaps);
  return group.flatMap((line, i) => {
    const charWidth = line.monoWidth / line.monoChars;
    const indent = charWidth > 0 ? Math.round((line.x - left) / charWidth) : 0;
    const blank = i > 0 ? Math.min(Math.round((gaps[i - 1] as number) / step) - 1, 2) : 0;
    return [...Array<string>(Math.max(blank, 0)).fill(''), ' '.repeat(Math.min(indent, 80)) + line.text.trimStart()];
  });
}
