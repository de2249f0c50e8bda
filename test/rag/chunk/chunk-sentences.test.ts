import { describe, expect, it } from 'vitest';
import { resolveChunkOptions } from '../../../rag/chunk/chunk-options.ts';
import { chunkSentences } from '../../../rag/chunk/chunk-sentences.ts';
import { countTokens } from '../../../rag/chunk/count-tokens.ts';
import { sentences } from './make-document.ts';

const numbersIn = (text: string) => [...text.matchAll(/Sentence (\d+) says/g)].map((match) => Number(match[1]));

describe('chunkSentences', () => {
  it('packs whole sentences within the budget and repeats trailing sentences as overlap', () => {
    const options = resolveChunkOptions({ maxTokens: 100, overlapTokens: 40 });
    const chunks = chunkSentences(sentences('billing', 30).join(' '), options);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(countTokens(c.text)).toBeLessThanOrEqual(100);
      // Whole sentences only: each chunk starts at a sentence and ends with its full stop.
      expect(c.text).toMatch(/^Sentence \d+ says[\s\S]*release\.$/);
    }
    for (let i = 1; i < chunks.length; i++) {
      const previous = numbersIn(chunks[i - 1]?.text ?? '');
      const current = numbersIn(chunks[i]?.text ?? '');
      const shared = current.filter((n) => previous.includes(n));
      expect(shared.length).toBeGreaterThan(0);
      expect(countTokens(shared.map((n) => sentences('billing', 1, n)[0]).join(' '))).toBeLessThanOrEqual(40);
      // The overlap is the end of the previous chunk and the start of this one.
      expect(previous.slice(-shared.length)).toEqual(shared);
      expect(current.slice(0, shared.length)).toEqual(shared);
    }
    const covered = new Set(chunks.flatMap((c) => numbersIn(c.text)));
    expect(covered.size).toBe(30);
  });

  it('does not overlap when overlap is zero', () => {
    const chunks = chunkSentences(sentences('hr', 20).join(' '), resolveChunkOptions({ maxTokens: 80, overlapTokens: 0 }));
    const all = chunks.flatMap((c) => numbersIn(c.text));
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('splits a sentence longer than the budget at word boundaries', () => {
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`);
    const chunks = chunkSentences(`${words.join(' ')}.`, resolveChunkOptions({ maxTokens: 64, overlapTokens: 0 }));
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) {
      expect(countTokens(c.text)).toBeLessThanOrEqual(64);
      expect(c.text).toMatch(/^word\d+/);
    }
    expect(chunks.map((c) => c.text).join(' ')).toBe(`${words.join(' ')}.`);
  });

  it('balances chunk sizes instead of leaving a tiny last chunk', () => {
    const chunks = chunkSentences(sentences('ops', 12).join(' '), resolveChunkOptions({ maxTokens: 200, overlapTokens: 0 }));
    const sizes = chunks.map((c) => countTokens(c.text));
    expect(Math.min(...sizes)).toBeGreaterThan(Math.max(...sizes) / 2);
  });

  it('carries the heading path it is given onto every chunk', () => {
    const chunks = chunkSentences(sentences('api', 10).join(' '), resolveChunkOptions({ maxTokens: 60 }), ['API', 'Limits']);
    for (const c of chunks) expect(c.headingPath).toEqual(['API', 'Limits']);
  });
});
