import { destination as pinoDestination, pino, stdTimeFunctions, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

// Any field with one of these names is replaced before a line is written, wherever it is nested,
// so a token passed along in an options object can never reach the logs.
const SECRET_KEYS = [
  'apiKey',
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'password',
  'secret',
  'authorization',
  'Authorization',
  'cookie',
  'GEMINI_API_KEY',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'DISCORD_TOKEN',
  'NOTION_TOKEN',
  'GITHUB_TOKEN',
  // PostgreSQL's URL carries its password.
  'databaseUrl',
  'DATABASE_URL',
];

const redactPaths = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `headers.${key}`]);

/** Structured logs on stderr: stdout is reserved for `--json` output. */
export function createLogger(level: LevelWithSilent = 'info', destination: DestinationStream = pinoDestination({ dest: 2, sync: true })): Logger {
  return pino(
    {
      level,
      base: { app: 'lore' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: stdTimeFunctions.isoTime,
    },
    destination,
  );
}
