import { describe, expect, it } from 'vitest';
import { enrichChunk } from '../../../rag/enrich/enrich-chunk.ts';
import { hasCode } from '../../../rag/enrich/has-code.ts';
import { DEFAULT_TOPICS, type TopicTaxonomy } from '../../../rag/enrich/topics.ts';
import type { ChunkMetadata } from '../../../rag/types.ts';
import { makeDocument } from '../chunk/make-document.ts';

const indexedAt = '2025-01-02T03:04:05.000Z';
const topics: TopicTaxonomy = { travel: ['flight*', 'hotel*'], finance: ['invoice*', 'refund*'] };

const text = [
  'Travel policy update from Sarah Connor at Acme Corporation, effective March 3, 2024.',
  'Book flights through https://travel.example.com/book and send hotel invoices to travel@example.com by 2024-04-30.',
  'Refunds for cancelled flights take about two weeks.',
].join(' ');

describe('enrichChunk', () => {
  const doc = makeDocument('markdown', `# Policies\n\n## Travel\n\n${text}`, {
    path: 'policies/travel.md',
    modifiedAt: '2024-12-01T00:00:00.000Z',
    metadata: { space: 'HR', pinned: true, views: 42, title: 'must not override' },
  });
  const metadata = enrichChunk(doc, { text, headingPath: ['Policies', 'Travel'] }, 3, { topics, indexedAt });

  it('fills every field of ChunkMetadata with a scalar', () => {
    const fields: (keyof ChunkMetadata)[] = [
      'source',
      'docId',
      'title',
      'url',
      'path',
      'extension',
      'headingPath',
      'ordinal',
      'sizeBytes',
      'modifiedAt',
      'modifiedAtMs',
      'indexedAt',
      'wordCount',
      'charCount',
      'hasCode',
      'language',
      'readability',
      'dates',
      'urls',
      'emails',
      'people',
      'organizations',
      'topics',
      'summary',
    ];
    for (const field of fields) expect(['string', 'number', 'boolean']).toContain(typeof metadata[field]);
  });

  it('describes where the chunk comes from', () => {
    expect(metadata).toMatchObject({
      source: 'files',
      docId: 'files:test.md',
      title: 'Test document',
      url: 'file:///kb/test.md',
      path: 'policies/travel.md',
      extension: 'md',
      headingPath: 'Policies > Travel',
      ordinal: 3,
      sizeBytes: doc.sizeBytes,
      modifiedAt: '2024-12-01T00:00:00.000Z',
      modifiedAtMs: Date.parse('2024-12-01T00:00:00.000Z'),
      indexedAt,
    });
  });

  it('copies source metadata on without letting it override core fields', () => {
    expect(metadata).toMatchObject({ space: 'HR', pinned: true, views: 42, title: 'Test document' });
  });

  it('extracts dates, URLs, emails, people and organisations as comma-separated lists', () => {
    expect(metadata.dates).toBe('2024-03-03, 2024-04-30');
    expect(metadata.urls).toBe('https://travel.example.com/book');
    expect(metadata.emails).toBe('travel@example.com');
    expect(metadata.people).toBe('Sarah Connor');
    expect(metadata.organizations).toContain('Acme Corporation');
  });

  it('tags topics from the given taxonomy and measures the text', () => {
    expect(metadata.topics).toBe('travel, finance');
    expect(metadata.wordCount).toBe(text.match(/\S+/g)?.length);
    expect(metadata.charCount).toBe(text.length);
    expect(metadata.language).toBe('en');
    expect(metadata.hasCode).toBe(false);
    expect(metadata.readability).toBeGreaterThan(0);
    expect(metadata.summary.length).toBeGreaterThan(20);
    expect(metadata.summary.length).toBeLessThanOrEqual(200);
    expect(text).toContain(metadata.summary.replace(/…$/, ''));
  });

  it('uses empty strings for a document without path or modification time', () => {
    const bare = makeDocument('text', 'Short note.');
    const meta = enrichChunk(bare, { text: 'Short note.', headingPath: [] }, 0, { topics: DEFAULT_TOPICS, indexedAt });
    expect(meta).toMatchObject({ path: '', modifiedAt: '', headingPath: '', dates: '', people: '', topics: '' });
  });

  it('treats code as code: programming language, no readability, no people, a signature summary', () => {
    const code = '/** Signs the invoice for Sarah Connor. */\nexport function signInvoice(id: string): string {\n  return `signed:${id}`;\n}';
    const doc = makeDocument('code', code, { extension: 'ts' });
    const meta = enrichChunk(doc, { text: code, headingPath: ['function signInvoice'] }, 0, { topics, indexedAt });
    expect(meta).toMatchObject({ language: 'typescript', readability: 0, hasCode: true, people: '', headingPath: 'function signInvoice' });
    expect(meta.summary).toBe('Signs the invoice for Sarah Connor.');
  });

  it('counts characters as code points and CJK characters as words', () => {
    const cjk = '团队审查变更 🎉';
    const meta = enrichChunk(makeDocument('text', cjk), { text: cjk, headingPath: [] }, 0, { topics, indexedAt });
    expect(meta.charCount).toBe(8);
    expect(meta.wordCount).toBe(6);
    expect(meta.language).toBe('zh');
  });

  it('caps long lists so Chroma metadata stays small', () => {
    const many = Array.from({ length: 50 }, (_, i) => `https://example.com/a-rather-long-path/number-${i}`).join(' ');
    const meta = enrichChunk(makeDocument('text', many), { text: many, headingPath: [] }, 0, { topics, indexedAt });
    expect(meta.urls.length).toBeLessThanOrEqual(500);
    expect(meta.urls.split(', ').length).toBeLessThanOrEqual(5);
  });
});

describe('hasCode', () => {
  it('sees code documents, fenced blocks and code-like lines, but not prose', () => {
    expect(hasCode('anything', 'code')).toBe(true);
    expect(hasCode('Run this:\n\n```\nls\n```', 'markdown')).toBe(true);
    expect(hasCode('import { x } from "y";\nconst a = x(1);', 'text')).toBe(true);
    expect(hasCode('$ npm install\n$ npx lore start', 'text')).toBe(true);
    expect(hasCode('Return the form by Friday; then wait.\nImport duties apply to all orders.', 'text')).toBe(false);
    expect(hasCode('| a || b |\n| c || d |', 'markdown')).toBe(false);
  });
});
