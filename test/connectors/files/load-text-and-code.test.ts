import { describe, expect, it } from 'vitest';
import { loadFile } from '../../../connectors/files/load-file.ts';
import { expectInputError, fixture } from './file-fixtures.ts';

describe('loading plain text files', () => {
  it('keeps the text as written, titled by file name', async () => {
    const doc = await loadFile(fixture('readme.txt'));
    expect(doc).toMatchObject({ format: 'text', extension: 'txt', title: 'files/readme.txt' });
    expect(doc.text).toBe('Release checklist\n=================\n\n1. Tag the release.\n2. Announce it in the team channel.\n');
    expect(doc.language).toBeUndefined();
  });

  it('decodes UTF-16 text that starts with a byte-order mark', async () => {
    const doc = await loadFile(fixture('utf16.txt'));
    expect(doc.text).toBe('UTF-16 text with a BOM: café.\n');
  });

  it('refuses text that is not valid UTF-8, saying where', async () => {
    await expectInputError(
      loadFile(fixture('bad/invalid-utf8.txt')),
      'invalid-utf8.txt',
      /^not valid UTF-8 text \(invalid byte sequence at byte 3\)$/,
    );
  });

  it('refuses a text file containing NUL bytes as binary', async () => {
    await expectInputError(loadFile(fixture('bad/nul-bytes.txt')), 'nul-bytes.txt', /^binary data \(contains NUL bytes\), not text$/);
  });
});

describe('loading source code files', () => {
  it('keeps Python source verbatim with its language', async () => {
    const doc = await loadFile(fixture('example.py'));
    expect(doc).toMatchObject({ format: 'code', extension: 'py', language: 'python', title: 'example.py' });
    expect(doc.text).toContain('def allow_request(tokens: int, cost: int) -> bool:');
  });

  it('keeps TypeScript source verbatim with its language', async () => {
    const doc = await loadFile(fixture('example.ts'));
    expect(doc).toMatchObject({ format: 'code', extension: 'ts', language: 'typescript' });
    expect(doc.text).toContain('export function formatPrice(cents: number): string {');
    expect(doc.text).toContain('€');
  });
});
