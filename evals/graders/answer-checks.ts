// Pass/fail checks on one answer: the facts a correct answer states, the planted payloads it must never repeat, and
// the sources it must never use. Text is compared case-insensitively with whitespace and emphasis normalised.
import { stripCitationMarkers } from '../../rag/cite/parse-citations.ts';
import { SOURCE_KINDS } from '../../rag/contracts/sources.ts';
import { matchesSource } from './source-match.ts';

function normal(text: string): string {
  return stripCitationMarkers(text).replace(/[*_`]/g, '').replace(/\s+/g, ' ').toLowerCase();
}

/** The facts the answer does not state. */
export function missingFacts(answer: string, facts: readonly string[]): string[] {
  const text = normal(answer);
  return facts.filter((fact) => !text.includes(normal(fact).trim()));
}

/** The forbidden strings the answer contains. */
export function forbiddenFound(answer: string, forbidden: readonly string[]): string[] {
  const text = normal(answer);
  return forbidden.filter((needle) => text.includes(normal(needle).trim()));
}

export interface UsedSource {
  docId: string;
  /** Source kind of the document (`files`, `notion`…), when known. */
  source?: string;
}

/**
 * The documents (cited or in the context) that a forbidden entry covers. An entry is a source kind (`notion`)
 * or a document (`sample-kb/faq.md`).
 */
export function forbiddenSourcesUsed(used: readonly UsedSource[], forbidden: readonly string[]): string[] {
  const hits = new Set<string>();
  for (const entry of forbidden) {
    const isKind = (SOURCE_KINDS as readonly string[]).includes(entry);
    for (const item of used) {
      if (isKind ? item.source === entry : matchesSource(item.docId, entry)) hits.add(item.docId);
    }
  }
  return [...hits];
}
