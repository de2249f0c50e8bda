import type { Db } from './database.ts';

// What the language model has cost today, for the daily budget (LORE_DAILY_BUDGET_USD). One process keeps it in
// SQLite, so a restart does not reset the day; with REDIS_URL every replica adds to one Redis counter
// (redis-spend-ledger.ts), so the budget holds for the whole deployment.

export interface SpendLedger {
  /** Adds to a day's spend. */
  add(day: string, usd: number): Promise<void>;
  total(day: string): Promise<number>;
  close(): Promise<void>;
}

/** The budget day: UTC, so every replica agrees on when it ends. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export class SqliteSpendLedger implements SpendLedger {
  constructor(private readonly db: Db) {}

  async add(day: string, usd: number): Promise<void> {
    if (!(usd > 0)) return;
    this.db.prepare('INSERT INTO daily_spend (day, usd) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET usd = usd + excluded.usd').run(day, usd);
  }

  async total(day: string): Promise<number> {
    return (this.db.prepare('SELECT usd FROM daily_spend WHERE day = ?').pluck().get(day) as number | undefined) ?? 0;
  }

  async close(): Promise<void> {}
}
