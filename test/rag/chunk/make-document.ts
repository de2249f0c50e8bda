import type { DocumentFormat, SourceDocument } from '../../../rag/types.ts';

/** A document as a connector would hand it over, with only the fields a test cares about set. */
export function makeDocument(format: DocumentFormat, text: string, overrides: Partial<SourceDocument> = {}): SourceDocument {
  const extension = format === 'markdown' ? 'md' : format === 'code' ? 'ts' : 'txt';
  return {
    id: `files:test.${extension}`,
    source: 'files',
    title: 'Test document',
    url: `file:///kb/test.${extension}`,
    format,
    extension,
    text,
    sizeBytes: Buffer.byteLength(text, 'utf8'),
    ...overrides,
  };
}

/** `count` distinct, numbered English sentences about `topic`, so tests can tell them apart. */
export function sentences(topic: string, count: number, from = 0): string[] {
  return Array.from(
    { length: count },
    (_, i) => `Sentence ${from + i} says the ${topic} process needs careful review by the whole team before release.`,
  );
}
