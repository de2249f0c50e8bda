import { describe, expect, it } from 'vitest';
import { distinctTitles } from '../../../rag/cite/distinct-titles.ts';
import type { Citation, Passage } from '../../../rag/types.ts';

function cite(n: number, title: string, url: string): Citation {
  return { n, title, url, source: 'web', docId: url, chunkId: `c${n}` };
}

function passage(n: number, headings: string[]): Passage {
  return { n, docId: `d${n}`, chunkIds: [`c${n}`], title: 't', url: 'u', source: 'web', text: 'x', score: 1, headings };
}

describe('distinctTitles', () => {
  it('leaves unique titles alone', () => {
    const citations = [cite(1, 'Deploys', 'https://a/deploys'), cite(2, 'Backups', 'https://a/backups')];
    expect(distinctTitles(citations, []).map((c) => c.title)).toEqual(['Deploys', 'Backups']);
  });

  it('tells repeated site titles apart by the section cited, then by where the page lives', () => {
    const citations = [
      cite(1, 'Acme Docs', 'https://docs.acme.test/guides/cors.html'),
      cite(2, 'Acme Docs', 'https://docs.acme.test/api/request.html'),
      cite(3, 'Acme Docs', 'https://docs.acme.test/api/response.html'),
    ];
    const passages = [passage(1, ['CORS', 'Options']), passage(2, ['Request']), passage(3, [])];
    expect(distinctTitles(citations, passages).map((c) => c.title)).toEqual(['Acme Docs › Options', 'Acme Docs › Request', 'Acme Docs']);
  });

  it('names the folder of pages titled by a generic file name', () => {
    const citations = [cite(1, 'index.md', 'file:///kb/getting-started/index.md'), cite(2, 'index.md', 'file:///kb/api/index.md')];
    expect(distinctTitles(citations, []).map((c) => c.title)).toEqual(['index.md › getting-started/index', 'index.md › api/index']);
  });
});
