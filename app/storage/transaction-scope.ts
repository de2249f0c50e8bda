import type { SqlExecutor } from '../../rag/contracts/sql-database.ts';

/**
 * The executor a transaction's work is given, usable only until the transaction ends: a statement run through it
 * afterwards (a callback that escaped the work) would run outside any transaction, so it throws instead.
 */
export function transactionScope(executor: SqlExecutor): { tx: SqlExecutor; end(): void } {
  let open = true;
  const guard = <A extends unknown[], R>(method: (...args: A) => Promise<R>) => {
    return (...args: A): Promise<R> =>
      open ? method(...args) : Promise.reject(new Error('the transaction is over: run statements inside its work'));
  };
  return {
    tx: {
      dialect: executor.dialect,
      query: guard(executor.query.bind(executor)) as SqlExecutor['query'],
      run: guard(executor.run.bind(executor)),
      exec: guard(executor.exec.bind(executor)),
    },
    end() {
      open = false;
    },
  };
}
