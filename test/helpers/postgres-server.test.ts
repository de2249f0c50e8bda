import fs from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresServer, startPostgres } from './postgres-server.ts';

// The throwaway cluster the shared-store tests run on: it must start as root (as the postgres user) or as anyone
// else, hand out separate databases, and leave nothing behind when stopped.

async function scalar(url: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const [row] = (await client.query(sql)).rows as Record<string, unknown>[];
    return row && Object.values(row)[0];
  } finally {
    await client.end();
  }
}

describe('the test PostgreSQL', () => {
  postgresServer.it('starts a private cluster on 127.0.0.1, gives each test its own database, and removes it all when stopped', async () => {
    const cluster = await startPostgres();
    let dataDirectory = '';
    try {
      const one = await cluster.createDatabase();
      const two = await cluster.createDatabase();
      expect(one).not.toBe(two);
      expect(one).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/lore_test_1$/);
      await scalar(one, 'CREATE TABLE only_here (id INTEGER)');
      expect(await scalar(two, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'")).toBe('0');
      expect(await scalar(one, 'SHOW fsync')).toBe('off');
      dataDirectory = String(await scalar(one, 'SHOW data_directory'));
      expect(fs.existsSync(dataDirectory)).toBe(true);
    } finally {
      await cluster.stop();
    }
    expect(fs.existsSync(dataDirectory)).toBe(false);
  });

  it('is looked for off PATH, where Debian puts it, and names the package that installs it', () => {
    expect(postgresServer.install).toBe('apt-get install postgresql');
    if (!process.env.POSTGRES_BIN) expect(postgresServer.path).toMatch(/^\/usr\/lib\/postgresql\/\d+\/bin\/postgres$/);
  });
});
