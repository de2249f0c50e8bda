// Offline faithfulness: the share of the answer's claims that the retrieved context backs, judged by the same
// term-and-pair support check Lore runs on its own answers (rag/cite/verify-claims.ts). Markers are removed first,
// so a claim counts as backed when any passage of the context supports it, whichever passage it cites.
import { stripCitationMarkers } from '../cite/parse-citations.ts';
import { verifyClaims } from '../cite/verify-claims.ts';
import type { Passage } from '../types.ts';

export interface ClaimSupport {
  /** Backed claims / claims; undefined when the answer states nothing checkable. */
  score: number | undefined;
  claims: number;
  backed: number;
  /** The sentences no passage backs (what an invented answer is made of). */
  unsupported: string[];
}

export function claimSupport(answer: string, contexts: readonly string[], question?: string): ClaimSupport {
  const passages = contexts.map((text, i) => asPassage(text, i + 1));
  const verification = verifyClaims(stripCitationMarkers(answer), passages, { onUnsupported: 'flag', question });
  const checked = verification.claims.filter((c) => c.verdict !== 'not-a-claim');
  const backed = checked.filter((c) => c.verdict !== 'unsupported');
  return {
    score: checked.length === 0 ? undefined : backed.length / checked.length,
    claims: checked.length,
    backed: backed.length,
    unsupported: checked.filter((c) => c.verdict === 'unsupported').map((c) => c.sentence),
  };
}

/** verify-claims only reads a passage's number and text. */
export function asPassage(text: string, n: number): Passage {
  return { n, text, docId: '', chunkIds: [], title: '', url: '', source: 'files', score: 0 };
}
