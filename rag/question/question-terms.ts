// Words of a question, and which of them carry its topic. Shared by follow-up rewriting (which terms to carry
// over), filter extraction (is anything left to ask?) and query expansion.
import { STOPWORDS } from '../enrich/stopwords.ts';

/** A word with where it stands in the text, so callers can replace it in place. */
export interface WordToken {
  text: string;
  lower: string;
  start: number;
  end: number;
}

// Keeps technical tokens whole: k8s, c++, c#, v1.2, on-call, acme/api, node.js.
const WORD = /[\p{L}\p{N}](?:[\p{L}\p{N}_+#./'’-]*[\p{L}\p{N}+#])?/gu;

// The frame of a question rather than its topic: question words, auxiliaries, pronouns and request verbs.
// English only, unlike the enrichment stopwords, whose other languages hide English words ("die", "hat", "war").
const FRAME_WORDS = new Set(
  (
    "what whats what's how hows how's why when where which who whom whose is are was were am be been being do does did done " +
    'doing can could should would will shall may might must i me my mine we us our ours you your yours he him his she her it its ' +
    'they them their this that these those there here get gets got have has had having please pls tell show explain describe ' +
    "know need want find let lets let's any some about into onto just also anyone someone somebody anybody else still ever " +
    "i'm i've i'd we're don't doesn't can't isn't aren't there's it's"
  ).split(' '),
);

const STOP = STOPWORDS.en ?? new Set<string>();

/** Every word of the text in order, with offsets. */
export function wordTokens(text: string): WordToken[] {
  return [...text.matchAll(WORD)].map((match) => {
    const word = match[0].replace(/['’]s$/u, '');
    const start = match.index;
    return { text: word, lower: word.toLowerCase().replace(/’/g, "'"), start, end: start + word.length };
  });
}

/** True for words that frame a question or glue it together, not for words naming what it is about. */
export function isFrameWord(lower: string): boolean {
  return FRAME_WORDS.has(lower) || STOP.has(lower);
}

/** The topic words of a text in order of appearance, original case, each once (case-insensitively). */
export function contentTerms(text: string): string[] {
  const seen = new Set<string>();
  const terms: string[] = [];
  for (const token of wordTokens(text)) {
    if (isFrameWord(token.lower) || seen.has(token.lower)) continue;
    seen.add(token.lower);
    terms.push(token.text);
  }
  return terms;
}
