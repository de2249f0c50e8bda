import { describe, expect, it } from 'vitest';
import { unknownSubjects } from '../../../rag/question/unknown-subjects.ts';
import type { Passage, Vocabulary } from '../../../rag/types.ts';

// A knowledge base that knows only these words (rarity 2 each); every other word is one no document uses.
function vocabularyOf(...known: string[]): Vocabulary {
  const words = new Set(known);
  return { idf: (word) => (words.has(word.toLowerCase()) ? 2 : 0) };
}

function passage(text: string): Passage {
  return { n: 1, docId: 'files:hr.md', chunkIds: ['c1'], title: 'HR', url: 'file:///kb/hr.md', source: 'files', text, score: 1 };
}

const handbook = vocabularyOf('period', 'new', 'hires', 'long', 'pay', 'check', 'accommodation', 'request', 'decision');

describe('unknownSubjects', () => {
  it('names a noun the question asks about that no document uses', () => {
    expect(unknownSubjects('how long is the probationary period for new hires?', handbook, [])).toEqual(['probationary']);
    expect(unknownSubjects('how do i set up prisma on the new hires laptop?', handbook, [])).toEqual(['prisma']);
  });

  it('passes over everyday words the documents may simply say differently', () => {
    expect(unknownSubjects('having a baby — which version of the form do new hires fill in?', handbook, [])).toEqual([]);
    expect(unknownSubjects('when do new hires get their first paycheck on the laptop?', handbook, [])).toEqual([]);
  });

  it('passes over a typo of a word the passages use', () => {
    const given = [passage('A decision on an accommodation request takes 30 days.')];
    expect(unknownSubjects('how long for a decision on an accomodation request?', vocabularyOf('decision', 'request'), given)).toEqual([]);
  });

  it('passes over chat shorthand for a word the passages use ("args" for arguments)', () => {
    const given = [passage('Called with no arguments, header() returns every request header, keys in lowercase.')];
    expect(unknownSubjects('what does header() return with no args?', vocabularyOf('header'), given)).toEqual([]);
    expect(unknownSubjects('what does header() return for prisma?', vocabularyOf('header'), given)).toEqual(['prisma']);
  });

  it('passes over two knowledge-base words run together', () => {
    expect(unknownSubjects('when is the paycheque for new hires?', vocabularyOf('pay', 'cheque', 'new', 'hires'), [])).toEqual([]);
  });

  it('names a subject the knowledge base knows but no passage at hand speaks of', () => {
    const given = [passage('Hotel rates per city are listed in the travel policy. Lodging in Chicago is capped at 180 dollars.')];
    expect(unknownSubjects('whats the hotel rate for the conference venue in the travel policy?', vocabularyOf('venue', 'hotel'), given)).toEqual([
      'venue',
    ]);
  });

  it('names an acronym no passage uses or spells out, and passes over one a passage spells out', () => {
    const given = [passage('Per diem for hotels in Chicago is 180 dollars. Sign in with single sign-on.')];
    expect(unknownSubjects('what is the hotel per diem in NYC?', handbook, given)).toEqual(['nyc']);
    expect(unknownSubjects('how do i log in with SSO?', handbook, given)).toEqual([]);
  });

  it('passes over words naming the documents or the shape of the answer, and other forms of a passage word', () => {
    const given = [passage('The pipeline scales out: it is scalable to many workers, at a cost in latency.')];
    expect(unknownSubjects('according to the documentation, what two factors affect scalability?', handbook, given)).toEqual([]);
    const compound = [passage('Webhooks are more web-scalable than polling.')];
    expect(unknownSubjects('which approach has better scalability?', handbook, compound)).toEqual([]);
  });

  it('passes over words with digits, verbs and names', () => {
    expect(unknownSubjects('does the k164 flag disappear when Prisma runs?', handbook, [])).toEqual([]);
  });
});
