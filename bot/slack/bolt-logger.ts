import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';

// Bolt and the Slack Web API client log through this adapter, so their lines are structured like Lore's and go
// through the same redaction. Their level follows Lore's logger: `setLevel` from Bolt is ignored.

export function boltLogger(log: Logger): BoltLogger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...parts: unknown[]) => {
      const error = parts.find((part): part is Error => part instanceof Error);
      const text = parts
        .filter((part) => !(part instanceof Error))
        .map((part) => (typeof part === 'string' ? part : safeJson(part)))
        .join(' ');
      if (error) log[level]({ err: error }, text || error.message);
      else log[level](text);
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: () => undefined,
    getLevel: () => {
      const level = log.level;
      if (level === 'error' || level === 'fatal' || level === 'silent') return LogLevel.ERROR;
      if (level === 'warn') return LogLevel.WARN;
      if (level === 'info') return LogLevel.INFO;
      return LogLevel.DEBUG;
    },
    setName: () => undefined,
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
