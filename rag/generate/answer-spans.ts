// The units a document answers with, cut from a passage's Markdown: sentences of prose, list items, a short line
// under its heading ("Default: `1048576`"), a table row read with its header row, a short run of steps, a small
// code block with the line that introduces it. Each keeps its Markdown whole (never cut inside a link, a code
// span or a table) and knows the headings above it, which often say what the span is about.
import { splitSentences } from '../chunk/split-sentences.ts';
import { TextMemo } from '../text-memo.ts';

export type SpanKind = 'sentence' | 'item' | 'line' | 'row' | 'steps' | 'code';

export interface AnswerSpan {
  /** What is quoted: Markdown, tidied (template tags, HTML and links that lead nowhere removed). */
  text: string;
  kind: SpanKind;
  /** Headings above the span, outermost first. */
  headings: string[];
  /** Order within the passage. */
  position: number;
  /** The block (paragraph, list, table…) it was cut from: sentences of one paragraph share it. */
  block: number;
}

const MAX_SPAN_CHARS = 480;
const MAX_CODE_LINES = 14;
const MAX_STEPS = 8;

/** Spans of a passage; `outerHeadings` are the headings above the passage's first line (from chunk metadata). */
export function answerSpans(text: string, outerHeadings: readonly string[] = []): readonly AnswerSpan[] {
  return memo.get(`${outerHeadings.join('\u0001')}\u0000${text}`);
}

const memo = new TextMemo((key: string) => {
  const split = key.indexOf('\u0000');
  const outer = key.slice(0, split);
  return extract(key.slice(split + 1), outer === '' ? [] : outer.split('\u0001'));
});

interface Block {
  kind: 'heading' | 'para' | 'list' | 'code' | 'table' | 'html-table';
  lines: string[];
  depth?: number;
}

const FENCE = /^\s*(```+|~~~+)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const LIST_ITEM = /^(\s*)(?:[-*+•]|\d+[.)])\s+(.*)$/;
const TABLE_LINE = /^\s*\|.*\|\s*$/;
/** A row of tab-separated cells: two or more, with text. */
const TAB_ROW = /^[^\t\n]*\S[^\t\n]*(?:\t+[^\t\n]*\S[^\t\n]*)+$/;
const TABLE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
/** Template and container syntax that is layout, not content: Liquid/Nunjucks block tags, `:::` containers, comments. */
const LAYOUT_LINE =
  /^\s*(?:\{%-?\s*(?:end\w*|include|image|alert|raw|comment|if|else|elsif|for|capture|assign|set|block|extends|macro)\b[\s\S]*?%\}|:::.*|<!--.*-->|---+|\*\*\*+|\[\[toc\]\]|\[toc\])\s*$/i;

function blocks(text: string): Block[] {
  const lines = stripFrontMatter(text).split(/\r?\n/);
  const result: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    const fence = FENCE.exec(line);
    if (fence) {
      const close = fence[1] as string;
      const body: string[] = [line];
      i++;
      while (i < lines.length && !(lines[i] as string).trim().startsWith(close)) body.push(lines[i++] as string);
      if (i < lines.length) body.push(lines[i++] as string);
      result.push({ kind: 'code', lines: body });
      continue;
    }
    if (line.trim() === '' || LAYOUT_LINE.test(line) || /^\s*\{%[^%]*$/.test(line)) {
      // A multi-line template tag ("{% include … \n … %}") is skipped to its end.
      if (/^\s*\{%[^%]*$/.test(line)) while (i < lines.length && !(lines[i] as string).includes('%}')) i++;
      i++;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      result.push({ kind: 'heading', lines: [heading[2] as string], depth: (heading[1] as string).length });
      i++;
      continue;
    }
    if (/^\s*<table\b/i.test(line)) {
      const body: string[] = [];
      while (i < lines.length) {
        body.push(lines[i] as string);
        if (/<\/table>/i.test(lines[i++] as string)) break;
      }
      result.push({ kind: 'html-table', lines: body });
      continue;
    }
    if (TAB_ROW.test(line)) {
      // Plain text and spreadsheets' exports separate cells with tabs: the first line is the header.
      const body: string[] = [];
      while (i < lines.length && TAB_ROW.test(lines[i] as string)) body.push(lines[i++] as string);
      if (body.length >= 2) {
        const pipe = (row: string) =>
          `| ${row
            .split('\t')
            .map((cell) => cell.trim().replace(/\|/g, '\\|'))
            .join(' | ')} |`;
        result.push({ kind: 'table', lines: [pipe(body[0] as string), '| --- |', ...body.slice(1).map(pipe)] });
      } else {
        result.push({ kind: 'para', lines: body });
      }
      continue;
    }
    if (TABLE_LINE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && TABLE_LINE.test(lines[i] as string)) body.push(lines[i++] as string);
      result.push({ kind: 'table', lines: body });
      continue;
    }
    if (LIST_ITEM.test(line)) {
      const body: string[] = [];
      while (i < lines.length) {
        const next = lines[i] as string;
        if (next.trim() === '') {
          // A list goes on past a blank line when the next line is another item or indented continuation.
          const after = lines[i + 1];
          if (after !== undefined && (LIST_ITEM.test(after) || /^\s{2,}\S/.test(after))) {
            i++;
            continue;
          }
          break;
        }
        if (FENCE.test(next) || HEADING.test(next) || TABLE_LINE.test(next)) break;
        body.push(next);
        i++;
      }
      result.push({ kind: 'list', lines: body });
      continue;
    }
    const body: string[] = [];
    while (i < lines.length) {
      const next = lines[i] as string;
      if (next.trim() === '' || FENCE.test(next) || HEADING.test(next) || LIST_ITEM.test(next) || TABLE_LINE.test(next) || LAYOUT_LINE.test(next))
        break;
      if (/^\s*<table\b/i.test(next)) break;
      body.push(next);
      i++;
    }
    if (body.length === 0) {
      i++;
      continue;
    }
    // Plain text and PDFs lose the fences around code: a paragraph written as code is code all the same.
    result.push(unfencedCode(body) ? { kind: 'code', lines: ['```', ...body, '```'] } : { kind: 'para', lines: body });
  }
  return result;
}

/** A line only code writes: it opens a block or a declaration, closes one, or ends a statement. */
const CODE_LINE =
  /^\s*(?:import\s.+\sfrom\s|export\s|const\s|let\s|var\s|function\s|return\b|async\s|await\s|class\s|def\s|if\s*\(|\}|\)|\]|\/\/|#include|\$\s)|(?:[{[(;]|=>|\)\s*\{?)\s*$/;
// Code ends an argument or an entry with a comma, and so does a hard-wrapped sentence ("…covered by their plan,"):
// four plain words in a row are prose's.
const ENDS_WITH_COMMA = /,\s*$/;
const PROSE_RUN = /\b[a-z]+ [a-z]+ [a-z]+ [a-z]+\b/i;

function isCodeLine(line: string): boolean {
  return CODE_LINE.test(line) || (ENDS_WITH_COMMA.test(line) && !PROSE_RUN.test(line));
}

const DOC_COMMENT = /^\s*(?:\/\*\*?|\*\/?(?:\s|$)|"{3}|'{3}|#\s)/;

/** A paragraph of `//` comments on its own (unfenced code's are part of the code block) is prose too. */
const LINE_COMMENT = /^\s*\/\/\s/;

/** A doc comment's line without the marks that make it one: quoted, '"""Returns the pairs."""' reads "Returns the pairs." */
function uncommented(line: string): string {
  return line.replace(/^\s*(?:\/\*\*?|\/\/|\*\/|\*(?=\s|$)|"{3}|'{3}|#(?=\s))/, '').replace(/(?:\*\/|"{3}|'{3})\s*$/, '');
}

/**
 * Lines that are mostly code (two or more, at least two thirds of them): in a text without fences, the shape of
 * code is all that tells it from prose. A wrapped sentence ends in a word or a full stop, not in `{`, `(` or `;`.
 */
function unfencedCode(lines: readonly string[]): boolean {
  // A source file's doc comment ("/** askLore sends one question… */") is prose to quote, code around it or not.
  if (lines.length < 2 || lines.some((line) => DOC_COMMENT.test(line))) return false;
  const code = lines.filter(isCodeLine).length;
  return code >= 2 && code / lines.length >= 2 / 3;
}

function stripFrontMatter(text: string): string {
  return text.replace(/^\uFEFF?---[ \t]*\n[\s\S]*?\n(?:---|\.\.\.)[ \t]*(?:\n|$)/, '');
}

function extract(text: string, outer: string[]): AnswerSpan[] {
  const spans: AnswerSpan[] = [];
  const open: { depth: number; title: string }[] = [];
  const headings = () => [...outer, ...open.map((h) => h.title)];
  let blockIndex = 0;
  const push = (kind: SpanKind, raw: string) => {
    const tidied = kind === 'code' ? tidyCode(raw) : tidy(raw);
    if (!isQuotable(tidied, kind)) return;
    spans.push({ text: tidied, kind, headings: headings(), position: spans.length, block: blockIndex });
  };

  const all = blocks(text);
  // Plain text and PDFs mark no headings: a short line standing alone before more text is one ("allowMethods"
  // over its description). Only where nothing is marked, as a Markdown page's lone lines are values ("Default: 600").
  const unmarked = outer.length === 0 && !all.some((block) => block.kind === 'heading');
  const implicitHeading = (index: number) => {
    const block = all[index];
    return unmarked && block?.kind === 'para' && block.lines.length === 1 && index + 1 < all.length && headingLike(block.lines[0] as string);
  };
  all.forEach((block, index) => {
    blockIndex = index;
    const bold =
      block.kind === 'para' && block.lines.length === 1 && index + 1 < all.length ? BOLD_TITLE.exec((block.lines[0] as string).trim()) : null;
    if (bold) {
      // "**MacBooks**" over its paragraph: a title the writer set in bold instead of marking it (Word, Notion).
      // Below every marked heading; the next such title or any heading closes it.
      while ((open.at(-1)?.depth ?? 0) >= IMPLICIT_DEPTH) open.pop();
      open.push({ depth: IMPLICIT_DEPTH, title: tidy(bold[1] as string) });
      return;
    }
    if (implicitHeading(index)) {
      // Nesting is unmarked too. Only a title straight under another ("Insurance", then "Health") is surely its
      // subsection; a later lone title may be the next subsection or the next section, so it stands alone.
      const depth = implicitHeading(index - 1) ? IMPLICIT_DEPTH + 1 : IMPLICIT_DEPTH;
      // Quotable as before ("Default: 600" may be the answer), and the heading of what follows it.
      while ((open.at(-1)?.depth ?? 0) >= depth) open.pop();
      push('line', (block.lines[0] as string).trim());
      open.push({ depth, title: tidy(block.lines[0] as string) });
      return;
    }
    switch (block.kind) {
      case 'heading': {
        const title = tidy(block.lines[0] as string).replace(/\*\*/g, '');
        const depth = block.depth ?? 1;
        // The passage's first heading is usually the last of the chunk's own heading path: do not count it twice.
        if (open.length === 0 && outer.at(-1) !== undefined && sameHeading(outer.at(-1) as string, title)) {
          outer.pop();
        }
        while ((open.at(-1)?.depth ?? 0) >= depth) open.pop();
        open.push({ depth, title });
        return;
      }
      case 'para': {
        const commented = block.lines.some((line) => DOC_COMMENT.test(line)) || block.lines.every((line) => LINE_COMMENT.test(line));
        const paragraph = block.lines.map((line) => (commented ? uncommented(line) : line).trim()).join(' ');
        const next = all[index + 1];
        // "Set the limit for Bun as well:" + a small code block or list is one answer.
        if (/:\s*$/.test(paragraph) && next && (next.kind === 'code' || next.kind === 'list') && smallBlock(next)) {
          const sentences = sentencesOf(paragraph);
          const intro = sentences.pop() ?? paragraph;
          for (const sentence of sentences) push('sentence', sentence);
          push(next.kind === 'code' ? 'code' : 'steps', `${intro}\n${blockText(next)}`);
          return;
        }
        if (lineItems(block)) {
          for (const line of block.lines) push('item', line.trim());
          return;
        }
        for (const sentence of sentencesOf(paragraph)) push(sentenceKind(sentence, block), sentence);
        return;
      }
      case 'list': {
        const items = listItems(block.lines);
        for (const item of items) {
          for (const sentence of itemSentences(item)) push('item', sentence);
        }
        const previous = all[index - 1];
        const introduced = previous?.kind === 'para' && /:\s*$/.test(previous.lines.join(' '));
        if (items.length >= 2 && items.length <= MAX_STEPS && !introduced) push('steps', block.lines.join('\n'));
        return;
      }
      case 'code': {
        const previous = all[index - 1];
        const introduced = previous?.kind === 'para' && /:\s*$/.test(previous.lines.join(' '));
        if (!introduced && smallBlock(block)) push('code', blockText(block));
        return;
      }
      case 'table':
        for (const row of tableRows(block.lines)) push('row', row);
        return;
      case 'html-table':
        for (const row of htmlTableRows(block.lines.join('\n'))) push('row', row);
        return;
    }
  });
  return spans;
}

/** Below any marked heading: an unmarked one gives way only to the next. */
const IMPLICIT_DEPTH = 7;
/** A paragraph that is one bold title and nothing else, short, neither a sentence nor a lead-in ("**Windows/PCs**"). */
const BOLD_TITLE = /^\*\*([^*]{1,59}[^*.!?:;,\s])\*\*$/;

/** A short line that ends as no sentence does and is no line of code: a title, a name, a label. */
function headingLike(line: string): boolean {
  const text = line.trim();
  return (
    text.length >= 2 &&
    text.length <= 80 &&
    /\p{L}/u.test(text) &&
    !/[.!?:;,]["'”’)*_]*$/.test(text) &&
    !CODE_LINE.test(text) &&
    !/[{};]|\s=\s|^(?:\/\*|"{3}|'{3})/.test(text)
  );
}

function sameHeading(a: string, b: string): boolean {
  const key = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  return key(a) === key(b) || key(tidy(a)) === key(b);
}

/**
 * Lines that each hold one whole sentence and open alike ("View usage in the Usage tab.\nView rate limits in the
 * Limits tab.") are a list written without markers, as release notes are: each line is a thing of its own, not the
 * next step of one explanation. Prose wrapped at a width breaks inside sentences, and prose written a sentence per
 * line varies how its sentences open.
 */
function lineItems(block: Block): boolean {
  const lines = block.lines.map((line) => line.trim());
  const opening = (line: string) => line.split(/\s/)[0]?.toLowerCase();
  return (
    lines.length >= 2 &&
    lines.every(
      (line) =>
        opening(line) === opening(lines[0] as string) &&
        /^[\p{Lu}\p{N}`*_[]/u.test(line) &&
        /[.!?]["'”’)*_]*$/.test(line) &&
        sentencesOf(line).length === 1,
    )
  );
}

function sentenceKind(sentence: string, block: Block): SpanKind {
  return block.lines.length === 1 && !/[.!?]["'”’)*_]*$/.test(sentence.trim()) ? 'line' : 'sentence';
}

function smallBlock(block: Block): boolean {
  const text = blockText(block);
  return block.lines.length <= MAX_CODE_LINES + 2 && text.length <= MAX_SPAN_CHARS;
}

/**
 * Shiki's line notation in a comment closing the line (`// [!code ++]`, `# [!code focus]`, `<!-- [!code --] -->`): a
 * docs site renders it as a diff or a highlight and never shows the comment.
 */
const LINE_NOTATION = /\s*(?:\/\/|#|<!--)\s*\[!code ([^\]]*)\]\s*(?:-->)?\s*$/;

/**
 * A code block without the notation of docs toolchains (twoslash cuts and queries, line markers), as the reader of
 * the page sees it after a change: lines a diff removes (`[!code --]`) go, or the quote shows both the old line and
 * the new ("export default app" and "export default {").
 */
function blockText(block: Block): string {
  if (block.kind !== 'code') return block.lines.join('\n');
  const lines = block.lines
    .filter((line) => !/^\s*\/\/\s*(?:---cut[\w-]*---|\^[?!|])/.test(line) && LINE_NOTATION.exec(line)?.[1]?.trim() !== '--')
    .map((line) => line.replace(LINE_NOTATION, ''));
  const first = (lines[0] as string).replace(/^(\s*(?:```+|~~~+)\s*[\w+-]*).*$/, '$1');
  return [first, ...lines.slice(1)].join('\n');
}

/** List items with their continuation lines; nested items are items of their own. */
function listItems(lines: readonly string[]): string[] {
  const items: string[] = [];
  for (const line of lines) {
    const item = LIST_ITEM.exec(line);
    if (item) items.push((item[2] as string).trim());
    else if (items.length > 0) items[items.length - 1] += ` ${line.trim()}`;
  }
  return items;
}

/** An item is quoted whole when short; a long one is cut into its sentences. */
function itemSentences(item: string): string[] {
  if (item.length <= MAX_SPAN_CHARS / 2) return [item];
  return sentencesOf(item);
}

/** Each body row with its header: "Option: referrerPolicy · Default: no-referrer". */
function tableRows(lines: readonly string[]): string[] {
  const cells = (line: string) => splitCells(line);
  const rows = lines.filter((line) => !TABLE_RULE.test(line));
  const hasHeader = lines.length > 1 && TABLE_RULE.test(lines[1] as string);
  const header = hasHeader ? cells(rows[0] as string) : [];
  return rows.slice(hasHeader ? 1 : 0).map((row) => labelled(header, cells(row)));
}

function splitCells(line: string): string[] {
  // Pipes inside code spans are content ("`a | b`"), not cell borders.
  const protectedLine = line.replace(/`[^`]*`/g, (code) => code.replace(/\|/g, '\u0002'));
  return protectedLine
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.replace(/\u0002/g, '|').trim());
}

function labelled(header: readonly string[], row: readonly string[]): string {
  return row
    .map((cell, i) => {
      const label = header[i]?.trim();
      if (cell === '') return '';
      return label ? `${label}: ${cell}` : cell;
    })
    .filter(Boolean)
    .join(' · ');
}

function htmlTableRows(html: string): string[] {
  const rows = [...html.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/gi)].map((match) =>
    [...(match[1] as string).matchAll(/<(t[hd])\b[^>]*>([\s\S]*?)<\/\1>/gi)].map((cell) => ({
      header: (cell[1] as string).toLowerCase() === 'th',
      text: htmlToText(cell[2] as string),
    })),
  );
  const headerRow = rows[0]?.every((cell) => cell.header) ? rows[0].map((cell) => cell.text) : [];
  return rows.slice(headerRow.length > 0 ? 1 : 0).map((row) => {
    // A two-cell row is a label and its value ("Floor | 35th").
    if (headerRow.length === 0 && row.length === 2) return `${row[0]?.text}: ${row[1]?.text}`;
    return labelled(
      headerRow,
      row.map((cell) => cell.text),
    );
  });
}

function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, ', ')
    .replace(/<a\b[^>]*href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) =>
      /^(https?:|mailto:)/i.test(href) ? `[${label.trim()}](${href})` : label,
    )
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// Links and code spans are swapped for placeholders while cutting sentences, so no cut lands inside one.
const PROTECTED = /`[^`\n]+`|!?\[[^\]\n]*\]\([^)\n]*\)|<https?:[^>\s]+>|https?:\/\/[^\s)]+/g;

function sentencesOf(paragraph: string): string[] {
  const kept: string[] = [];
  const masked = paragraph.replace(PROTECTED, (match) => {
    kept.push(match);
    return `\u0003${kept.length - 1}\u0004`;
  });
  const sentences: string[] = [];
  for (const segment of splitSentences(masked)) {
    const sentence = segment.replace(/\u0003(\d+)\u0004/g, (_, i: string) => kept[Number(i)] as string).trim();
    // "**You must reply within three days.**": the segmenter ends the sentence at the full stop and leaves the
    // closing emphasis to open the next one; it belongs to the sentence it closes.
    const closing = /^([*_~]+)(?:\s+|$)/.exec(sentence);
    if (closing && sentences.length > 0) {
      sentences.push(`${sentences.pop()}${closing[1]}`);
      const rest = sentence.slice(closing[0].length);
      if (rest !== '') sentences.push(rest);
    } else if (sentence !== '') {
      sentences.push(sentence);
    }
  }
  return sentences;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  rsquo: '’',
  lsquo: '‘',
  ldquo: '“',
  rdquo: '”',
  mdash: '—',
  ndash: '–',
  hellip: '…',
};

/**
 * Backslash escapes that an HTML-to-Markdown converter puts before any character that might be markup ("MAX\_SIZE",
 * "1\. Travel", "\[text\](…)"), outside code spans, where a backslash is part of the code. Emphasis and code marks
 * (`*`, `` ` ``) stay escaped: unescaped they would become markup.
 */
const CONVERTER_ESCAPE = /(`+)[\s\S]*?\1|\\([[\]_.#+\-=>~()!])/g;

/** Markdown as a reader should see it quoted: template tags, HTML and links that lead nowhere taken out. */
export function tidy(text: string): string {
  return (
    text
      .replace(CONVERTER_ESCAPE, (match, ticks: string | undefined, escaped: string | undefined) => (ticks ? match : (escaped as string)))
      .replace(/\{%-?\s*\w+\s+["']([^"']+)["'][^%]*%\}/g, (match, argument: string) => (/^\{%-?\s*(?:page|link|url)\b/.test(match) ? '' : argument))
      .replace(/\{%[\s\S]*?%\}|\{\{[\s\S]*?\}\}/g, '')
      .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
      // A link to a relative path or a template means nothing in chat: keep its words, drop the target.
      .replace(/\[([^\]]*)\]\(\s*(?!https?:|mailto:)[^)]*\)/g, '$1')
      // So does a reference link, whose definition the quote never carries: "[the travel rules][travel-guide-3]".
      .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
      .replace(/<(?:Badge|badge)\b[^>]*\/?>/g, '')
      .replace(/<\/?(?:span|div|p|br|strong|em|b|i|u|sup|sub|small|kbd|summary|details|code)\b[^>]*>/gi, (tag) =>
        /^<\/?code/i.test(tag) ? '`' : ' ',
      )
      .replace(/&(#\d+|#x[\da-f]+|[a-z]+);/gi, (entity, name: string) => {
        if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
        if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
        return Object.hasOwn(ENTITIES, name.toLowerCase()) ? (ENTITIES[name.toLowerCase()] as string) : entity;
      })
      .replace(/^\s*>\s?(?:\[!\w+\]\s*)?/gm, '')
      .replace(/[ \t]+/g, ' ')
      // A space left before punctuation by a removed tag goes; not before a name that starts with it (".env", "./static").
      .replace(/ +([.,;:!?])(?=\s|$)/g, '$1')
      .trim()
  );
}

/** A code span's introducing prose is tidied; its block is left as written, indentation and all (Python, YAML). */
function tidyCode(raw: string): string {
  const lines = raw.split('\n');
  const fence = lines.findIndex((line) => FENCE.test(line));
  if (fence < 0) return tidy(raw);
  const intro = tidy(lines.slice(0, fence).join('\n'));
  const block = lines.slice(fence).map((line) => line.trimEnd());
  return [...(intro === '' ? [] : [intro]), ...block].join('\n').trim();
}

/** A word run into the capital of the next ("promptAdvanced", "SheetsInstall"), outside code and links. */
const GLUED = /(?<![\p{L}\p{N}_$.])\p{L}*[a-z]{3}[A-Z][a-z]{2,}\p{L}*(?![\p{L}\p{N}_$(.])/gu;

/**
 * Menu titles a scraper ran together, as a web page's text without its markup gives them: "Get started with Claude for
 * SheetsInstall Claude for SheetsEnter your first promptAdvanced useOptional function parameters…". Three or more
 * words glued to the next title, two of them starting in lower case (a product name such as "StarlingMonkey" starts
 * with a capital), in text that neither ends as a sentence does nor looks like code.
 */
function gluedMenu(text: string): boolean {
  const bare = text.replace(/`[^`]*`/g, ' ').replace(/\[[^\]]*\]\([^)]*\)/g, ' ');
  if (/[.!?:;)"'”’*_]\s*$/.test(text) || /[(){}=;<>]/.test(bare)) return false;
  const glued = new Set(bare.match(GLUED) ?? []);
  return glued.size >= 3 && [...glued].filter((word) => /^[a-z]/.test(word)).length >= 2;
}

function isQuotable(text: string, kind: SpanKind): boolean {
  if (text === '' || text.length > (kind === 'code' || kind === 'steps' ? MAX_SPAN_CHARS * 1.5 : MAX_SPAN_CHARS)) return false;
  const words = text.match(/[\p{L}\p{N}][\p{L}\p{N}_.'’-]*/gu) ?? [];
  if (kind === 'code') return words.length >= 2;
  if (gluedMenu(text)) return false;
  // A lone word or a bare link is a label, not an answer.
  return words.length >= 2 && !/^\[[^\]]*\]\([^)]*\)\.?$/.test(text);
}
