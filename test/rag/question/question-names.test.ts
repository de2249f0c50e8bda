import { describe, expect, it } from 'vitest';
import { distinguishingNames, questionNames, unmentioned } from '../../../rag/question/question-names.ts';
import type { Passage, Vocabulary } from '../../../rag/types.ts';

function passage(n: number, title: string, text: string): Passage {
  return { n, docId: `files:${title}.md`, chunkIds: [`chunk-${n}`], title, url: `file:///kb/${title}.md`, source: 'files', text, score: 1 };
}

const offices = passage(
  1,
  'offices',
  '| Office | Address |\n| --- | --- |\n| Chicago, IL | 230 S. Dearborn St. |\nOur team in Chicago sits with the regional staff.',
);
const runtimes = passage(
  2,
  'runtimes',
  "Hono runs on Bun and on Deno.\n```ts\nimport { serveStatic } from 'hono/bun'\n```\n## Use or Lose\nLeave you do not use is lost.",
);

describe('questionNames', () => {
  it('finds capitalised names that do not open the question', () => {
    expect(questionNames('Can we use Microsoft Teams with partners?', [])).toEqual(['Microsoft', 'Teams']);
    expect(questionNames('Teams: can we use it?', [])).toEqual([]);
  });

  it('finds a name typed in lower case that the passages only write capitalised, or that is a known place', () => {
    expect(questionNames('what floor is TTS on in the chicago office', [offices])).toEqual(['chicago']);
    // Known to compromise's lexicon as a city, with no passage at hand to say so.
    expect(questionNames('what floor is TTS on in the chicago office', [])).toEqual(['chicago']);
  });

  it('does not take for a name a word the passages also write in lower case, nor an everyday word a heading capitalised', () => {
    expect(questionNames('how do i serve static files with hono on bun', [runtimes])).toEqual([]);
    expect(questionNames('do i lose leave i do not use', [runtimes])).toEqual([]);
    // compromise knows "mark" and "grant" as first names; in chat they are verbs and nouns.
    expect(questionNames('can i mark the grant request as done', [])).toEqual([]);
    // Nor its generic places, nor a word it reads as part of a name ("the london team").
    expect(questionNames('where is the parking garage at the downtown office', [])).toEqual([]);
    expect(questionNames('who approves expenses for the london team', [])).toEqual(['london']);
  });
});

describe('unmentioned', () => {
  it('names the ones the quoted passages never mention, whatever their case or form', () => {
    const dc = passage(3, 'washington-dc', 'The TTS space is on the 6th floor.');
    const question = 'what floor is TTS on in the chicago office';
    expect(unmentioned(questionNames(question, [offices, dc]), [offices, dc])).toEqual([]);
    expect(unmentioned(questionNames(question, [offices, dc]), [dc])).toEqual(['chicago']);
    expect(unmentioned(questionNames('Does Hono run on Bun?', [runtimes]), [runtimes])).toEqual([]);
  });
});

describe('distinguishingNames', () => {
  // IDF as the lexical index reports it: ln(1 + (N - df + 0.5) / (df + 0.5)) over 1,000 passages.
  const idf = (df: number) => Math.log(1 + (1000 - df + 0.5) / (df + 0.5));
  const vocabulary: Vocabulary = { idf: (word) => ({ claude: idf(600), python: idf(30), chicago: idf(10), access: idf(300), age: idf(20) })[word] };

  it('keeps the names few passages mention and drops what the whole knowledge base is about', () => {
    expect(distinguishingNames(['Claude', 'Python', 'chicago'], vocabulary)).toEqual(['Python', 'chicago']);
    // A name of several words is as rare as its rarest word.
    expect(distinguishingNames(['Access-Control-Max-Age'], vocabulary)).toEqual(['Access-Control-Max-Age']);
    expect(distinguishingNames(['Access'], vocabulary)).toEqual([]);
  });
});
