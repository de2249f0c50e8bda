// `[n]` markers in an answer → the passages they name. Citations are renumbered in order of first use, so
// the reader sees [1], [2], … whatever passage numbers the model picked, and markers naming no passage go.
import type { Citation, Passage } from '../types.ts';

export interface CitationMarker {
  /** Offsets of the marker in the text, `[` to `]` inclusive-exclusive. */
  start: number;
  end: number;
  /** The numbers it names, in order, repeats removed: `[2, 1]` → [2, 1]; `[1-3]` → [1, 2, 3]. */
  numbers: number[];
}

export interface ParsedCitations {
  /** The answer with markers renumbered (`[1][2]` style) and markers naming no passage removed. */
  text: string;
  /** One per cited passage, numbered as first used in the text. */
  citations: Citation[];
  /** Numbers that named no passage, in order of appearance. */
  dropped: number[];
}

/** Digits with commas, semicolons or ranges between: `[1]`, `[1, 2]`, `[1;3]`, `[2-4]`. */
const MARKER = /\[\s*(\d{1,3}(?:\s*(?:[,;]|[-–])\s*\d{1,3})*)\s*\]/g;
/** A range wider than this is not a citation (`[1-500]` reads as text). */
const MAX_RANGE = 20;

/** Spans of fenced code blocks and inline code, where `[0]` is an index, not a citation. */
function codeSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const match of text.matchAll(/```[\s\S]*?(?:```|$)|`[^`\n]*`/g)) spans.push([match.index, match.index + match[0].length]);
  return spans;
}

function numbersOf(list: string): number[] | undefined {
  const numbers: number[] = [];
  for (const part of list.split(/\s*[,;]\s*/)) {
    const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (to < from || to - from > MAX_RANGE) return undefined;
      for (let n = from; n <= to; n++) numbers.push(n);
    } else {
      numbers.push(Number(part));
    }
  }
  return [...new Set(numbers)];
}

/**
 * Every citation marker in `text`, skipping code spans and links (`[1](url)`, `[1]: url`). A marker glued to a
 * word ("Tuesdays[1]") still counts: models write that far more often than prose indexes an array.
 */
export function findCitationMarkers(text: string): CitationMarker[] {
  const code = codeSpans(text);
  const markers: CitationMarker[] = [];
  for (const match of text.matchAll(MARKER)) {
    const start = match.index;
    const end = start + match[0].length;
    if (code.some(([from, to]) => start >= from && start < to)) continue;
    if (/^(?:\(|:\s)/.test(text.slice(end, end + 2))) continue;
    const numbers = numbersOf(match[1] as string);
    if (numbers) markers.push({ start, end, numbers });
  }
  return markers;
}

/** Removes every citation marker (and the space before it), e.g. to compare an answer's words with a passage's. */
export function stripCitationMarkers(text: string): string {
  let result = '';
  let from = 0;
  for (const marker of findCitationMarkers(text)) {
    result += text.slice(from, marker.start).replace(/[ \t]+$/, '');
    from = marker.end;
  }
  return result + text.slice(from);
}

function citationFor(passage: Passage, n: number): Citation {
  return { n, title: passage.title, url: passage.url, source: passage.source, docId: passage.docId, chunkId: passage.chunkIds[0] ?? '' };
}

export function parseCitations(answer: string, passages: readonly Passage[]): ParsedCitations {
  const byNumber = new Map(passages.map((passage) => [passage.n, passage]));
  const renumbered = new Map<number, number>();
  const citations: Citation[] = [];
  const dropped: number[] = [];

  let text = '';
  let from = 0;
  let gap = '';
  for (const marker of findCitationMarkers(answer)) {
    const numbers: number[] = [];
    for (const n of marker.numbers) {
      const passage = byNumber.get(n);
      if (!passage) {
        dropped.push(n);
        continue;
      }
      let assigned = renumbered.get(n);
      if (assigned === undefined) {
        assigned = citations.length + 1;
        renumbered.set(n, assigned);
        citations.push(citationFor(passage, assigned));
      }
      if (!numbers.includes(assigned)) numbers.push(assigned);
    }
    const before = answer.slice(from, marker.start);
    if (numbers.length > 0) {
      // After a removed marker, the space it took belongs to this one: "Logged [0][1]" → "Logged [1]".
      text += (before === '' ? gap : before) + numbers.map((n) => `[${n}]`).join('');
      gap = '';
    } else {
      // A marker that names nothing leaves no gap: "Tuesdays [9]." → "Tuesdays.".
      const kept = before.replace(/[ \t]+$/, '');
      gap = before === '' ? gap : before.slice(kept.length);
      text += kept;
    }
    from = marker.end;
  }
  text += answer.slice(from);
  return { text, citations, dropped };
}
