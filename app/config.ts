import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { ChatConfigError, loadChatConfig, type ChatConfig } from '../bot/conversation/chat-config.ts';
import { TRUST_CLASSES, type TrustClass } from '../rag/cite/answer-links.ts';
import { DEFAULT_PRICES, parsePriceTable, type PriceTable } from '../rag/cost/price-table.ts';
import { DEFAULT_TOPICS, parseTopicTaxonomy, type TopicTaxonomy } from '../rag/enrich/topics.ts';
import { LoreError } from '../rag/errors.ts';
import { parseApiKeyEntries, type ApiKeySpec } from './api-key-entries.ts';

// Configuration is read once, from the environment plus command-line flags, and validated here so
// that a bad value fails at start with one message naming the variable — never later, mid-request. This is the one
// module that validates the environment: Lore's (loadConfig, with the files it names), the chat configuration file
// (readChatConfig) and the release gate's grader (graderConfig, graderMode).

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const optionalUrl = optionalString.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional());

const integer = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` })
    .default(fallback);

const fraction = (fallback: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .min(0, { message: 'must be between 0 and 1' })
    .max(1, { message: 'must be between 0 and 1' })
    .default(fallback);

const dollars = z.coerce.number({ message: 'must be a number' }).min(0, { message: 'must not be negative' }).default(0);

const megabytes = (fallback: number) => z.coerce.number({ message: 'must be a number' }).positive({ message: 'must be positive' }).default(fallback);

const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''], { message: 'must be true or false' })
    .optional()
    .transform((value) => (value === undefined || value === '' ? fallback : ['true', '1', 'yes'].includes(value)));

const repositories = list.pipe(z.array(z.string().regex(/^[\w.-]+\/[\w.-]+$/, { message: 'must be a comma-separated list of owner/repo' })));

/** Where the HTTP server listens: a host name or an IP address (IPv6 with or without brackets). */
const listenHost = optionalString
  .transform((value) => (value ?? 'localhost').replace(/^\[(.*)\]$/, '$1'))
  .pipe(
    z.string().refine((value) => net.isIP(value) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(value), {
      message: 'must be a host name or an IP address to listen on (localhost, 0.0.0.0, ::, 10.0.0.5)',
    }),
  );

const apiKeys = list.transform((entries, context): ApiKeySpec[] => {
  const parsed = parseApiKeyEntries(entries);
  if ('keys' in parsed) return parsed.keys;
  context.issues.push({ code: 'custom', message: parsed.problem, input: '' });
  return z.NEVER;
});

/** LORE_ADMIN_API_KEYS: `key` or `name:key`; an admin key sees every channel, so it cannot be limited to sources. */
const adminApiKeys = apiKeys.transform((keys, context): ApiKeySpec[] => {
  const limited = keys.findIndex((key) => key.sources !== undefined);
  if (limited === -1) return keys;
  context.issues.push({
    code: 'custom',
    message: `entry ${limited + 1} names sources: an admin key reads every channel's questions, use key or name:key`,
    input: '',
  });
  return z.NEVER;
});

/** Sources marked lower-trust (LORE_LOW_TRUST_SOURCES): an answer resting only on them says so. */
const trustClasses = list.transform((entries, context): TrustClass[] => {
  const unknown = entries.filter((entry) => !(TRUST_CLASSES as readonly string[]).includes(entry));
  if (unknown.length === 0) return [...new Set(entries as TrustClass[])];
  context.issues.push({
    code: 'custom',
    message: `must be a comma-separated list of ${TRUST_CLASSES.join(', ')} (unknown: ${unknown.join(', ')})`,
    input: '',
  });
  return z.NEVER;
});

const urls = list.pipe(z.array(z.url({ protocol: /^https?$/, message: 'must be a comma-separated list of http(s) URLs' })));

/** Repository files indexed by default: documentation, not code. */
export const DEFAULT_GITHUB_PATHS = ['**/*.md', '**/*.mdx', '**/*.rst', '**/*.txt', '**/README*'];

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
  LORE_PARSE_MEMORY_MB: integer(32, 65_536, 512),
  LORE_PARSE_TIMEOUT_SECONDS: integer(1, 3_600, 60),
  LORE_PARSE_WORKERS: integer(1, 64, 2),
  LORE_ADMINS: list,
  LORE_CHAT_CONFIG: optionalString,
  LORE_RATE_USER_PER_MINUTE: integer(1, 10_000, 6),
  LORE_RATE_CHANNEL_PER_MINUTE: integer(1, 10_000, 30),
  LORE_FOLLOW_THREADS: flag(false),
  LORE_EDIT_WINDOW_MINUTES: integer(0, 1_440, 10),
  LORE_SYNC_INTERVAL_MINUTES: integer(0, 10_080, 60),
  LORE_WEB_URLS: urls,
  LORE_WEB_ALLOW_PRIVATE: flag(false),
  LORE_LOW_TRUST_SOURCES: trustClasses,
  LORE_API_KEYS: apiKeys,
  LORE_ADMIN_API_KEYS: adminApiKeys,
  LORE_API_PUBLIC: flag(false),
  LORE_API_RATE_PER_MINUTE: integer(1, 1_000_000, 60),
  LORE_MAX_CONCURRENT_QUERIES: integer(1, 100_000, 64),
  LORE_API_BURST: z
    .union([
      z.literal('').transform(() => undefined),
      z.coerce
        .number({ message: 'must be a number' })
        .int({ message: 'must be a whole number' })
        .min(1, { message: 'must be at least 1' })
        .max(1_000_000, { message: 'must be at most 1000000' }),
    ])
    .optional(),
  LORE_DAILY_BUDGET_USD: dollars,
  LORE_CACHE_TTL_SECONDS: integer(0, 604_800, 600),
  LORE_CACHE_MAX_ENTRIES: integer(1, 10_000_000, 5_000),
  LORE_QUERY_LOG_DAYS: integer(1, 3_650, 30),
  LORE_QUALITY_WINDOW: integer(1, 100_000, 100),
  LORE_QUALITY_ALERT_BELOW: fraction(0.8),
  CHROMA_URL: optionalUrl,
  GEMINI_API_KEY: optionalString,
  GEMINI_BASE_URL: optionalUrl,
  GEMINI_MODEL: z.string().trim().min(1).default('gemini-2.5-flash'),
  GEMINI_SIMPLE_MODEL: z.string().trim().default('gemini-2.5-flash-lite'),
  GEMINI_EMBED_MODEL: z.string().trim().min(1).default('gemini-embedding-001'),
  GEMINI_EMBED_DIMENSIONS: integer(64, 3072, 768),
  LORE_ANSWER_DEADLINE_SECONDS: z.coerce
    .number({ message: 'must be a number' })
    .min(2, { message: 'must be at least 2' })
    .max(300, { message: 'must be at most 300' })
    .default(20),
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: optionalUrl,
  SLACK_TEAM_IDS: list.pipe(
    z.array(z.string().regex(/^[TE][A-Z0-9]{2,}$/, { message: 'must be a comma-separated list of Slack workspace ids (T…)' })),
  ),
  DISCORD_TOKEN: optionalString,
  DISCORD_API_URL: optionalUrl,
  DISCORD_GUILD_ID: optionalString.pipe(
    z
      .string()
      .regex(/^\d{15,21}$/, { message: 'must be a Discord server id, a number' })
      .optional(),
  ),
  DISCORD_GUILD_IDS: list.pipe(
    z.array(z.string().regex(/^\d{15,21}$/, { message: 'must be a comma-separated list of Discord server ids (numbers)' })),
  ),
  DISCORD_REPLY_MODE: z.enum(['reply', 'thread']).default('reply'),
  NOTION_TOKEN: optionalString,
  NOTION_BASE_URL: optionalUrl,
  GITHUB_TOKEN: optionalString,
  GITHUB_API_URL: optionalUrl,
  GITHUB_REPOS: repositories,
  GITHUB_PATHS: list,
  GITHUB_ISSUES: flag(true),
  REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/, message: 'must be a redis:// URL' }).optional()),
  DATABASE_URL: optionalString.pipe(
    z
      .url({ protocol: /^postgres(?:ql)?$/, message: 'must be a postgres:// or postgresql:// URL' })
      .regex(/^postgres(?:ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
      .optional(),
  ),
  LORE_HOST: listenHost,
  PORT: integer(1, 65_535, 8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  dataDir: string;
  filesPaths: string[];
  embedder: 'local' | 'gemini';
  embedWorkers: number;
  /** The topic taxonomy chunks are tagged with (LORE_TOPICS_FILE, else the built-in one). */
  topics: TopicTaxonomy;
  /** File limits; `parse*`: each file is parsed in a worker thread with this heap and time, so many at once. */
  limits: {
    maxFileBytes: number;
    maxDecompressedBytes: number;
    maxPdfPages: number;
    parseMemoryMb: number;
    parseTimeoutMs: number;
    maxParallelParses: number;
  };
  chromaUrl?: string;
  /**
   * `model` answers complex questions; `simpleModel` (when set and different) answers simple lookups.
   */
  gemini: { apiKey?: string; baseUrl?: string; model: string; simpleModel?: string; embedModel: string; embedDimensions: number };
  /**
   * The HTTP API: keys (each limited to some sources, or none) required on /query, /feedback and /ingest when any
   * are set (and, beyond loopback, unless `public`), and requests per minute per key. `maxConcurrentQueries`: questions answered at once; past it 429.
   */
  api: { keys: ApiKeySpec[]; public: boolean; ratePerMinute: number; burst: number; maxConcurrentQueries: number; adminKeys: ApiKeySpec[] };
  /** Time limit of one answer, shared among its steps (optional Gemini steps are skipped to keep to it). */
  answerDeadlineSeconds: number;
  /** Daily language-model budget in USD (0: none); past it answers are extractive. */
  dailyBudgetUsd: number;
  /** Answer cache: time to live (0 turns it off) and, in memory, how many answers it keeps. */
  cache: { ttlSeconds: number; maxEntries: number };
  queryLogDays: number;
  /** Online quality: rolling window of scored answers and the mean below which an alert is logged. */
  quality: { window: number; alertBelow: number };
  /** Model prices per million tokens (LORE_PRICES_FILE over the built-in table). */
  prices: PriceTable;
  /** Chat users (Slack or Discord ids) allowed to run admin commands such as `/lore sync`. */
  admins: string[];
  /** The per-channel scope file (lore.config.yaml), when there is one. */
  chatConfigFile?: string;
  rateLimits: { userPerMinute: number; channelPerMinute: number };
  /** Answer every message in a thread Lore already answered, not only mentions. */
  followThreads: boolean;
  /** An asker's edit of a question Lore answered, within this many minutes, is answered again in place (0: never). */
  editWindowMinutes: number;
  /** Minutes between background syncs in `lore start` (0: only at start). */
  syncIntervalMinutes: number;
  web: { urls: string[]; allowPrivate: boolean };
  /** Sources whose word alone is not trusted: an answer resting only on them says so (LORE_LOW_TRUST_SOURCES). */
  lowTrustSources: TrustClass[];
  /** `teamIds`: the workspaces Lore answers in (empty: the bot token's own). */
  slack: { botToken?: string; signingSecret?: string; appToken?: string; apiUrl?: string; teamIds: string[] };
  /**
   * `guildIds`: the servers Lore answers in (DISCORD_GUILD_IDS, else DISCORD_GUILD_ID; empty: none). `adminRoleIds`:
   * the server roles whose members are admins, from LORE_ADMINS entries `role:<role id>` (checked with DISCORD_TOKEN).
   */
  discord: { token?: string; apiUrl?: string; guildId?: string; guildIds: string[]; replyMode: 'reply' | 'thread'; adminRoleIds: string[] };
  notion: { token?: string; baseUrl?: string };
  github: { token?: string; apiUrl?: string; repos: string[]; paths: string[]; issues: boolean };
  redisUrl?: string;
  /**
   * PostgreSQL, the store replicas share (DATABASE_URL); unset, the store is SQLite in the data directory
   * (app/storage/open-store.ts). It may carry a password: never log it (app/redact-url.ts masks it).
   */
  databaseUrl?: string;
  /** The address the HTTP server listens on (LORE_HOST): loopback unless the admin exposes it. */
  host: string;
  port: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

export class ConfigError extends LoreError {
  override name = 'ConfigError';
  override readonly code: string = 'invalid_config';
}

/** Flags given on the command line win over the environment. */
export interface ConfigOverrides {
  dataDir?: string;
}

const MB = 1024 * 1024;

export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: ConfigOverrides = {}, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse({ ...env, ...(overrides.dataDir ? { LORE_DATA_DIR: overrides.dataDir } : {}) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path.join('.') ?? 'configuration';
    const given = env[variable];
    // A Redis, Chroma or PostgreSQL URL may carry its password.
    const shown = given === undefined || /TOKEN|KEY|SECRET|REDIS_URL|CHROMA_URL|DATABASE_URL/.test(variable) ? '' : ` (got "${given}")`;
    throw new ConfigError(`Invalid configuration: ${variable} ${issue?.message ?? 'is invalid'}${shown}`);
  }
  const e = parsed.data;
  const embedder = e.LORE_EMBEDDER === 'auto' ? (e.GEMINI_API_KEY ? 'gemini' : 'local') : e.LORE_EMBEDDER;
  if (embedder === 'gemini' && !e.GEMINI_API_KEY) {
    throw new ConfigError('Invalid configuration: LORE_EMBEDDER is "gemini" but GEMINI_API_KEY is not set');
  }
  if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
    throw new ConfigError('Invalid configuration: SLACK_SIGNING_SECRET is required for Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  return {
    dataDir: path.resolve(cwd, e.LORE_DATA_DIR),
    filesPaths: (e.LORE_FILES_PATHS.length > 0 ? e.LORE_FILES_PATHS : ['datasets/sample-kb']).map((p) => path.resolve(cwd, p)),
    embedder,
    embedWorkers: e.LORE_EMBED_WORKERS,
    topics: e.LORE_TOPICS_FILE ? readJsonFile('LORE_TOPICS_FILE', path.resolve(cwd, e.LORE_TOPICS_FILE), parseTopicTaxonomy) : DEFAULT_TOPICS,
    prices: e.LORE_PRICES_FILE
      ? readJsonFile('LORE_PRICES_FILE', path.resolve(cwd, e.LORE_PRICES_FILE), (value, file) => parsePriceTable(value, DEFAULT_PRICES, file))
      : DEFAULT_PRICES,
    limits: {
      maxFileBytes: Math.round(e.LORE_MAX_FILE_MB * MB),
      maxDecompressedBytes: Math.round(e.LORE_MAX_DECOMPRESSED_MB * MB),
      maxPdfPages: e.LORE_MAX_PDF_PAGES,
      parseMemoryMb: e.LORE_PARSE_MEMORY_MB,
      parseTimeoutMs: e.LORE_PARSE_TIMEOUT_SECONDS * 1000,
      maxParallelParses: e.LORE_PARSE_WORKERS,
    },
    admins: e.LORE_ADMINS,
    chatConfigFile: chatConfigFile(e.LORE_CHAT_CONFIG, cwd),
    rateLimits: { userPerMinute: e.LORE_RATE_USER_PER_MINUTE, channelPerMinute: e.LORE_RATE_CHANNEL_PER_MINUTE },
    followThreads: e.LORE_FOLLOW_THREADS,
    editWindowMinutes: e.LORE_EDIT_WINDOW_MINUTES,
    syncIntervalMinutes: e.LORE_SYNC_INTERVAL_MINUTES,
    web: { urls: e.LORE_WEB_URLS, allowPrivate: e.LORE_WEB_ALLOW_PRIVATE },
    lowTrustSources: [...new Set(e.LORE_LOW_TRUST_SOURCES)],
    chromaUrl: e.CHROMA_URL,
    gemini: {
      apiKey: e.GEMINI_API_KEY,
      baseUrl: e.GEMINI_BASE_URL,
      model: e.GEMINI_MODEL,
      ...(e.GEMINI_SIMPLE_MODEL && e.GEMINI_SIMPLE_MODEL !== e.GEMINI_MODEL ? { simpleModel: e.GEMINI_SIMPLE_MODEL } : {}),
      embedModel: e.GEMINI_EMBED_MODEL,
      embedDimensions: e.GEMINI_EMBED_DIMENSIONS,
    },
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      teamIds: e.SLACK_TEAM_IDS,
    },
    discord: {
      token: e.DISCORD_TOKEN,
      apiUrl: e.DISCORD_API_URL,
      guildId: e.DISCORD_GUILD_ID,
      guildIds: e.DISCORD_GUILD_IDS.length > 0 ? e.DISCORD_GUILD_IDS : e.DISCORD_GUILD_ID ? [e.DISCORD_GUILD_ID] : [],
      replyMode: e.DISCORD_REPLY_MODE,
      adminRoleIds: e.DISCORD_TOKEN ? discordAdminRoleIds(e.LORE_ADMINS) : [],
    },
    notion: { token: e.NOTION_TOKEN, baseUrl: e.NOTION_BASE_URL },
    github: {
      token: e.GITHUB_TOKEN,
      apiUrl: e.GITHUB_API_URL,
      repos: e.GITHUB_REPOS.map((repo) => repo.toLowerCase()),
      paths: e.GITHUB_PATHS.length > 0 ? e.GITHUB_PATHS : DEFAULT_GITHUB_PATHS,
      issues: e.GITHUB_ISSUES,
    },
    api: {
      keys: e.LORE_API_KEYS,
      public: e.LORE_API_PUBLIC,
      ratePerMinute: e.LORE_API_RATE_PER_MINUTE,
      burst: e.LORE_API_BURST ?? e.LORE_API_RATE_PER_MINUTE,
      maxConcurrentQueries: e.LORE_MAX_CONCURRENT_QUERIES,
      // Separate from LORE_API_KEYS: a key handed to a widget or a script must never open every channel's questions.
      adminKeys: e.LORE_ADMIN_API_KEYS,
    },
    answerDeadlineSeconds: e.LORE_ANSWER_DEADLINE_SECONDS,
    dailyBudgetUsd: e.LORE_DAILY_BUDGET_USD,
    cache: { ttlSeconds: e.LORE_CACHE_TTL_SECONDS, maxEntries: e.LORE_CACHE_MAX_ENTRIES },
    queryLogDays: e.LORE_QUERY_LOG_DAYS,
    quality: { window: e.LORE_QUALITY_WINDOW, alertBelow: e.LORE_QUALITY_ALERT_BELOW },
    redisUrl: e.REDIS_URL,
    databaseUrl: e.DATABASE_URL,
    host: e.LORE_HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
  };
}

/** An explicit LORE_CHAT_CONFIG must exist; otherwise `lore.config.yaml` is used when present. */
function chatConfigFile(given: string | undefined, cwd: string): string | undefined {
  if (given) {
    const file = path.resolve(cwd, given);
    if (!fs.existsSync(file)) throw new ConfigError(`Invalid configuration: LORE_CHAT_CONFIG file not found (got "${given}")`);
    return file;
  }
  const fallback = path.resolve(cwd, 'lore.config.yaml');
  return fs.existsSync(fallback) ? fallback : undefined;
}

/**
 * The chat configuration (`Config['chatConfigFile']`: channels, scopes, support channels), read and checked; a mistake
 * is a ConfigError naming the file and the field. `lore start` reads it before its slow first index.
 */
export function readChatConfig(file: string | undefined): ChatConfig {
  try {
    return loadChatConfig(file);
  } catch (error) {
    if (error instanceof ChatConfigError) throw new ConfigError(error.message);
    throw error;
  }
}

/**
 * The Discord role ids among LORE_ADMINS entries (which list user ids of any platform; on Discord an entry may name a
 * server role as `role:<role id>`, so admins are managed in Discord itself); a malformed `role:` entry is refused.
 */
function discordAdminRoleIds(entries: readonly string[]): string[] {
  const roles: string[] = [];
  for (const entry of entries) {
    if (!entry.startsWith('role:')) continue;
    const id = entry.slice('role:'.length);
    if (!/^\d{15,21}$/.test(id)) {
      throw new ConfigError(
        `Invalid configuration: LORE_ADMINS "${entry}" is not a Discord role: write role:<role id> (a number, copied with Developer Mode on)`,
      );
    }
    roles.push(id);
  }
  return roles;
}

/** A JSON file a variable names, read and checked at start; any problem is a ConfigError naming the variable. */
function readJsonFile<T>(variable: string, file: string, parse: (value: unknown, file: string) => T): T {
  try {
    return parse(JSON.parse(fs.readFileSync(file, 'utf8')), file);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${variable} ${(error as Error).message}`);
  }
}

// The release gate's grader: which model grades when a key is set. Gemini through its OpenAI-compatible endpoint, so
// autoevals' scorers (written for the OpenAI API) run unchanged.

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

const graderSchema = z.object({
  GEMINI_API_KEY: z.string().trim().optional(),
  GEMINI_BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  LORE_GRADER_BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  LORE_GRADER_MODEL: z.string().trim().min(1).default('gemini-2.5-flash'),
  LORE_GRADER_EMBED_MODEL: z.string().trim().min(1).default('gemini-embedding-001'),
});

/** The grader configuration, or undefined when no key is set (grading is then offline). */
export function graderConfig(env: Record<string, string | undefined> = process.env): GraderConfig | undefined {
  const blanksDropped = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = graderSchema.safeParse(blanksDropped);
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

/** How the gate grades: `offline` or `llm` as asked (`--grader`, LORE_EVAL_GRADER), `auto` is `llm` when a grader key is set. */
export function graderMode(requested: string | undefined, env: Record<string, string | undefined> = process.env): 'offline' | 'llm' {
  if (requested === 'offline' || requested === 'llm') return requested;
  if (requested !== undefined && requested !== '' && requested !== 'auto') {
    throw new Error(`Invalid configuration: LORE_EVAL_GRADER must be offline, llm or auto (got "${requested}")`);
  }
  return graderConfig(env) ? 'llm' : 'offline';
}

/** What `lore eval` hands the promptfoo process it starts: the golden folder and the grader mode (LORE_EVAL_*). */
export function evalRunSettings(env: Record<string, string | undefined> = process.env): { goldenDir?: string; grader?: string } {
  return {
    ...(env.LORE_EVAL_GOLDEN_DIR ? { goldenDir: env.LORE_EVAL_GOLDEN_DIR } : {}),
    ...(env.LORE_EVAL_GRADER !== undefined ? { grader: env.LORE_EVAL_GRADER } : {}),
  };
}
