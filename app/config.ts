import path from 'node:path';
import { z } from 'zod';

// Configuration is read once, from the environment plus command-line flags, and validated here so
// that a bad value fails at start with one message naming the variable — never later, mid-request.

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const optionalUrl = optionalString.pipe(
  z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
);

const integer = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` })
    .default(fallback);

const megabytes = (fallback: number) =>
  z.coerce.number({ message: 'must be a number' }).positive({ message: 'must be positive' }).default(fallback);

const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const envSchema = z.object({
  LORE_DATA_DIR: z.string().trim().min(1).default('./.lore'),
  LORE_FILES_PATHS: list,
  LORE_EMBEDDER: z.enum(['auto', 'local', 'gemini']).default('auto'),
  LORE_EMBED_WORKERS: integer(0, 64, 0),
  LORE_TOPICS_FILE: optionalString,
  LORE_PRICES_FILE: optionalString,
  LORE_MAX_FILE_MB: megabytes(25),
  LORE_MAX_DECOMPRESSED_MB: megabytes(100),
  LORE_MAX_PDF_PAGES: integer(1, 100_000, 2_000),
  CHROMA_URL: optionalUrl,
  GEMINI_API_KEY: optionalString,
  GEMINI_BASE_URL: optionalUrl,
  GEMINI_MODEL: z.string().trim().min(1).default('gemini-2.5-flash'),
  GEMINI_EMBED_MODEL: z.string().trim().min(1).default('gemini-embedding-001'),
  GEMINI_EMBED_DIMENSIONS: integer(64, 3072, 768),
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: optionalUrl,
  DISCORD_TOKEN: optionalString,
  DISCORD_API_URL: optionalUrl,
  NOTION_TOKEN: optionalString,
  NOTION_BASE_URL: optionalUrl,
  GITHUB_TOKEN: optionalString,
  GITHUB_API_URL: optionalUrl,
  REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/, message: 'must be a redis:// URL' }).optional()),
  PORT: integer(1, 65_535, 8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  dataDir: string;
  filesPaths: string[];
  embedder: 'local' | 'gemini';
  embedWorkers: number;
  topicsFile?: string;
  limits: { maxFileBytes: number; maxDecompressedBytes: number; maxPdfPages: number };
  chromaUrl?: string;
  gemini: { apiKey?: string; baseUrl?: string; model: string; embedModel: string; embedDimensions: number };
  pricesFile?: string;
  slack: { botToken?: string; signingSecret?: string; appToken?: string; apiUrl?: string };
  discord: { token?: string; apiUrl?: string };
  notion: { token?: string; baseUrl?: string };
  github: { token?: string; apiUrl?: string };
  redisUrl?: string;
  port: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Flags given on the command line win over the environment. */
export interface ConfigOverrides {
  dataDir?: string;
}

const MB = 1024 * 1024;

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: ConfigOverrides = {},
  cwd = process.cwd(),
): Config {
  const parsed = envSchema.safeParse({ ...env, ...(overrides.dataDir ? { LORE_DATA_DIR: overrides.dataDir } : {}) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path.join('.') ?? 'configuration';
    const given = env[variable];
    const shown = given === undefined || /TOKEN|KEY|SECRET/.test(variable) ? '' : ` (got "${given}")`;
    throw new ConfigError(`Invalid configuration: ${variable} ${issue?.message ?? 'is invalid'}${shown}`);
  }
  const e = parsed.data;
  const embedder = e.LORE_EMBEDDER === 'auto' ? (e.GEMINI_API_KEY ? 'gemini' : 'local') : e.LORE_EMBEDDER;
  if (embedder === 'gemini' && !e.GEMINI_API_KEY) {
    throw new ConfigError('Invalid configuration: LORE_EMBEDDER is "gemini" but GEMINI_API_KEY is not set');
  }
  return {
    dataDir: path.resolve(cwd, e.LORE_DATA_DIR),
    filesPaths: (e.LORE_FILES_PATHS.length > 0 ? e.LORE_FILES_PATHS : ['datasets/sample-kb']).map((p) =>
      path.resolve(cwd, p),
    ),
    embedder,
    embedWorkers: e.LORE_EMBED_WORKERS,
    topicsFile: e.LORE_TOPICS_FILE && path.resolve(cwd, e.LORE_TOPICS_FILE),
    pricesFile: e.LORE_PRICES_FILE && path.resolve(cwd, e.LORE_PRICES_FILE),
    limits: {
      maxFileBytes: Math.round(e.LORE_MAX_FILE_MB * MB),
      maxDecompressedBytes: Math.round(e.LORE_MAX_DECOMPRESSED_MB * MB),
      maxPdfPages: e.LORE_MAX_PDF_PAGES,
    },
    chromaUrl: e.CHROMA_URL,
    gemini: {
      apiKey: e.GEMINI_API_KEY,
      baseUrl: e.GEMINI_BASE_URL,
      model: e.GEMINI_MODEL,
      embedModel: e.GEMINI_EMBED_MODEL,
      embedDimensions: e.GEMINI_EMBED_DIMENSIONS,
    },
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    },
    discord: { token: e.DISCORD_TOKEN, apiUrl: e.DISCORD_API_URL },
    notion: { token: e.NOTION_TOKEN, baseUrl: e.NOTION_BASE_URL },
    github: { token: e.GITHUB_TOKEN, apiUrl: e.GITHUB_API_URL },
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
  };
}
