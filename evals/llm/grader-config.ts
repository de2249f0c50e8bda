// Which model grades when a key is set: Gemini through its OpenAI-compatible endpoint, so autoevals' scorers (written
// for the OpenAI API) run unchanged. Read from the environment and validated here, with errors naming the variable.
import { z } from 'zod';
import { LoreError } from '../../rag/errors.ts';

export const GEMINI_OPENAI_URL = 'https://generativelanguage.googleapis.com/v1beta/openai/';

export interface GraderConfig {
  apiKey: string;
  /** OpenAI-compatible base URL (ends with a slash). */
  baseUrl: string;
  model: string;
  embedModel: string;
}

export class GraderConfigError extends LoreError {
  override readonly code: string = 'invalid_grader_config';
  override name = 'GraderConfigError';
}

const schema = z.object({
  GEMINI_API_KEY: z.string().trim().optional(),
  GEMINI_BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  LORE_GRADER_BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  LORE_GRADER_MODEL: z.string().trim().min(1).default('gemini-2.5-flash'),
  LORE_GRADER_EMBED_MODEL: z.string().trim().min(1).default('gemini-embedding-001'),
});

/** The grader configuration, or undefined when no key is set (grading is then offline). */
export function graderConfig(env: Record<string, string | undefined> = process.env): GraderConfig | undefined {
  const blanksDropped = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = schema.safeParse(blanksDropped);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GraderConfigError(`Invalid configuration: ${issue?.path.join('.') ?? 'grader'} ${issue?.message ?? 'is invalid'}`);
  }
  const e = parsed.data;
  if (!e.GEMINI_API_KEY) return undefined;
  return {
    apiKey: e.GEMINI_API_KEY,
    baseUrl: withSlash(e.LORE_GRADER_BASE_URL ?? (e.GEMINI_BASE_URL ? `${e.GEMINI_BASE_URL.replace(/\/+$/, '')}/v1beta/openai/` : GEMINI_OPENAI_URL)),
    model: e.LORE_GRADER_MODEL,
    embedModel: e.LORE_GRADER_EMBED_MODEL,
  };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
