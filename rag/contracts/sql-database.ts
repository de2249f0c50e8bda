// The storage seam (issue 19): the one SQL interface every store is moving to, with two implementations in app/storage/
// — SQLite through better-sqlite3 (the embedded default, one process or several sharing a data directory) and
// PostgreSQL through a node-postgres pool (the store replicas share). A store written against it runs on either.
//
// Portable SQL, the rules a store follows:
// - Parameters are positional `?`, in both dialects: SQLite takes them as they are, and the PostgreSQL implementation
//   numbers them `$1, $2, …` (outside quotes and comments; PostgreSQL's jsonb `?` operators are therefore not
//   available: use jsonb_exists()). `?` was chosen over `$n` because every statement the stores run today is written
//   with it, so a store moves over without rewriting its SQL, and over named parameters because both drivers take
//   positions natively.
// - A parameter is a string, a number, null or bytes: no booleans (flags are INTEGER 0/1 columns in both schemas) and
//   no bigints (PostgreSQL BIGINTs come back as numbers; one past 2^53 is an error, never a rounded value).
// - Timestamps are ISO-8601 UTC text and JSON is text, in both schemas, as they were in SQLite: ordering and range
//   queries on them are string comparisons that hold in both.
// - PostgreSQL infers a parameter's type from its use: `length(?)` or `? IS NULL` alone needs `CAST(? AS TEXT)`.
// - SQLite's own syntax (`INSERT OR IGNORE`, `INSERT OR REPLACE`, implicit rowid) becomes the standard forms both
//   take: `INSERT … ON CONFLICT DO NOTHING`, `ON CONFLICT (key) DO UPDATE SET …`, an explicit column.
// Where the dialects really differ (full-text search, advisory locks), a store asks `dialect`.

export type SqlDialect = 'sqlite' | 'postgres';

export type SqlValue = string | number | null | Uint8Array;

/** What a statement run for its effect reports: how many rows it inserted, updated or deleted. */
export interface SqlRunResult {
  changes: number;
}

/** Runs statements: the database itself, or one transaction on it. */
export interface SqlExecutor {
  readonly dialect: SqlDialect;
  /** The rows a statement returns (a SELECT, or a write with RETURNING); none for a statement that returns none. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs one statement for its effect. */
  run(sql: string, params?: readonly SqlValue[]): Promise<SqlRunResult>;
  /** Runs a script of statements separated by semicolons, without parameters (schema changes). */
  exec(sql: string): Promise<void>;
}

export interface SqlDatabase extends SqlExecutor {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. Inside, use only the
   * executor it is given (the database's own methods wait for the transaction, or take another connection). A
   * transaction cannot be nested. On SQLite it takes the write lock at once (BEGIN IMMEDIATE), so two processes
   * never both read a row as free; on PostgreSQL it runs at READ COMMITTED, and a store that must serialise takes a
   * row lock or an advisory lock in it.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Closes the connection or the pool, after the statements in flight. */
  close(): Promise<void>;
}
