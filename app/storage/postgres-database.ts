import pg from 'pg';
import type { SqlDatabase, SqlExecutor, SqlValue } from '../../rag/contracts/sql-database.ts';
import { errorMessage } from '../../rag/errors.ts';
import { redactUrl } from '../redact-url.ts';
import { numberParameters } from './positional-parameters.ts';
import { transactionScope } from './transaction-scope.ts';

// The storage seam over PostgreSQL (DATABASE_URL): a node-postgres pool, bounded, with a deadline on connecting, on
// every statement (enforced by the server, and by the client for a server that stopped answering) and on a
// transaction left idle, so a slow or stuck database costs one request an error instead of holding connections and
// locks. BIGINT and NUMERIC results come back as numbers, as SQLite gives them.

export interface PostgresOptions {
  /** How long opening a connection may take; default 5 s. */
  connectTimeoutMs?: number;
  /** How long one statement may run; default 30 s. */
  statementTimeoutMs?: number;
  /** How long a transaction may sit idle before the server ends it (and its locks); default 60 s. */
  idleInTransactionTimeoutMs?: number;
  /** Connections in the pool at most; default 10. */
  maxConnections?: number;
  /** Errors of idle connections (the server restarted, the network dropped); the pool replaces them. */
  onError?: (error: Error) => void;
}

export interface PostgresDatabase extends SqlDatabase {
  readonly dialect: 'postgres';
}

/** Opens a pool on `url` and checks that the server answers; the error names the URL without its password. */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<PostgresDatabase> {
  const statementTimeoutMs = options.statementTimeoutMs ?? 30_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: statementTimeoutMs,
    // The server enforces statement_timeout; this catches a server that no longer answers at all.
    query_timeout: statementTimeoutMs + 5_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
    keepAlive: true,
    application_name: 'lore',
    types: { getTypeParser: typeParser as pg.CustomTypesConfig['getTypeParser'] },
  });
  // Without a listener an idle connection's error would end the process.
  pool.on('error', (error) => options.onError?.(error));
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`could not connect to PostgreSQL at DATABASE_URL (${redactUrl(url, 'an unparsable URL')}): ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return postgresDatabase(pool);
}

export function postgresDatabase(pool: pg.Pool): PostgresDatabase {
  return {
    ...executorOn(pool),
    dialect: 'postgres',
    async transaction(work) {
      const client = await pool.connect();
      const scope = transactionScope(executorOn(client));
      // A connection whose ROLLBACK failed is in an unknown state: it is dropped, not returned to the pool.
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(scope.tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        scope.end();
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

function executorOn(target: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    dialect: 'postgres',
    async query<T>(sql: string, params: readonly SqlValue[] = []) {
      return (await target.query(statement(sql, params))).rows as T[];
    },
    async run(sql, params = []) {
      return { changes: (await target.query(statement(sql, params))).rowCount ?? 0 };
    },
    async exec(sql) {
      // Without values node-postgres uses the simple protocol, which runs a script of several statements.
      await target.query(sql);
    },
  };
}

function statement(sql: string, params: readonly SqlValue[]): pg.QueryConfig {
  const { text, count } = numberParameters(sql);
  if (count !== params.length) throw new RangeError(`the statement takes ${count} parameters, ${params.length} given: ${sql}`);
  return { text, values: params as unknown[] };
}

const { INT8, NUMERIC } = pg.types.builtins;

function typeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (format !== 'binary') {
    if (oid === INT8) return parseBigint;
    if (oid === NUMERIC) return Number;
  }
  return pg.types.getTypeParser(oid, format ?? 'text');
}

/** A BIGINT as a number, as SQLite returns its integers; one past 2^53 is an error rather than a rounded number. */
function parseBigint(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`PostgreSQL returned ${text}, beyond the integers a number holds exactly`);
  return value;
}
