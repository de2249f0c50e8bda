import { describe, expect, it } from 'vitest';
import { ApiKeys, keyIdOf, presentedKey } from '../../../app/http/api-keys.ts';

describe('API keys', () => {
  it('identifies a configured key by a short id that is not the key', () => {
    const keys = new ApiKeys([{ key: 'first-secret-key' }, { key: 'second-secret-key' }]);
    expect(keys.required).toBe(true);
    const id = keys.identify('second-secret-key')?.keyId;
    expect(id).toBe(keyIdOf('second-secret-key'));
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(id).not.toBe(keys.identify('first-secret-key')?.keyId);
  });

  it('refuses unknown keys, including prefixes and extensions of real ones', () => {
    const keys = new ApiKeys([{ key: 'first-secret-key' }]);
    for (const wrong of ['first-secret-ke', 'first-secret-key2', 'FIRST-SECRET-KEY', '']) expect(keys.identify(wrong)).toBeUndefined();
  });

  it('requires nothing when no keys are configured', () => {
    expect(new ApiKeys([]).required).toBe(false);
  });

  it('reads the key from Authorization: Bearer or x-api-key', () => {
    expect(presentedKey({ headers: { authorization: 'Bearer abc123' } })).toBe('abc123');
    expect(presentedKey({ headers: { authorization: 'bearer   abc123 ' } })).toBe('abc123');
    expect(presentedKey({ headers: { 'x-api-key': 'abc123' } })).toBe('abc123');
    expect(presentedKey({ headers: { authorization: 'Basic dXNlcjpwYXNz' } })).toBeUndefined();
    expect(presentedKey({ headers: {} })).toBeUndefined();
  });
});
