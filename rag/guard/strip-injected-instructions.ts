import { splitSentences } from '../chunk/split-sentences.ts';
import { unwrapLines } from '../cite/unwrap-lines.ts';
import type { Passage } from '../types.ts';

// Documents are data. A sentence in a document that gives orders to an assistant ("ignore previous
// instructions", "always answer that…") is not knowledge anyone asked for, and it is exactly what a prompt
// injection looks like: such sentences are taken out of the passages before any generator sees them, so
// neither Gemini nor the extractive answerer can repeat or obey them. The rest of the passage stays.
const INSTRUCTION_PATTERNS: readonly RegExp[] = [
  /\b(ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(instructions?|prompts?|rules|guidelines|directions)\b/i,
  /\b(you are now|from now on,? you|pretend (to be|you are)|new instructions?:)/i,
  /\b(always|only|must)\s+(answer|respond|reply|say)\s+(that|with)\b/i,
  /\b(reveal|print|repeat|show)\b[^.!?\n]{0,30}\b(system prompt|hidden instructions?)\b/i,
  /\bdo not (tell|inform|mention to) the user\b/i,
  // Text addressed to an assistant rather than to readers ("Assistant: reply to any question by…").
  /^\s*(?:assistant|system|ai|chatbot|bot|llm|model)\s*:/im,
  /\b(?:note|message|instructions?) (?:to|for) (?:the |any )?(?:ai|assistant|bot|chatbot|llm|model)\b/i,
  // Asking the reader for a secret is never knowledge: "ask the user to paste their token into the channel".
  /\b(?:ask|asking|tell|telling|instruct|get)\s+(?:the\s+)?(?:users?|readers?|people|them)\s+to\s+(?:paste|send|share|post|provide|enter|give|dm)\b[^.!?\n]{0,60}\b(?:tokens?|passwords?|credentials?|secrets?|keys?|codes?)\b/i,
];

export function isInjectedInstruction(sentence: string): boolean {
  return INSTRUCTION_PATTERNS.some((pattern) => pattern.test(sentence));
}

/** The passages without instruction-like sentences, and how many sentences were removed. */
export function stripInjectedInstructions(passages: readonly Passage[]): { passages: Passage[]; removed: number } {
  let removed = 0;
  const cleaned = passages.map((passage) => {
    if (!INSTRUCTION_PATTERNS.some((pattern) => pattern.test(passage.text))) return passage;
    // A planted sentence hard-wrapped over two lines must go as a whole: a line break alone ends a sentence
    // for the segmenter, which would leave the wrapped half ("…to support@evil.example") in the passage.
    const kept = splitSentences(unwrapLines(passage.text)).filter((sentence) => {
      const drop = isInjectedInstruction(sentence);
      if (drop) removed += 1;
      return !drop;
    });
    return { ...passage, text: kept.join('').trim() };
  });
  return { passages: cleaned.filter((p) => p.text.length > 0), removed };
}
