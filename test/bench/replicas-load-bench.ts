// `npm run bench:load:replicas`: the HTTP API of two `lore start` replicas sharing one PostgreSQL (DATABASE_URL) and
// one Chroma server (CHROMA_URL), as docs/operations.md deploys them, next to one replica on the same store. Offline
// defaults (no keys, no network), the answer cache off, the sample knowledge base's golden questions in turn:
//
//   1. one replica  — 20 clients against one replica;
//   2. two replicas — the same 20 clients split over both, as a round-robin load balancer spreads connections.
//
// Both runs answer from the same shared store; what the second adds on a machine is as much as its cores allow.
// Needs PostgreSQL's programs (apt-get install postgresql; POSTGRES_BIN overrides where). Flags: --json, --seconds N
// (default 15).
import os from 'node:os';
import path from 'node:path';
import { startChromaServer } from '../../app/chroma-server.ts';
import { createLogger } from '../../app/logger.ts';
import { startPostgres } from '../helpers/postgres-cluster.ts';
import type { LoreServer } from '../helpers/run-lore.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { DEFAULT_CONNECTIONS, drive, goldenQuestions, post, type RunFigures, say, startBenchLore } from './load-driver.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const at = args.indexOf('--seconds');
const SECONDS = at >= 0 ? Number(args[at + 1]) : 15;

/** Requests per second and exact percentiles over several autocannon runs at once, as one run. */
function combined(runs: RunFigures[], seconds: number): Omit<RunFigures, 'p50Ms' | 'p95Ms' | 'p99Ms'> & { p95MsWorst: number } {
  const statuses: Record<string, number> = {};
  for (const run of runs) for (const [status, n] of Object.entries(run.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  const requests = runs.reduce((n, run) => n + run.requests, 0);
  return {
    requests,
    requestsPerSecond: Math.round(requests / seconds),
    p95MsWorst: Math.max(...runs.map((run) => run.p95Ms)),
    statuses,
    errors: runs.reduce((n, run) => n + run.errors, 0),
    timeouts: runs.reduce((n, run) => n + run.timeouts, 0),
  };
}

async function main(): Promise<void> {
  const tmp = tempDir('lore-replicas-load-');
  const log = createLogger('silent');
  const postgres = await startPostgres();
  const chroma = await startChromaServer(path.join(tmp.dir, 'chroma'), log);
  const replicas: LoreServer[] = [];
  const results: Record<string, unknown> = { machine: { cores: os.cpus().length, node: process.version } };
  try {
    const shared = {
      DATABASE_URL: await postgres.createDatabase('lore'),
      CHROMA_URL: chroma.url,
      LORE_CACHE_TTL_SECONDS: '0',
      LORE_API_RATE_PER_MINUTE: '1000000',
    };
    say('starting replica A (it indexes the sample knowledge base into the shared store)…');
    replicas.push(await startBenchLore(path.join(tmp.dir, 'a'), shared));
    say('starting replica B…');
    replicas.push(await startBenchLore(path.join(tmp.dir, 'b'), shared));
    const questions = goldenQuestions();
    // Each replica answers every question once first, as a warm process would have.
    for (const replica of replicas) for (const question of questions) await fetch(`${replica.url}/query`, post(question));
    const requests = questions.map((question) => post(question));

    say(`one replica: ${SECONDS} s, ${DEFAULT_CONNECTIONS} clients…`);
    const one = await drive({ url: replicas[0]!.url, duration: SECONDS, requests });
    results.oneReplica = one;

    say(`two replicas: ${SECONDS} s, ${DEFAULT_CONNECTIONS / 2} clients on each…`);
    const both = await Promise.all(
      replicas.map((replica) => drive({ url: replica.url, duration: SECONDS, requests, connections: DEFAULT_CONNECTIONS / 2 })),
    );
    results.twoReplicas = { ...combined(both, SECONDS), perReplica: both };
    const failures = [one, ...both].filter((run) => run.requests !== (run.statuses['200'] ?? 0));
    if (failures.length > 0) throw new Error(`runs had failures: ${JSON.stringify(failures.map((run) => run.statuses))}`);
  } finally {
    for (const replica of replicas) await replica.stop();
    await chroma.stop();
    await postgres.stop();
    tmp.cleanup();
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
    return;
  }
  const one = results.oneReplica as RunFigures;
  const two = results.twoReplicas as ReturnType<typeof combined> & { perReplica: RunFigures[] };
  say('');
  say(`one replica   ${String(one.requestsPerSecond).padStart(5)} answers/s   p50 ${one.p50Ms} ms   p95 ${one.p95Ms} ms   p99 ${one.p99Ms} ms`);
  say(
    `two replicas  ${String(two.requestsPerSecond).padStart(5)} answers/s   p95 ${two.perReplica.map((run) => `${run.p95Ms} ms`).join(' / ')}   ` +
      `(${two.perReplica.map((run) => run.requestsPerSecond).join(' + ')} answers/s)   errors ${two.errors}   timeouts ${two.timeouts}`,
  );
}

await main();
