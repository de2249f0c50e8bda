import { describe, expect, it } from 'vitest';
import { DEFAULT_FILE_LIMITS, fileLimits, formatBytes } from '../../../connectors/files/file-limits.ts';

describe('file limits', () => {
  it('default to 25 MB files, 100 MB decompressed, 2,000 PDF pages, 512 levels of HTML and 5M characters', () => {
    expect(DEFAULT_FILE_LIMITS).toMatchObject({
      maxHtmlDepth: 512,
      maxFileBytes: 25 * 1024 * 1024,
      maxDecompressedBytes: 100 * 1024 * 1024,
      maxPdfPages: 2000,
      maxTextChars: 5_000_000,
    });
  });

  it('take overrides and keep the other defaults', () => {
    const limits = fileLimits({ maxPdfPages: 10 });
    expect(limits.maxPdfPages).toBe(10);
    expect(limits.maxFileBytes).toBe(DEFAULT_FILE_LIMITS.maxFileBytes);
  });

  it('reject limits that are not positive numbers', () => {
    expect(() => fileLimits({ maxFileBytes: 0 })).toThrow(/maxFileBytes must be a positive number/);
    expect(() => fileLimits({ maxTextChars: Number.NaN })).toThrow(/maxTextChars/);
  });

  it('show sizes the way people read them', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(25 * 1024 * 1024)).toBe('25 MB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3 GB');
  });
});
