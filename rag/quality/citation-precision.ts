// Offline citation precision: of all the `[n]` markers in an answer, the share whose passage supports the sentence
// carrying it. A sentence citing several passages may draw on each for a part: then every cited passage must back
// at least half the usual support and together they must back the whole sentence.
import { findCitationMarkers, stripCitationMarkers } from '../cite/parse-citations.ts';
import { SUPPORT_THRESHOLD, verifyClaims, type ClaimCheck } from '../cite/verify-claims.ts';
import { asPassage } from './claim-support.ts';

export interface CitedPassage {
  /** The number the answer uses. */
  n: number;
  /** The passage text it points to (undefined when the number names no passage). */
  text: string | undefined;
}

export interface CitationPrecision {
  /** Supporting markers / markers; undefined when the answer cites nothing. */
  score: number | undefined;
  markers: number;
  supporting: number;
  /** Sentences with a marker whose passage does not back them. */
  unsupported: { sentence: string; n: number }[];
}

export function citationPrecision(answer: string, cited: readonly CitedPassage[], question?: string): CitationPrecision {
  const texts = new Map(cited.filter((c) => c.text !== undefined).map((c) => [c.n, c.text as string]));
  const passages = [...texts].map(([n, text]) => asPassage(text, n));
  const sentences = verifyClaims(answer, passages, { onUnsupported: 'flag', question }).claims;
  let markers = 0;
  let supporting = 0;
  const unsupported: { sentence: string; n: number }[] = [];
  for (const claim of sentences) {
    const numbers = [...new Set(findCitationMarkers(claim.sentence).flatMap((m) => m.numbers))];
    for (const n of numbers) {
      markers += 1;
      if (supports(claim, n, texts, question)) supporting += 1;
      else unsupported.push({ sentence: claim.sentence, n });
    }
  }
  return { score: markers === 0 ? undefined : supporting / markers, markers, supporting, unsupported };
}

function supports(claim: ClaimCheck, n: number, texts: ReadonlyMap<number, string>, question: string | undefined): boolean {
  const text = texts.get(n);
  if (text === undefined) return false;
  // A lead-in or a question has nothing to support; its marker is not wrong.
  if (claim.verdict === 'not-a-claim') return true;
  const body = stripCitationMarkers(claim.sentence);
  const alone = verifyClaims(`${body} [1]`, [asPassage(text, 1)], { onUnsupported: 'flag', question }).claims.find(
    (c) => c.verdict !== 'not-a-claim',
  );
  const own = alone?.support ?? 0;
  if (own >= SUPPORT_THRESHOLD) return true;
  return claim.cited.length > 1 && claim.verdict === 'supported' && own >= SUPPORT_THRESHOLD / 2;
}
