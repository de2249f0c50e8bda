import type { DocumentFormat } from './types.ts';

// Halves of surrogate pairs with no partner: invalid UTF-16 that breaks encoders and tokenizers.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Line and paragraph separators, next-line and vertical tab (Word's manual line break) end lines too.
const LINE_BREAK = /\r\n?|[\u2028\u2029\u0085\v]/g;
// Control characters other than tab, newline and form feed (page breaks, kept until pages are read).
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F]/g;
// Invisible characters with no meaning in running text: BOM, zero-width space, word joiner,
// Mongolian vowel separator, and the noncharacters U+FFFE/U+FFFF. (Soft hyphens go later: they
// first help join words broken across lines.)
const INVISIBLE = /[\uFEFF\u200B\u2060\u180E\uFFFE\uFFFF]/g;
// Joiners are meaningful between emoji (family sequences) and inside non-Latin scripts (Persian ZWNJ,
// Indic conjuncts); elsewhere they are copy-paste debris.
const JOINER = /[\u200C\u200D]/g;
// biome-ignore lint/suspicious/noMisleadingCharacterClass: each code point is matched on its own, by intent (combining marks and emoji modifiers one at a time).
const JOINABLE = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F\p{M}]|(?![\p{Script=Latin}])\p{L}/u;
// No-break, fixed-width and ideographic spaces read as ordinary spaces.
const ODD_SPACE = /[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;
// Typographic ligatures (ﬁ, ﬂ…) from PDFs: expanded so "ﬁle" matches "file". Other compatibility
// characters (², ½, full-width forms) carry meaning and stay as they are.
const LIGATURE = /[\uFB00-\uFB06]/g;

const PAGE_EDGE_LINES = 2;
const MAX_PAGE_FURNITURE_CHARS = 100;
// Compound prefixes whose hyphen is real, so `self-\naware` becomes `self-aware`, not `selfaware`.
const HYPHENATED_PREFIXES = new Set(['self', 'well', 'non', 'ex', 'cross', 'all', 'half', 'co', 'multi', 'semi', 'anti']);

/**
 * Normalises text from any source before chunking: NFC, one kind of line break and space, no
 * control or zero-width characters, no lone surrogates, no trailing spaces or long blank runs.
 * For `text` (typically extracted from PDFs) it also joins words hyphenated across line breaks and
 * drops header/footer lines repeated on many pages. Code keeps its indentation.
 */
export function cleanText(text: string, format: DocumentFormat): string {
  let result = text
    .replace(LONE_SURROGATE, '')
    .replace(LINE_BREAK, '\n')
    .replace(CONTROL, '')
    .replace(INVISIBLE, '')
    .replace(JOINER, (char, offset: number, whole: string) => (keepsJoiner(whole, offset) ? char : ''))
    .replace(ODD_SPACE, ' ')
    .normalize('NFC')
    .replace(LIGATURE, (char) => char.normalize('NFKC'))
    .replace(/[ \t]+$/gm, '');
  // Form feeds mark the pages of a PDF, read as text or as the Markdown its layout gives.
  if (format === 'text' || result.includes('\f')) result = dropPageFurniture(result);
  if (format === 'text') result = joinHyphenatedWords(result);
  // A soft hyphen marks a possible break: keep it only long enough to join words broken at it.
  result = result
    .replace(/\u00AD/g, '')
    .replace(/\f/g, '\n\n')
    .replace(/[ \t]+$/gm, '');
  // Code keeps up to two blank lines (PEP 8 spacing); prose keeps one.
  result = format === 'code' ? result.replace(/\n{4,}/g, '\n\n\n') : result.replace(/\n{3,}/g, '\n\n');
  // Leading blank lines go, but not the first line's indentation.
  return result.replace(/^(?:[ \t]*\n)+/, '').trimEnd();
}

function keepsJoiner(text: string, offset: number): boolean {
  const before = codePointBefore(text, offset);
  const after = text.codePointAt(offset + 1);
  return before !== undefined && after !== undefined && JOINABLE.test(String.fromCodePoint(before)) && JOINABLE.test(String.fromCodePoint(after));
}

function codePointBefore(text: string, index: number): number | undefined {
  const previous = text.charCodeAt(index - 1);
  const isLowSurrogate = previous >= 0xdc00 && previous <= 0xdfff;
  return index >= 2 && isLowSurrogate ? text.codePointAt(index - 2) : text.codePointAt(index - 1);
}

/**
 * Removes running headers and footers: lines at the top or bottom of a page that recur, digits
 * aside ("Page 3 of 10", "ACME Corp — Confidential"), on many pages. Pages are split by form feeds,
 * or by blank lines when the text has none.
 */
function dropPageFurniture(text: string): string {
  const byFormFeed = text.includes('\f');
  const pages = byFormFeed ? text.split('\f') : text.split(/\n{2,}/);
  if (pages.length < 3) return text;
  const pagesWithKey = new Map<string, number>();
  for (const page of pages) {
    for (const key of new Set(edgeLines(page).map(furnitureKey))) {
      if (key !== undefined) pagesWithKey.set(key, (pagesWithKey.get(key) ?? 0) + 1);
    }
  }
  // With real page breaks a header is on most pages; blank-line blocks are smaller than pages, so
  // a header appears in fewer of them.
  const threshold = Math.max(3, pages.length * (byFormFeed ? 0.5 : 0.1));
  const repeated = new Set([...pagesWithKey].filter(([, count]) => count >= threshold).map(([key]) => key));
  if (repeated.size === 0) return text;
  const cleaned = pages.map((page) => {
    const lines = page.split('\n');
    const edges = new Set(edgeIndexes(lines));
    return lines.filter((line, index) => !(edges.has(index) && repeated.has(furnitureKey(line) ?? ''))).join('\n');
  });
  return cleaned.join(byFormFeed ? '\f' : '\n\n');
}

function edgeLines(page: string): string[] {
  const lines = page.split('\n');
  return edgeIndexes(lines).map((index) => lines[index] ?? '');
}

/** Indexes of the first and last non-blank lines of a page (two each on longer pages). */
function edgeIndexes(lines: readonly string[]): number[] {
  const filled = lines.flatMap((line, index) => (line.trim().length > 0 ? [index] : []));
  // On a short page two lines at each end would be most of the page, body text included.
  const perEdge = filled.length >= 3 * PAGE_EDGE_LINES ? PAGE_EDGE_LINES : 1;
  return [...new Set([...filled.slice(0, perEdge), ...filled.slice(-perEdge)])];
}

/** Page-independent form of a line: case, spacing and numbers ignored. Long lines are never furniture. */
function furnitureKey(line: string): string | undefined {
  const key = line.trim().toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ');
  // A line of punctuation alone ("}", a Markdown fence closing code at a page's end) says nothing about the page.
  return key.length > 0 && key.length <= MAX_PAGE_FURNITURE_CHARS && /[\p{L}#]/u.test(key) ? key : undefined;
}

/**
 * `inter-\nnational` → `international`. The hyphen stays after a compound prefix (`self-\naware`)
 * and inside a longer compound (`state-of-the-\nart`), where it is part of the spelling.
 */
export function joinHyphenatedWords(text: string): string {
  return text.replace(/(-?)(\p{L}+)([-\u00AD])[ \t]*\n[ \t]*(?=\p{Ll})/gu, (_match, before: string, word: string, mark: string) => {
    const keepHyphen = mark === '-' && (before === '-' || HYPHENATED_PREFIXES.has(word.toLowerCase()));
    return `${before}${word}${keepHyphen ? '-' : ''}`;
  });
}
