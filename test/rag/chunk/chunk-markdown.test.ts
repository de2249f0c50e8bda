import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../../../rag/chunk/chunk-document.ts';
import { countTokens } from '../../../rag/chunk/count-tokens.ts';
import { makeDocument, sentences } from './make-document.ts';

const chunk = (text: string, options?: Parameters<typeof chunkDocument>[1]) => chunkDocument(makeDocument('markdown', text), options);

describe('chunkDocument for Markdown', () => {
  it('gives each chunk the heading path above it, outermost first, in plain text', () => {
    const text = [
      '# Deployment *guide*',
      sentences('deploy', 8).join(' '),
      '## Rolling back with [the CLI](https://example.com/cli)',
      sentences('rollback', 8).join(' '),
      '### Database `migrations`',
      sentences('migration', 8).join(' '),
    ].join('\n\n');
    const chunks = chunk(text);
    expect(chunks.map((c) => c.headingPath)).toEqual([
      ['Deployment guide'],
      ['Deployment guide', 'Rolling back with the CLI'],
      ['Deployment guide', 'Rolling back with the CLI', 'Database migrations'],
    ]);
    expect(chunks[1]?.text).toMatch(/^## Rolling back/);
  });

  it('does not treat # lines inside a code fence as headings, nor cut the fence', () => {
    const fence = ['```bash', '# install the CLI', 'npm install -g lore', '# start it', 'lore start', '```'].join('\n');
    const text = `# Setup\n\n${sentences('setup', 6).join(' ')}\n\n${fence}\n\n${sentences('config', 6).join(' ')}`;
    const chunks = chunk(text, { maxTokens: 100, overlapTokens: 0 });
    for (const c of chunks) expect(c.headingPath).toEqual(['Setup']);
    expect(chunks.filter((c) => c.text.includes(fence))).toHaveLength(1);
  });

  it('merges small sibling sections into one chunk up to the budget', () => {
    const text = [
      '# FAQ',
      '## Where is the VPN guide?',
      'In the IT space.',
      '## Who approves leave?',
      'Your manager does.',
      '## How do I expense travel?',
      'Use the expenses form.',
    ].join('\n\n');
    const chunks = chunk(text);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.headingPath).toEqual(['FAQ']);
    expect(chunks[0]?.text).toContain('Who approves leave?');
  });

  it('does not merge sections when together they exceed the budget', () => {
    const text = `## Alpha\n\n${sentences('alpha', 7).join(' ')}\n\n## Beta\n\n${sentences('beta', 7).join(' ')}`;
    const chunks = chunk(text, { maxTokens: 200, overlapTokens: 0 });
    expect(chunks.map((c) => c.headingPath)).toEqual([['Alpha'], ['Beta']]);
  });

  it('splits a section larger than the budget between blocks, keeping its heading path', () => {
    const paragraphs = Array.from({ length: 8 }, (_, i) => sentences(`part${i}`, 3, i * 3).join(' '));
    const chunks = chunk(`# Handbook\n\n${paragraphs.join('\n\n')}`, { maxTokens: 120, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.headingPath).toEqual(['Handbook']);
      expect(countTokens(c.text)).toBeLessThanOrEqual(120);
    }
    // Cut between paragraphs: no chunk starts in the middle of one.
    for (const c of chunks.slice(1)) expect(c.text).toMatch(/^Sentence \d+ says the part\d+/);
  });

  it('keeps a table whole when it fits and repeats its header when it must be cut', () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `| service-${i} | team-${i} | on-call rotation ${i} |`).join('\n');
    const table = (n: number) => `| Service | Owner | Notes |\n|---|---|---|\n${rows(n)}`;
    const small = chunk(`# Owners\n\n${sentences('owner', 4).join(' ')}\n\n${table(5)}`, { maxTokens: 200, overlapTokens: 0 });
    expect(small.filter((c) => c.text.includes(table(5)))).toHaveLength(1);

    const big = chunk(`# Owners\n\n${table(60)}`, { maxTokens: 150, overlapTokens: 0 });
    expect(big.length).toBeGreaterThan(2);
    for (const c of big) {
      expect(c.text).toContain('| Service | Owner | Notes |');
      expect(countTokens(c.text)).toBeLessThanOrEqual(150);
    }
    expect(big.map((c) => c.text).join('\n')).toContain('| service-59 |');
  });

  it('cuts a code block only when it alone exceeds the budget, re-fencing each part', () => {
    const lines = Array.from({ length: 80 }, (_, i) => `  const value${i} = compute(${i});`).join('\n');
    const chunks = chunk(`# Script\n\n\`\`\`ts\n${lines}\n\`\`\``, { maxTokens: 120, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.text).toMatch(/```ts\n[\s\S]*\n```$/);
      expect(countTokens(c.text)).toBeLessThanOrEqual(120);
    }
    expect(chunks.map((c) => c.text).join('\n')).toContain('const value79 = compute(79);');
  });

  it('cuts an oversized list between items', () => {
    const items = Array.from({ length: 8 }, (_, i) => `- Checklist item ${i}: confirm the laptop, accounts and badge are ready.`);
    const chunks = chunk(`# Onboarding\n\n${items.join('\n')}\n\nAsk your buddy if anything is missing.`, { maxTokens: 100, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(1);
    const listChunks = chunks.slice(1).filter((c) => c.text.startsWith('- '));
    expect(listChunks.length).toBeGreaterThan(0);
    for (const c of listChunks) expect(c.text).toMatch(/^(- Checklist item \d+: .*ready\.\n?)+(\nAsk your buddy if anything is missing\.)?$/);
    // The paragraph after the list stays a paragraph, not a continuation of the last item.
    expect(chunks.map((c) => c.text).join('\n\n')).not.toMatch(/ready\.\n?Ask/);
  });

  it('keeps YAML front matter out of the heading structure', () => {
    const chunks = chunk(`---\ntitle: Guide\ntags: [ops]\n---\n\n# Real heading\n\n${sentences('guide', 2).join(' ')}`);
    expect(chunks.flatMap((c) => c.headingPath)).not.toContain('title: Guide');
    expect(chunks.some((c) => c.headingPath[0] === 'Real heading')).toBe(true);
  });

  it('keeps a lone heading with the content under it rather than at the end of the previous chunk', () => {
    const text = `# One\n\n${sentences('one', 6).join(' ')}\n\n# Two\n\n## Two point one\n\n${sentences('two', 6).join(' ')}`;
    const chunks = chunk(text, { maxTokens: 200, overlapTokens: 0 });
    expect(chunks[0]?.text).not.toContain('# Two');
    expect(chunks[1]?.text).toMatch(/^# Two\n\n## Two point one/);
    expect(chunks[1]?.headingPath).toEqual(['Two', 'Two point one']);
  });
});
