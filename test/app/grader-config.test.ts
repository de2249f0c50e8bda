import { describe, expect, it } from 'vitest';
import { GEMINI_OPENAI_URL, graderConfig, GraderConfigError } from '../../app/config.ts';

describe('the LLM grader configuration', () => {
  it('is off without a Gemini key', () => {
    expect(graderConfig({})).toBeUndefined();
    expect(graderConfig({ GEMINI_API_KEY: '  ' })).toBeUndefined();
  });

  it("grades with Gemini's OpenAI-compatible endpoint by default, models configurable", () => {
    expect(graderConfig({ GEMINI_API_KEY: 'k' })).toEqual({
      apiKey: 'k',
      baseUrl: GEMINI_OPENAI_URL,
      model: 'gemini-2.5-flash',
      embedModel: 'gemini-embedding-001',
    });
    expect(graderConfig({ GEMINI_API_KEY: 'k', LORE_GRADER_MODEL: 'gemini-2.5-pro', LORE_GRADER_EMBED_MODEL: 'text-embedding-004' })).toMatchObject({
      model: 'gemini-2.5-pro',
      embedModel: 'text-embedding-004',
    });
  });

  it('follows GEMINI_BASE_URL (proxies, tests) unless the grader URL is given', () => {
    expect(graderConfig({ GEMINI_API_KEY: 'k', GEMINI_BASE_URL: 'http://127.0.0.1:9000/' })!.baseUrl).toBe('http://127.0.0.1:9000/v1beta/openai/');
    expect(graderConfig({ GEMINI_API_KEY: 'k', GEMINI_BASE_URL: 'http://a/', LORE_GRADER_BASE_URL: 'http://127.0.0.1:9001/v1' })!.baseUrl).toBe(
      'http://127.0.0.1:9001/v1/',
    );
  });

  it('names the variable that is wrong', () => {
    expect(() => graderConfig({ GEMINI_API_KEY: 'k', LORE_GRADER_BASE_URL: 'ftp://x' })).toThrow(GraderConfigError);
    expect(() => graderConfig({ GEMINI_API_KEY: 'k', LORE_GRADER_BASE_URL: 'ftp://x' })).toThrow(/LORE_GRADER_BASE_URL must be an http\(s\) URL/);
  });
});
