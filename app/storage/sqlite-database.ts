import type { SqlDatabase, SqlExecutor, SqlValue } from '../../rag/contracts/sql-database.ts';
import { prepared } from '../../rag/store/prepared.ts';
import type { Db } from '../database.ts';
import { transactionScope } from './transaction-scope.ts';

// The storage seam over SQLite: better-sqlite3 is synchronous, so every statement runs at once and the promise only
// carries its result. One connection has one transaction at a time: while a transaction's work runs (it may await
// other things between its statements), the database's own statements and other transactions wait their turn, as
// they would for a connection of a PostgreSQL pool. A store not yet on the seam that uses the same connection
// directly does not wait: the transition keeps such stores out of the tables a seam transaction writes.

export interface SqliteDatabaseOptions {
  /** Whether close() closes the connection; false while stores off the seam still use it. Default true. */
  owned?: boolean;
}

export function sqliteDatabase(db: Db, options: SqliteDatabaseOptions = {}): SqlDatabase {
  const direct: SqlExecutor = {
    dialect: 'sqlite',
    async query<T>(sql: string, params: readonly SqlValue[] = []) {
      const statement = prepared(db, sql);
      if (!statement.reader) {
        statement.run(...params);
        return [];
      }
      return statement
        .pluck(false)
        .raw(false)
        .all(...params) as T[];
    },
    async run(sql, params = []) {
      return { changes: prepared(db, sql).run(...params).changes };
    },
    async exec(sql) {
      db.exec(sql);
    },
  };

  // The tail of the queue of work on this connection: a transaction holds it until it ends.
  let tail: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work);
    tail = result.catch(() => undefined);
    return result;
  };

  return {
    dialect: 'sqlite',
    query: (sql, params) => inTurn(() => direct.query(sql, params)),
    run: (sql, params) => inTurn(() => direct.run(sql, params)),
    exec: (sql) => inTurn(() => direct.exec(sql)),
    transaction: (work) =>
      inTurn(async () => {
        // IMMEDIATE: the write lock is taken now, so two processes never both read a row as free and then both write it.
        db.exec('BEGIN IMMEDIATE');
        const scope = transactionScope(direct);
        try {
          const result = await work(scope.tx);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        } finally {
          scope.end();
        }
      }),
    close: () =>
      inTurn(async () => {
        if (options.owned !== false && db.open) db.close();
      }),
  };
}
