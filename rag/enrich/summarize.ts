import { splitSentences } from '../chunk/split-sentences.ts';
import { ANY_STOPWORD } from './stopwords.ts';

export const SUMMARY_MAX_CHARS = 200;

// Centrality is quadratic in the number of sentences; a chunk rarely has more than this.
const MAX_SENTENCES = 40;
const MIN_SENTENCE_WORDS = 4;

/**
 * An extractive summary of prose: the sentence sharing the most terms with the others (the most
 * central), plus the runner-up when both fit, in document order, at most `maxChars` long.
 */
export function summarize(text: string, maxChars = SUMMARY_MAX_CHARS): string {
  const sentences = candidateSentences(text);
  if (sentences.length === 0) return truncate(firstLine(text), maxChars);
  const terms = sentences.map(termsOf);
  const scores = terms.map((own, i) => terms.reduce((score, other, j) => (i === j ? score : score + similarity(own, other)), 0));
  const ranked = sentences.map((_, i) => i).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
  const [best = 0, second] = ranked;
  const bestText = sentences[best] ?? '';
  const secondText = second === undefined ? undefined : sentences[second];
  if (secondText !== undefined && bestText.length + 1 + secondText.length <= maxChars) {
    return best < (second ?? 0) ? `${bestText} ${secondText}` : `${secondText} ${bestText}`;
  }
  return truncate(bestText, maxChars);
}

/** A code chunk's summary: the first doc comment if there is one, else its first meaningful line. */
export function summarizeCode(text: string, maxChars = SUMMARY_MAX_CHARS): string {
  const docComment = /\/\*\*([\s\S]*?)\*\/|"""([\s\S]*?)"""|'''([\s\S]*?)'''/.exec(text);
  const commentText = (docComment?.[1] ?? docComment?.[2] ?? docComment?.[3] ?? '').replace(/^\s*\*\s?/gm, '').trim();
  if (commentText.length > 0) return truncate(commentText.split(/\n\s*\n/)[0] ?? commentText, maxChars);
  const line = text
    .split('\n')
    .map((candidate) => candidate.trim())
    .find((candidate) => candidate.length > 0 && !/^(?:import\b|from\s+\S+\s+import\b|@|\/\/|#|\/\*|\*)/.test(candidate));
  return truncate(line ?? firstLine(text), maxChars);
}

/** Sentences worth quoting: prose with a few words, not table rows, code fences or bare headings. */
function candidateSentences(text: string): string[] {
  const prose = text.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^\1[ \t]*$|(?![\s\S]))/gm, '\n');
  return splitSentences(prose)
    .map((sentence) =>
      sentence
        .replace(/^[ \t]*(?:#{1,6}|[-*+>]|\d+\.)[ \t]+/, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((sentence) => !sentence.startsWith('|') && (sentence.match(/\p{L}+/gu)?.length ?? 0) >= MIN_SENTENCE_WORDS)
    .slice(0, MAX_SENTENCES);
}

function termsOf(sentence: string): Set<string> {
  const words = sentence.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [];
  return new Set(words.filter((word) => !ANY_STOPWORD.has(word)));
}

// Shared terms, damped by sentence length so long sentences do not win by size alone.
function similarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  return shared / (Math.log(1 + a.size) + Math.log(1 + b.size));
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line.length > 0) ?? ''
  );
}

function truncate(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= maxChars) return flat;
  const cut = flat.lastIndexOf(' ', maxChars - 1);
  const head = flat.slice(0, cut > maxChars / 2 ? cut : maxChars - 1);
  // Never end on the first half of a surrogate pair (an emoji cut in two).
  return `${head.replace(/[\uD800-\uDBFF]$/, '').replace(/[\s,;:.-]+$/, '')}…`;
}
