import { describe, expect, it } from 'vitest';
import { unwrapLines } from '../../../rag/cite/unwrap-lines.ts';

describe('unwrapLines', () => {
  it('joins soft-wrapped lines into one paragraph line', () => {
    expect(unwrapLines('Production deploys happen every\n  Tuesday after the\r\nstand-up.')).toBe(
      'Production deploys happen every Tuesday after the stand-up.',
    );
  });

  it('keeps headings, list items, tables, quotes, fences and blank lines on their own lines', () => {
    const text =
      '# Deploys\nThey run weekly.\n- first item\n- second item\n| a | b |\n| 1 | 2 |\n> quoted\n```\nline one\nline two\n```\n\nNew paragraph.';
    expect(unwrapLines(text)).toBe(text);
  });

  it('lets a wrapped list item continue onto its next line', () => {
    expect(unwrapLines('- Rotate the key with\n  lore keys rotate.\n- Next')).toBe('- Rotate the key with lore keys rotate.\n- Next');
  });
});
