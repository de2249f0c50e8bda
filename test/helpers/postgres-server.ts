import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type TestPostgres } from './postgres-cluster.ts';
import { postgresServer } from './system-program.ts';

// The throwaway PostgreSQL cluster (postgres-cluster.ts) for test suites: those that need it go through
// `postgresServer.describe`/`.it`, skipped without the program outside CI and failing under CI=true. Tests never
// depend on a system PostgreSQL service.

export { postgresServer, startPostgres, type TestPostgres };

/**
 * A test cluster for a whole test file: started before its tests, stopped after them; read its fields inside tests
 * (put them in `postgresServer.describe`, which skips them when there is no PostgreSQL).
 */
export function usePostgres(): TestPostgres {
  const cluster = {} as TestPostgres;
  if (!postgresServer.run) return cluster;
  beforeAll(async () => {
    Object.assign(cluster, await startPostgres());
  }, 60_000);
  afterAll(async () => {
    await cluster.stop?.();
  });
  return cluster;
}
