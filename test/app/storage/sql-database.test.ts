import { expect, it } from 'vitest';
import { openPostgres } from '../../../app/storage/postgres-database.ts';
import type { SqlDatabase } from '../../../rag/contracts/sql-database.ts';
import { postgresServer, usePostgres } from '../../helpers/postgres-server.ts';
import { forEachDialect } from '../../helpers/sql-stores.ts';

// The storage seam (rag/contracts/sql-database.ts) behaves the same over SQLite and PostgreSQL: the same portable
// SQL gives the same rows, numbers come back as numbers, a transaction commits or rolls back as a whole, and work on
// one connection waits for its transaction.

const TABLE = `CREATE TABLE items (
  id TEXT PRIMARY KEY, n INTEGER NOT NULL, big BIGINT, ratio DOUBLE PRECISION, body BYTEA, note TEXT
)`;

forEachDialect('the SQL seam', (stores) => {
  async function database(): Promise<SqlDatabase> {
    const db = await (await stores.create({ schema: false })).connect();
    // SQLite takes PostgreSQL's type names (BYTEA and DOUBLE PRECISION by affinity), so one DDL serves here.
    await db.exec(TABLE);
    return db;
  }

  it('runs the same statements with ? parameters and returns the same rows', async () => {
    const db = await database();
    expect(db.dialect).toBe(stores.dialect);
    const inserted = await db.run('INSERT INTO items (id, n, big, ratio, body, note) VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)', [
      ...['a', 1, 1_700_000_000_000, 0.25, Buffer.from([1, 2, 3]), "it's ?"],
      ...['b', 2, null, null, null, null],
    ]);
    expect(inserted).toEqual({ changes: 2 });
    const rows = await db.query<{ id: string; n: number; big: number | null; ratio: number | null; body: Buffer | null; note: string | null }>(
      'SELECT id, n, big, ratio, body, note FROM items ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 'a', n: 1, big: 1_700_000_000_000, ratio: 0.25, body: Buffer.from([1, 2, 3]), note: "it's ?" },
      { id: 'b', n: 2, big: null, ratio: null, body: null, note: null },
    ]);
    // Counts and sums are numbers in both, as the stores expect from SQLite.
    expect(await db.query('SELECT count(*) AS count, sum(n) AS total, max(big) AS latest FROM items WHERE id <> ?', ['z'])).toEqual([
      { count: 2, total: 3, latest: 1_700_000_000_000 },
    ]);
    expect(await db.run('UPDATE items SET n = n + 1 WHERE id = ?', ['missing'])).toEqual({ changes: 0 });
    expect(await db.query('DELETE FROM items WHERE id = ? RETURNING id', ['b'])).toEqual([{ id: 'b' }]);
    expect(await db.query('UPDATE items SET note = ? WHERE id = ?', ['x', 'a'])).toEqual([]);
  });

  it('upserts with ON CONFLICT … DO UPDATE … WHERE in both, changing nothing when the condition fails', async () => {
    const db = await database();
    const upsert = 'INSERT INTO items (id, n) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET n = excluded.n WHERE items.n < excluded.n';
    expect(await db.run(upsert, ['a', 5])).toEqual({ changes: 1 });
    expect(await db.run(upsert, ['a', 3])).toEqual({ changes: 0 });
    expect(await db.run(upsert, ['a', 7])).toEqual({ changes: 1 });
    expect(await db.query('SELECT n FROM items')).toEqual([{ n: 7 }]);
  });

  it('commits a transaction as a whole or rolls it back as a whole, and refuses its executor once it is over', async () => {
    const db = await database();
    const total = await db.transaction(async (tx) => {
      await tx.run('INSERT INTO items (id, n) VALUES (?, ?)', ['a', 1]);
      await tx.run('INSERT INTO items (id, n) VALUES (?, ?)', ['b', 2]);
      return (await tx.query<{ total: number }>('SELECT sum(n) AS total FROM items'))[0]!.total;
    });
    expect(total).toBe(3);
    let escaped: { run(sql: string): Promise<unknown> } | undefined;
    await expect(
      db.transaction(async (tx) => {
        escaped = tx;
        await tx.run('INSERT INTO items (id, n) VALUES (?, ?)', ['c', 3]);
        await tx.run('INSERT INTO items (id, n) VALUES (?, ?)', ['a', 4]);
      }),
    ).rejects.toThrow(/unique|UNIQUE/);
    expect(await db.query('SELECT id FROM items ORDER BY id')).toEqual([{ id: 'a' }, { id: 'b' }]);
    await expect(escaped!.run('DELETE FROM items')).rejects.toThrow(/transaction is over/);
  });

  it('lets other work on the same database wait for a transaction that awaits between its statements', async () => {
    const db = await database();
    const slow = db.transaction(async (tx) => {
      await tx.run('INSERT INTO items (id, n) VALUES (?, ?)', ['a', 1]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await tx.run('UPDATE items SET n = ? WHERE id = ?', [2, 'a']);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Never a half-done transaction: SQLite's one connection waits for it to end, a PostgreSQL pool reads on another
    // connection, which does not see it before it commits.
    const seen = await db.query<{ n: number }>('SELECT n FROM items');
    await slow;
    expect(seen).toEqual(stores.dialect === 'sqlite' ? [{ n: 2 }] : []);
    expect(await db.query('SELECT n FROM items')).toEqual([{ n: 2 }]);
  });

  it('refuses a statement given the wrong number of parameters', async () => {
    const db = await database();
    await expect(db.query('SELECT id FROM items WHERE id = ? AND n = ?', ['a'])).rejects.toThrow();
  });
});

postgresServer.describe('the PostgreSQL pool', () => {
  const cluster = usePostgres();

  it('gives up connecting after the connect timeout, naming the URL without its password', async () => {
    const url = (await cluster.createDatabase()).replace('postgres@', 'postgres:hunter2@');
    cluster.pause();
    try {
      const started = Date.now();
      const error = await openPostgres(url, { connectTimeoutMs: 500 }).catch((caught: Error) => caught);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(String(error)).toMatch(
        /could not connect to PostgreSQL at DATABASE_URL \(postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/lore_test_\d+\)/,
      );
      expect(String(error)).not.toContain('hunter2');
    } finally {
      cluster.resume();
    }
  });

  it('ends a statement that runs past the statement timeout, and the pool goes on', async () => {
    const db = await openPostgres(await cluster.createDatabase(), { statementTimeoutMs: 200 });
    try {
      await expect(db.query('SELECT pg_sleep(2)')).rejects.toThrow(/statement timeout/);
      expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });
});
