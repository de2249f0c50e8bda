import { describe, expect, it } from 'vitest';
import { chunkDocument, DEFAULT_CHUNK_OPTIONS } from '../../../rag/chunk/chunk-document.ts';
import { countTokens } from '../../../rag/chunk/count-tokens.ts';
import type { SourceDocument } from '../../../rag/types.ts';
import { makeDocument, sentences } from './make-document.ts';

/** About 100,000 characters of varied prose with no headings, as one section. */
function longSection(): string {
  const topics = ['billing', 'security', 'deploy', 'onboarding', 'support', 'legal', 'product', 'data'];
  const parts: string[] = [];
  for (let i = 0; parts.join(' ').length < 100_000; i++) parts.push(...sentences(topics[i % topics.length] ?? 'misc', 1, i));
  return parts.join(' ').slice(0, 100_000);
}

describe('chunkDocument', () => {
  it('exports the default options so the indexer can record them', () => {
    expect(DEFAULT_CHUNK_OPTIONS).toEqual({ maxTokens: 256, overlapTokens: 32, minTokens: 32 });
    expect(Object.isFrozen(DEFAULT_CHUNK_OPTIONS)).toBe(true);
  });

  it.each(['text', 'markdown'] as const)('chunks a 100k-character %s section within the budget, in order, with overlap', (format) => {
    const text = longSection();
    const chunks = chunkDocument(makeDocument(format, text));
    // About 25k tokens at up to 256 a chunk.
    expect(chunks.length).toBeGreaterThan(80);
    let overlapping = 0;
    let lastFirstNumber = -1;
    chunks.forEach((chunk, i) => {
      expect(countTokens(chunk.text)).toBeLessThanOrEqual(DEFAULT_CHUNK_OPTIONS.maxTokens);
      expect(text.includes(chunk.text)).toBe(true);
      const first = Number(/Sentence (\d+)/.exec(chunk.text)?.[1] ?? -1);
      expect(first).toBeGreaterThan(lastFirstNumber);
      lastFirstNumber = first;
      const previous = chunks[i - 1];
      if (previous?.text.includes(chunk.text.slice(0, 40))) overlapping++;
    });
    expect(overlapping).toBeGreaterThan(chunks.length * 0.9);
    const lastSentence = /Sentence \d+ says[^.]*\.(?=[^.]*$)/.exec(text)?.[0] ?? '';
    expect(chunks.at(-1)?.text).toContain(lastSentence);
  });

  it('never returns empty or whitespace-only chunks', () => {
    for (const format of ['text', 'markdown', 'code'] as const) {
      expect(chunkDocument(makeDocument(format, ''))).toEqual([]);
      expect(chunkDocument(makeDocument(format, ' \n\n\t \n'))).toEqual([]);
      for (const c of chunkDocument(makeDocument(format, '# A\n\n\n\n## B\n\ntext\n\n\n'))) expect(c.text.trim()).not.toBe('');
    }
  });

  it('bounds runs with no break at all (base64, minified code) by the budget', () => {
    const run = Buffer.from('x'.repeat(30_000)).toString('base64');
    for (const format of ['text', 'markdown', 'code'] as const) {
      const chunks = chunkDocument(makeDocument(format, `Intro line.\n\n${run}\n\nOutro line.`), { maxTokens: 128 });
      for (const c of chunks) expect(countTokens(c.text)).toBeLessThanOrEqual(128);
      expect(chunks.map((c) => c.text).join('')).toContain(run.slice(5_000, 5_100));
    }
  });

  it('handles odd Unicode without breaking characters or losing text', () => {
    const odd = [
      '家族 👨‍👩‍👧 が来ました。'.repeat(300),
      'שלום עולם, זה טקסט בעברית. '.repeat(200),
      'e\u0301\u0301\u0301 combining marks '.repeat(300),
      '中文句子没有标点符号'.repeat(1_000),
      'the <|endoftext|> token appears in docs about models. ',
    ].join('\n\n');
    for (const format of ['text', 'markdown', 'code'] as const) {
      const chunks = chunkDocument(makeDocument(format, odd), { maxTokens: 100, overlapTokens: 0 });
      for (const c of chunks) {
        expect(countTokens(c.text)).toBeLessThanOrEqual(100);
        expect(c.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      }
      const joined = chunks.map((c) => c.text).join('');
      expect(joined).toContain('<|endoftext|>');
      expect(joined.replace(/\s+/g, '')).toContain('中文句子没有标点符号'.repeat(5));
    }
  });

  it('rejects impossible budgets with a message naming the option', () => {
    const doc = makeDocument('text', 'Some text.');
    expect(() => chunkDocument(doc, { maxTokens: 4 })).toThrow(/maxTokens/);
    expect(() => chunkDocument(doc, { maxTokens: 100, overlapTokens: 80 })).toThrow(/overlapTokens/);
    expect(() => chunkDocument(doc, { minTokens: -1 })).toThrow(/minTokens/);
  });

  it('names the document when its format is unknown', () => {
    const doc = { ...makeDocument('text', 'x'), format: 'pdf' } as unknown as SourceDocument;
    expect(() => chunkDocument(doc)).toThrow(/files:test\.txt.*"pdf"/);
  });

  it('is deterministic, so chunk ids stay stable across syncs', () => {
    const doc = makeDocument('markdown', `# T\n\n${sentences('stable', 40).join(' ')}`);
    expect(chunkDocument(doc)).toEqual(chunkDocument(doc));
  });
});
