import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../app/config.ts';

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({}, {}, '/srv/lore');
    expect(config.dataDir).toBe(path.resolve('/srv/lore/.lore'));
    expect(config.embedder).toBe('local');
    expect(config.chromaUrl).toBeUndefined();
    expect(config.filesPaths).toEqual([path.resolve('/srv/lore/datasets/sample-kb')]);
    expect(config.port).toBe(8080);
    expect(config.limits.maxFileBytes).toBe(25 * 1024 * 1024);
  });

  it('lets the --data-dir flag win over LORE_DATA_DIR', () => {
    const config = loadConfig({ LORE_DATA_DIR: '/a' }, { dataDir: '/b' });
    expect(config.dataDir).toBe('/b');
  });

  it('chooses Gemini embeddings automatically when a key is set', () => {
    expect(loadConfig({ GEMINI_API_KEY: 'k' }).embedder).toBe('gemini');
    expect(loadConfig({ GEMINI_API_KEY: 'k', LORE_EMBEDDER: 'local' }).embedder).toBe('local');
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a number/],
    [{ PORT: '70000' }, /PORT must be at most 65535/],
    [{ CHROMA_URL: 'not a url' }, /CHROMA_URL must be an http\(s\) URL/],
    [{ LORE_EMBEDDER: 'openai' }, /LORE_EMBEDDER/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ LORE_MAX_FILE_MB: '-1' }, /LORE_MAX_FILE_MB must be positive/],
    [{ LORE_EMBEDDER: 'gemini' }, /GEMINI_API_KEY is not set/],
  ])('fails with one message naming the variable for %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never echoes a secret value in its error', () => {
    expect(() => loadConfig({ GEMINI_BASE_URL: 'ftp://x', GEMINI_API_KEY: 'sekret' })).not.toThrow(/sekret/);
    expect(() => loadConfig({ REDIS_URL: 'sekret-token' })).toThrow(/REDIS_URL/);
  });
});
