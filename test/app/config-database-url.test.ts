import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { createLogger } from '../../app/logger.ts';

// DATABASE_URL (issue 19): read and checked once, a PostgreSQL URL or nothing, and its password never repeated.

describe('DATABASE_URL', () => {
  it('is unset by default: SQLite in the data directory stays the store', () => {
    expect(loadConfig({}).databaseUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: '  ' }).databaseUrl).toBeUndefined();
  });

  it.each([
    'postgres://lore:secret@db.internal:5432/lore',
    'postgresql://db.internal/lore?sslmode=require',
    'postgresql:///lore?host=/var/run/postgresql',
  ])('takes a PostgreSQL URL: %s', (url) => {
    expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
  });

  it.each(['mysql://lore:secret@db.internal/lore', 'postgres:lore-secret', 'https://db.internal/lore', 'lore-secret'])(
    'refuses anything else, without repeating it: %s',
    (url) => {
      expect(() => loadConfig({ DATABASE_URL: url })).toThrow(/^Invalid configuration: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL$/);
    },
  );

  it('is never written to the logs whole', () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (line: string) => lines.push(line) });
    const config = loadConfig({ DATABASE_URL: 'postgres://lore:pw-7f3a91@db.internal/lore' });
    log.info({ config, databaseUrl: config.databaseUrl }, 'configuration');
    expect(lines.join('')).toContain('"databaseUrl":"[redacted]"');
    expect(lines.join('')).not.toContain('pw-7f3a91');
  });
});
