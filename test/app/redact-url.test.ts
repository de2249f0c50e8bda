import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../app/redact-url.ts';

describe('redacting a URL for logs and messages', () => {
  it('masks the password of the user part and of a password parameter, and keeps the rest', () => {
    expect(redactUrl('postgresql://lore:s%40cret@db.internal:5432/lore?sslmode=require', '?')).toBe(
      'postgresql://lore:***@db.internal:5432/lore?sslmode=require',
    );
    expect(redactUrl('postgres://db.internal/lore?user=lore&password=secret', '?')).toBe('postgres://db.internal/lore?user=lore&password=***');
    expect(redactUrl('redis://127.0.0.1:6379', '?')).toBe('redis://127.0.0.1:6379');
  });

  it('says only that the URL is unparsable when it is, never echoing it', () => {
    expect(redactUrl('postgres://lore:secret@[bad', 'postgres://(unparsable URL)')).toBe('postgres://(unparsable URL)');
  });
});
