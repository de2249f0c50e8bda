import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../app/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('writes structured JSON lines', () => {
    const { lines, stream } = capture();
    createLogger('info', stream).info({ docs: 3 }, 'indexed');
    const record = JSON.parse(lines[0]!);
    expect(record).toMatchObject({ msg: 'indexed', docs: 3, app: 'lore', level: 30 });
  });

  it('redacts tokens and keys wherever they are nested', () => {
    const { lines, stream } = capture();
    createLogger('info', stream).info(
      { apiKey: 'AIza-secret', slack: { botToken: 'xoxb-secret' }, headers: { authorization: 'Bearer secret' } },
      'calling',
    );
    expect(lines.join('')).not.toMatch(/secret/);
    expect(lines.join('')).toContain('[redacted]');
  });
});
