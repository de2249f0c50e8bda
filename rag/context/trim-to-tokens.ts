// When even the best passage is larger than the whole budget, a cut-down passage is better than no context: it is
// cut after the last whole sentence that fits, so the generator never quotes half a sentence.
import { isWithinTokens, splitByTokens } from '../chunk/count-tokens.ts';
import { splitSentences } from '../chunk/split-sentences.ts';

/** The longest run of whole leading sentences within `maxTokens`; a hard cut when not even one sentence fits. */
export function trimToTokens(text: string, maxTokens: number): string {
  if (maxTokens < 1) return '';
  if (isWithinTokens(text, maxTokens)) return text;
  let kept = '';
  for (const sentence of splitSentences(text)) {
    if (!isWithinTokens(kept + sentence, maxTokens)) break;
    kept += sentence;
  }
  if (kept.trim() !== '') return kept.trimEnd();
  return (splitByTokens(text, maxTokens)[0] ?? '').trimEnd();
}
