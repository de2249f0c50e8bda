// The one sentence Lore says when the knowledge base does not hold the answer. Generators are told to reply
// with exactly this, so code can recognise an abstention instead of posting it as if it were an answer.
import type { Citation, Passage } from '../types.ts';
import { distinctTitles } from './distinct-titles.ts';

export const ABSTENTION_SENTENCE = "I couldn't find this in the knowledge base.";

function comparable(text: string): string {
  return text
    .replace(/\[\d+(?:\s*[,–-]\s*\d+)*\]/g, ' ')
    .replace(/[‘’`´]/g, "'")
    .replace(/[*_~]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s.!]+$/, '')
    .trim();
}

const ABSTENTION = comparable(ABSTENTION_SENTENCE);

/**
 * True when `text` is the abstention sentence, allowing for what models add around it: other apostrophes,
 * emphasis, citation markers, a missing full stop, or a note after it (e.g. which sources came closest).
 */
export function isAbstention(text: string): boolean {
  const normal = comparable(text);
  return normal === ABSTENTION || normal.startsWith(`${ABSTENTION}.`) || normal.startsWith(`${ABSTENTION} `);
}

/** The best-scoring passage of each document, best first: what an abstention offers as "closest sources". */
export function closestSources(passages: readonly Passage[], limit = 3): Citation[] {
  const seen = new Set<string>();
  const sources: Citation[] = [];
  for (const passage of [...passages].sort((a, b) => b.score - a.score)) {
    if (sources.length >= limit) break;
    if (seen.has(passage.docId)) continue;
    seen.add(passage.docId);
    sources.push({
      n: sources.length + 1,
      title: passage.title,
      url: passage.url,
      source: passage.source,
      docId: passage.docId,
      chunkId: passage.chunkIds[0] ?? '',
    });
  }
  return distinctTitles(sources, passages);
}

/**
 * The abstention sentence followed by the closest sources as plain lines (`- Title: url`), which read well in
 * Slack, Discord and a terminal alike. Just the sentence when there is nothing close.
 */
export function formatAbstention(passages: readonly Passage[], limit = 3): string {
  const sources = closestSources(passages, limit);
  if (sources.length === 0) return ABSTENTION_SENTENCE;
  const lines = sources.map((source) => `- ${source.title}${source.url ? `: ${source.url}` : ''}`);
  return `${ABSTENTION_SENTENCE} The closest sources I found:\n${lines.join('\n')}`;
}
