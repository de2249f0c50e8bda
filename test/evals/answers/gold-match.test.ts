import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { documentKey, goldRank, referencedDocuments, referencedFile } from '../../../evals/answers/gold-match.ts';

const CORPUS = '/data/corpus';
const docId = (rel: string) => `files:${CORPUS}/${rel}`;
const url = (rel: string, anchor = '') => `${pathToFileURL(`${CORPUS}/${rel}`).href}${anchor}`;

describe('referencedFile', () => {
  it('reads docIds, file:// urls (anchors, queries and escapes included) and absolute paths', () => {
    expect(referencedFile(docId('guides/setup.md'))).toBe('/data/corpus/guides/setup.md');
    expect(referencedFile(url('guides/my setup.md', '#install'))).toBe('/data/corpus/guides/my setup.md');
    expect(referencedFile(`${url('a.md')}?x=1`)).toBe('/data/corpus/a.md');
    expect(referencedFile('/data/corpus/a.md')).toBe('/data/corpus/a.md');
  });

  it('names no file for web urls, relative paths or nothing', () => {
    expect(referencedFile('https://example.org/guides/setup.md')).toBeUndefined();
    expect(referencedFile('guides/setup.md')).toBeUndefined();
    expect(referencedFile(undefined)).toBeUndefined();
  });
});

describe('documentKey', () => {
  it('is the path relative to the corpus folder for a file inside it', () => {
    expect(documentKey(docId('team/onboarding/index.md'), CORPUS)).toBe('team/onboarding/index.md');
    expect(documentKey(url('team/onboarding/index.md', '#day-one'), `${CORPUS}/`)).toBe('team/onboarding/index.md');
  });

  it('keeps a document outside the corpus apart, so it still takes a rank', () => {
    expect(documentKey('files:/data/other/a.md', CORPUS)).toBe('/data/other/a.md');
    expect(documentKey('files:/data/corpus-old/a.md', CORPUS)).toBe('/data/corpus-old/a.md');
    expect(documentKey('https://example.org/a', CORPUS)).toBe('https://example.org/a');
  });
});

describe('referencedDocuments and goldRank', () => {
  const answer = {
    citations: [
      { docId: docId('api/routing.md'), url: url('api/routing.md', '#params') },
      { docId: docId('api/routing.md'), url: url('api/routing.md', '#wildcards') },
      { url: url('helpers/cookie.md') },
    ],
    contexts: [{ docId: docId('api/routing.md') }, { docId: docId('middleware/builtin/cookie.md') }, { docId: docId('guides/faq.md') }],
  };

  it('lists distinct documents, citations in order first, then contexts in order', () => {
    expect(referencedDocuments(answer, CORPUS)).toEqual(['api/routing.md', 'helpers/cookie.md', 'middleware/builtin/cookie.md', 'guides/faq.md']);
  });

  it('ranks a gold file by its whole relative path, never by its name alone', () => {
    const documents = referencedDocuments(answer, CORPUS);
    expect(goldRank(documents, 'api/routing.md')).toBe(1);
    expect(goldRank(documents, 'middleware/builtin/cookie.md')).toBe(3);
    expect(goldRank(documents, './guides/faq.md')).toBe(4);
    expect(goldRank(documents, 'cookie.md')).toBeUndefined();
    expect(goldRank(documents, 'helpers/routing.md')).toBeUndefined();
  });

  it('does not match a file by a deeper file in a folder of the same name', () => {
    const documents = referencedDocuments({ citations: [{ docId: docId('tools/chat/guidelines.md') }] }, CORPUS);
    expect(goldRank(documents, 'tools/chat.md')).toBeUndefined();
  });

  it('has no documents for an answer without references', () => {
    expect(referencedDocuments({}, CORPUS)).toEqual([]);
  });
});
