import { describe, expect, it } from 'vitest';
import { StreamRedactor } from '../../../rag/cite/stream-redactor.ts';

function stream(deltas: string[]): { shown: string[]; all: string } {
  const redactor = new StreamRedactor();
  const shown = deltas.map((d) => redactor.push(d));
  shown.push(redactor.flush());
  return { shown, all: shown.join('') };
}

describe('StreamRedactor', () => {
  it('redacts a key split across deltas before any part of it is shown', () => {
    const { shown, all } = stream(['Use the key AIzaSyA1b2C3d4', 'E5f6G7h8I9j0K1l2M3n4O5p6Q ', 'to call it.']);
    expect(all).toBe('Use the key [redacted] to call it.');
    expect(shown.join('|')).not.toContain('AIza');
  });

  it('holds back an unterminated private key block', () => {
    const redactor = new StreamRedactor();
    const first = redactor.push('Here: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC ');
    expect(first).toBe('Here: ');
    const rest = redactor.push('more\n-----END PRIVATE KEY-----\ndone') + redactor.flush();
    expect(first + rest).toBe('Here: [redacted]\ndone');
  });

  it('passes ordinary text through unchanged, in order', () => {
    const { all } = stream(['The release ', 'train leaves ', 'on Tuesdays [1].']);
    expect(all).toBe('The release train leaves on Tuesdays [1].');
  });
});
