import { Lexer, type MarkedToken, type Token, type Tokens } from 'marked';
import type { DraftChunk } from '../types.ts';
import type { ChunkOptions } from './chunk-options.ts';
import { sentencePieces } from './chunk-sentences.ts';
import { codePieces } from './code-pieces.ts';
import { countTokens } from './count-tokens.ts';
import { mergeUnits, type Unit } from './merge-units.ts';
import { packPieces, trimBlankLines, type Piece } from './pack-pieces.ts';

type BlockKind = 'heading' | 'prose' | 'list' | 'code' | 'table';

interface Block {
  kind: BlockKind;
  /** Raw Markdown including the blank lines after it. */
  raw: string;
  token: MarkedToken | undefined;
}

interface Section {
  headingPath: string[];
  blocks: Block[];
}

// YAML front matter would otherwise lex as a rule plus a setext heading named after its first key.
const FRONT_MATTER = /^---[ \t]*\n[\s\S]*?\n(?:---|\.\.\.)[ \t]*(?:\n|$)/;

/**
 * Markdown by heading structure (from marked's lexer, so `#` lines inside code fences are not
 * headings). Each chunk carries its heading path; small sibling sections share a chunk; a section
 * over the budget is cut between blocks, then sentences, and never inside a code block or table
 * that fits on its own.
 */
export function chunkMarkdown(text: string, options: ChunkOptions): DraftChunk[] {
  const units: Unit[] = [];
  for (const section of sections(text)) units.push(...sectionUnits(section, options));
  return mergeUnits(units, options);
}

function sections(text: string): Section[] {
  const frontMatter = FRONT_MATTER.exec(text)?.[0] ?? '';
  const preamble: Section = { headingPath: [], blocks: [] };
  if (frontMatter.length > 0) preamble.blocks.push({ kind: 'code', raw: frontMatter, token: undefined });
  const result: Section[] = [preamble];
  const open: { depth: number; title: string }[] = [];
  let current = preamble;
  for (const token of new Lexer().lex(text.slice(frontMatter.length)) as Token[]) {
    const block = token as MarkedToken;
    if (block.type === 'space') {
      const last = current.blocks.at(-1);
      if (last !== undefined) last.raw += block.raw;
      continue;
    }
    if (block.type === 'heading') {
      while ((open.at(-1)?.depth ?? 0) >= block.depth) open.pop();
      open.push({ depth: block.depth, title: plainText(block.tokens) || block.text.trim() });
      current = { headingPath: open.map((heading) => heading.title), blocks: [] };
      result.push(current);
    }
    current.blocks.push({ kind: kindOf(block), raw: block.raw, token: block });
  }
  return result.filter((section) => section.blocks.some((block) => block.raw.trim().length > 0));
}

function kindOf(token: MarkedToken): BlockKind {
  switch (token.type) {
    case 'heading':
      return 'heading';
    case 'code':
      return 'code';
    case 'table':
      return 'table';
    case 'list':
      return 'list';
    default:
      return 'prose';
  }
}

function sectionUnits(section: Section, options: ChunkOptions): Unit[] {
  const sized = section.blocks.map((block) => ({ block, tokens: countTokens(block.raw) }));
  const total = sized.reduce((sum, { tokens }) => sum + tokens, 0);
  const text = section.blocks
    .map((block) => block.raw)
    .join('')
    .trim();
  if (total <= options.maxTokens) {
    return [{ text, tokens: total, headingPath: section.headingPath, mergesWithSiblings: true }];
  }
  return packPieces(splitSectionPieces(sized, options.maxTokens), options).map((chunkText) => ({
    text: chunkText,
    tokens: countTokens(chunkText),
    headingPath: section.headingPath,
    mergesWithSiblings: false,
  }));
}

/**
 * The pieces of an oversized section. Its heading is glued to the first piece (which is cut to
 * leave room for it) so a heading never ends up alone in a chunk.
 */
function splitSectionPieces(sized: readonly { block: Block; tokens: number }[], maxTokens: number): Piece[] {
  const [first, ...rest] = sized;
  const heading = first?.block.kind === 'heading' && first.tokens <= maxTokens / 2 ? first : undefined;
  const content = heading === undefined ? sized : rest;
  const budget = maxTokens - (heading?.tokens ?? 0);
  const pieces = content.flatMap(({ block, tokens }) => blockPieces(block, tokens, budget));
  const [lead, ...others] = pieces;
  if (heading === undefined || lead === undefined) return pieces;
  return [{ text: heading.block.raw + lead.text, tokens: heading.tokens + lead.tokens, prose: lead.prose }, ...others];
}

/** A block as packable pieces: whole when it fits, otherwise cut where its own syntax allows. */
function blockPieces(block: Block, tokens: number, maxTokens: number): Piece[] {
  const prose = block.kind === 'prose' || block.kind === 'list';
  if (tokens <= maxTokens) return [{ text: block.raw, tokens, prose }];
  const token = block.token;
  if (token?.type === 'code') return codeBlockPieces(token, block.raw, maxTokens);
  if (token?.type === 'table') return tablePieces(block.raw, maxTokens);
  if (token?.type === 'list') {
    const pieces = token.items.flatMap((item) => {
      const itemTokens = countTokens(item.raw);
      return itemTokens <= maxTokens ? [{ text: item.raw, tokens: itemTokens, prose: true }] : sentencePieces(item.raw, maxTokens);
    });
    // Items carry single newlines; the blank line after the list keeps what follows out of the last item.
    const last = pieces.at(-1);
    if (last !== undefined && !last.text.endsWith('\n\n')) last.text = `${last.text.trimEnd()}\n\n`;
    return pieces;
  }
  if (block.kind === 'code') return codePieces(block.raw, maxTokens);
  return sentencePieces(block.raw, maxTokens);
}

/** An oversized code block cut between lines, each part fenced again so it still reads as code. */
function codeBlockPieces(token: Tokens.Code, raw: string, maxTokens: number): Piece[] {
  if (token.codeBlockStyle === 'indented') return codePieces(raw, maxTokens);
  const fence = /^\s*(`{3,}|~{3,})/.exec(raw)?.[1] ?? '```';
  const open = `${fence}${token.lang ?? ''}\n`;
  const close = `\n${fence}\n\n`;
  const budget = maxTokens - countTokens(open + close);
  const parts = packPieces(codePieces(token.text, budget), { maxTokens: budget, overlapTokens: 0, keepIndentation: true });
  return parts.map((part) => {
    const text = open + part + close;
    return { text, tokens: countTokens(text), prose: false };
  });
}

/** An oversized table cut between rows, each part repeating the header row so its columns stay named. */
function tablePieces(raw: string, maxTokens: number): Piece[] {
  const [header = '', delimiter = '', ...rows] = trimBlankLines(raw).split('\n');
  const head = `${header}\n${delimiter}\n`;
  const headTokens = countTokens(head);
  const pieces: Piece[] = [];
  let body = '';
  let bodyTokens = 0;
  for (const row of rows) {
    const rowTokens = countTokens(`${row}\n`);
    if (body.length > 0 && headTokens + bodyTokens + rowTokens > maxTokens) {
      pieces.push({ text: `${head}${body}\n`, tokens: headTokens + bodyTokens, prose: false });
      body = '';
      bodyTokens = 0;
    }
    body += `${row}\n`;
    bodyTokens += rowTokens;
  }
  if (body.length > 0) pieces.push({ text: `${head}${body}\n`, tokens: headTokens + bodyTokens, prose: false });
  return pieces;
}

/** Heading text without inline Markdown (`**bold**`, links, code spans). */
function plainText(tokens: readonly Token[] | undefined): string {
  if (tokens === undefined) return '';
  return tokens
    .map((token) => {
      const inline = token as MarkedToken;
      switch (inline.type) {
        case 'text':
        case 'codespan':
        case 'escape':
          return 'tokens' in inline && inline.tokens !== undefined ? plainText(inline.tokens) : inline.text;
        case 'link':
        case 'strong':
        case 'em':
        case 'del':
          return plainText(inline.tokens);
        case 'image':
          return inline.text;
        case 'br':
          return ' ';
        default:
          return '';
      }
    })
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}
