import { describe, expect, it } from 'vitest';
import { decodeText } from '../../../connectors/files/decode-text.ts';
import { assertContentMatches, detectFormat } from '../../../connectors/files/detect-format.ts';
import { InputError } from '../../../connectors/files/input-error.ts';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).reason;
  }
  throw new Error('expected an InputError');
}

describe('detecting the format of a file', () => {
  it.each([
    ['a/report.pdf', { kind: 'pdf', extension: 'pdf' }],
    ['Report.PDF', { kind: 'pdf', extension: 'pdf' }],
    ['handbook.docx', { kind: 'docx', extension: 'docx' }],
    ['page.htm', { kind: 'html', extension: 'htm' }],
    ['page.html', { kind: 'html', extension: 'html' }],
    ['guide.md', { kind: 'markdown', extension: 'md' }],
    ['guide.mdx', { kind: 'markdown', extension: 'mdx' }],
    ['guide.markdown', { kind: 'markdown', extension: 'markdown' }],
    ['notes.txt', { kind: 'text', extension: 'txt' }],
    ['spec.rst', { kind: 'text', extension: 'rst' }],
    ['data.csv', { kind: 'text', extension: 'csv' }],
    ['server.log', { kind: 'text', extension: 'log' }],
    ['manual.adoc', { kind: 'text', extension: 'adoc' }],
    ['app.tsx', { kind: 'code', extension: 'tsx', language: 'typescript' }],
    ['index.mjs', { kind: 'code', extension: 'mjs', language: 'javascript' }],
    ['main.py', { kind: 'code', extension: 'py', language: 'python' }],
    ['main.go', { kind: 'code', extension: 'go', language: 'go' }],
    ['lib.rs', { kind: 'code', extension: 'rs', language: 'rust' }],
    ['App.java', { kind: 'code', extension: 'java', language: 'java' }],
    ['util.h', { kind: 'code', extension: 'h', language: 'c' }],
    ['util.cpp', { kind: 'code', extension: 'cpp', language: 'cpp' }],
    ['Program.cs', { kind: 'code', extension: 'cs', language: 'csharp' }],
    ['deploy.sh', { kind: 'code', extension: 'sh', language: 'shell' }],
    ['schema.sql', { kind: 'code', extension: 'sql', language: 'sql' }],
    ['ci.yml', { kind: 'code', extension: 'yml', language: 'yaml' }],
    ['package.json', { kind: 'code', extension: 'json', language: 'json' }],
    ['Cargo.toml', { kind: 'code', extension: 'toml', language: 'toml' }],
  ])('%s', (path, expected) => {
    expect(detectFormat(path)).toEqual(expected);
  });

  it('has no loader for unknown or missing extensions', () => {
    expect(detectFormat('photo.png')).toBeUndefined();
    expect(detectFormat('archive.zip')).toBeUndefined();
    expect(detectFormat('Makefile')).toBeUndefined();
  });
});

describe('checking that the bytes match the claimed format', () => {
  const pdf = detectFormat('x.pdf')!;
  const docx = detectFormat('x.docx')!;
  const markdown = detectFormat('x.md')!;
  const python = detectFormat('x.py')!;

  it('accepts a PDF header after a little leading junk, as readers do', () => {
    expect(() => assertContentMatches(pdf, Buffer.from('\n\n%PDF-1.7\n'), 'x.pdf')).not.toThrow();
  });

  it('says what a mislabelled file really is', () => {
    expect(refusal(() => assertContentMatches(pdf, Buffer.from('PK\x03\x04rest', 'latin1'), 'x.pdf'))).toBe(
      'not a PDF: no %PDF- header (looks like a zip archive (DOCX, XLSX, JAR…))',
    );
    expect(refusal(() => assertContentMatches(docx, Buffer.from('%PDF-1.4 ...'), 'x.docx'))).toBe('not a DOCX: not a zip archive (looks like a PDF)');
    expect(refusal(() => assertContentMatches(docx, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]), 'x.docx'))).toMatch(
      /password-protected Office document/,
    );
    expect(refusal(() => assertContentMatches(markdown, Buffer.from('%PDF-1.4 ...'), 'x.md'))).toBe(
      'binary data (looks like a PDF), not Markdown text',
    );
    expect(refusal(() => assertContentMatches(python, Buffer.from('abc\0def'), 'x.py'))).toBe('binary data (contains NUL bytes), not python code');
  });

  it('lets UTF-16 text with a byte-order mark through despite its NUL bytes', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('# Title', 'utf16le')]);
    expect(() => assertContentMatches(markdown, utf16, 'x.md')).not.toThrow();
  });
});

describe('decoding text', () => {
  it('decodes UTF-8, drops its byte-order mark and normalises line endings', () => {
    expect(decodeText(Buffer.from('\ufeffa\r\nb\rc\n', 'utf8'), 'x.txt')).toBe('a\nb\nc\n');
  });

  it('decodes big-endian UTF-16 with a byte-order mark', () => {
    const le = Buffer.from('Grüße', 'utf16le');
    const be = Buffer.from(le).swap16();
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'x.txt')).toBe('Grüße');
  });

  it('refuses invalid UTF-8 and points at the first bad byte', () => {
    expect(refusal(() => decodeText(Buffer.from([0x61, 0x62, 0xe2, 0x82, 0x28]), 'x.txt'))).toBe(
      'not valid UTF-8 text (invalid byte sequence at byte 2)',
    );
  });
});
