import type { DraftChunk } from '../types.ts';
import type { ChunkOptions } from './chunk-options.ts';
import { chunkSentences } from './chunk-sentences.ts';
import { countTokens } from './count-tokens.ts';
import { mergeUnits, type Unit } from './merge-units.ts';

interface Marker {
  line: number;
  /** Lower is outer: Part > Chapter > Article > Section/§ > bare numbers, then by number depth. */
  level: number;
  title: string;
}

// Capitalised keywords only: "section 5 of the Act" inside wrapped prose is not a heading.
const KEYWORD = /^[ \t]{0,3}(Part|PART|Chapter|CHAPTER|Article|ARTICLE|Section|SECTION|Clause|CLAUSE)[ \t]+(\d+(?:\.\d+)*|[IVXLC]+)\b/u;
const PARAGRAPH_SIGN = /^[ \t]{0,3}§+[ \t]*(\d+(?:\.\d+)*[a-z]?)/u;
// `1.`, `1.1`, `2.3.4` followed by a capital, quote or parenthesis ("3.5 million users" is not a section).
const NUMBERED = /^[ \t]{0,3}(\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}\.)(?:[ \t]+(?=["“‘'(\p{Lu}])|[ \t]*$)/u;

const KEYWORD_RANK: Readonly<Record<string, number>> = { part: 0, chapter: 1, article: 2, section: 3, clause: 3 };
const PARAGRAPH_RANK = 3;
const NUMBERED_RANK = 4;

const MAX_TITLE_CHARS = 60;

/**
 * Whether plain text is organised as numbered sections (contracts, policies, specs): at least three
 * section markers, and markers start at least a fifth of the paragraphs.
 */
export function looksSectioned(text: string): boolean {
  const lines = text.split('\n');
  let markers = 0;
  let blocks = 0;
  lines.forEach((line, index) => {
    const isMarker = markerAt(line, index) !== undefined;
    const startsBlock = line.trim().length > 0 && (index === 0 || (lines[index - 1] ?? '').trim().length === 0);
    if (isMarker) markers++;
    if (isMarker || startsBlock) blocks++;
  });
  return markers >= 3 && markers >= blocks * 0.2;
}

/**
 * Numbered-section text split at section boundaries; the heading path holds the enclosing sections'
 * numbers and titles. A section over the budget is cut by sentences.
 */
export function chunkSections(text: string, options: ChunkOptions): DraftChunk[] {
  const lines = text.split('\n');
  const markers = lines.flatMap((line, index) => markerAt(line, index) ?? []);
  const units: Unit[] = [];
  const open: Marker[] = [];
  const preamble = lines.slice(0, markers[0]?.line ?? lines.length).join('\n');
  units.push(...sectionUnits(preamble, [], options));
  markers.forEach((marker, index) => {
    while ((open.at(-1)?.level ?? -1) >= marker.level) open.pop();
    open.push(marker);
    const body = lines.slice(marker.line, markers[index + 1]?.line ?? lines.length).join('\n');
    units.push(
      ...sectionUnits(
        body,
        open.map((section) => section.title),
        options,
      ),
    );
  });
  return mergeUnits(units, options);
}

function sectionUnits(text: string, headingPath: string[], options: ChunkOptions): Unit[] {
  const trimmed = text.trim();
  if (trimmed.length === 0) return [];
  const tokens = countTokens(trimmed);
  if (tokens <= options.maxTokens) return [{ text: trimmed, tokens, headingPath, mergesWithSiblings: false }];
  return chunkSentences(trimmed, options, headingPath).map((chunk) => ({
    ...chunk,
    tokens: countTokens(chunk.text),
    mergesWithSiblings: false,
  }));
}

function markerAt(line: string, index: number): Marker | undefined {
  const keyword = KEYWORD.exec(line);
  if (keyword !== null) {
    const rank = KEYWORD_RANK[(keyword[1] ?? '').toLowerCase()] ?? NUMBERED_RANK;
    return { line: index, level: rank * 10 + depth(keyword[2] ?? ''), title: titleOf(line, keyword[0].length) };
  }
  const paragraph = PARAGRAPH_SIGN.exec(line);
  if (paragraph !== null) return { line: index, level: PARAGRAPH_RANK * 10 + depth(paragraph[1] ?? ''), title: titleOf(line, paragraph[0].length) };
  const numbered = NUMBERED.exec(line);
  if (numbered !== null) return { line: index, level: NUMBERED_RANK * 10 + depth(numbered[1] ?? ''), title: titleOf(line, numbered[0].length) };
  return undefined;
}

function depth(number: string): number {
  return number.replace(/\.$/, '').split('.').length;
}

/** The heading line, or just its lead-in ("5. Payment") when the section's text runs on in the same line. */
function titleOf(line: string, markerLength: number): string {
  const heading = line.trim().replace(/[.:]$/, '');
  if (heading.length <= MAX_TITLE_CHARS) return heading;
  const marker = line.slice(0, markerLength).trim();
  const rest = line.slice(markerLength).trim();
  const leadIn = /^(.{1,60}?)[.:](?:\s|$)/u.exec(rest)?.[1];
  if (leadIn !== undefined && marker.length + leadIn.length < MAX_TITLE_CHARS) return `${marker} ${leadIn}`;
  const cut = heading.lastIndexOf(' ', MAX_TITLE_CHARS);
  return `${heading.slice(0, cut > 0 ? cut : MAX_TITLE_CHARS)}…`;
}
