// A question's words with compromise's part-of-speech tags. Several readings of one question need them (its phrasal
// verbs, whether it names a plural, which of its nouns no passage uses), and compromise's parse is the dearest step of
// reading it: one parse per text serves them all.
import nlp from 'compromise';
import { TextMemo } from '../text-memo.ts';

export interface TaggedWord {
  /** As typed. */
  text: string;
  /** compromise's normal form (lower case, punctuation off). */
  normal: string;
  tags: string[];
}

const memo = new TextMemo((text: string): readonly TaggedWord[] =>
  (nlp(text).json() as Array<{ terms: TaggedWord[] }>)
    .flatMap((sentence) => sentence.terms)
    .map(({ text: typed, normal, tags }) => ({ text: typed, normal, tags })),
);

/** The words of `text` in order, tagged; the same array for the same text, so callers must not change it. */
export function taggedWords(text: string): readonly TaggedWord[] {
  return memo.get(text);
}
