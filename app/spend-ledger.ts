import type { SqlDatabase } from '../rag/contracts/sql-database.ts';

// What the language model has cost today, for the daily budget (LORE_DAILY_BUDGET_USD). Without Redis it is kept in
// the store (table daily_spend), so a restart does not reset the day; with REDIS_URL every replica adds to one Redis
// counter (redis-spend-ledger.ts), so the budget holds for the whole deployment.

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

/** The ledger in the store, on the storage seam (issue 19): SQLite, or the PostgreSQL replicas share. */
export class SqlSpendLedger implements SpendLedger {
  constructor(private readonly db: SqlDatabase) {}

  async add(day: string, usd: number): Promise<void> {
    if (!(usd > 0)) return;
    // One statement: two processes adding at once both count.
    await this.db.run('INSERT INTO daily_spend (day, usd) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET usd = daily_spend.usd + excluded.usd', [
      day,
      usd,
    ]);
  }

  async total(day: string): Promise<number> {
    const [row] = await this.db.query<{ usd: number }>('SELECT usd FROM daily_spend WHERE day = ?', [day]);
    return row?.usd ?? 0;
  }

  /** The store belongs to the runtime, which closes it. */
  async close(): Promise<void> {}
}
