// What the HTTP load benchmarks share (`npm run bench:load`, `npm run bench:load:replicas`): a real `lore start`
// child process on loopback, autocannon driving it with every response's latency kept, and the sample knowledge
// base's golden questions.
import fs from 'node:fs';
import autocannon from 'autocannon';
import { parse } from 'yaml';
import { type LoreServer, startLore } from '../helpers/run-lore.ts';

/** Clients at once in the answering runs. */
export const DEFAULT_CONNECTIONS = 20;

export interface RunFigures {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  statuses: Record<string, number>;
  /** Connection errors and requests that got no answer within autocannon's 10 s. */
  errors: number;
  timeouts: number;
}

export const say = (line: string) => process.stderr.write(`${line}\n`);

/** `lore start` for a benchmark: warnings only in its log, no sync schedule, and up to 5 minutes for a first index. */
export function startBenchLore(dataDir: string, env: Record<string, string>): Promise<LoreServer> {
  return startLore({ LORE_DATA_DIR: dataDir, LOG_LEVEL: 'warn', LORE_SYNC_INTERVAL_MINUTES: '0', ...env }, { timeoutMs: 300_000 });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** One autocannon run; latencies are collected per response, so p95 is exact (autocannon itself reports p97.5). */
export async function drive(options: autocannon.Options): Promise<RunFigures> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ ...options, connections: options.connections ?? DEFAULT_CONNECTIONS }, (error, done) =>
      error ? reject(error) : resolve(done),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
  });
  latencies.sort((a, b) => a - b);
  const elapsedSeconds = result.duration;
  return {
    requests: latencies.length,
    requestsPerSecond: Math.round(latencies.length / elapsedSeconds),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

export function round(value: number): number {
  return Math.round(value * 10) / 10;
}

export async function residentMemoryMb(url: string): Promise<number> {
  const body = await (await fetch(`${url}/metrics`)).text();
  const match = /^lore_process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(body);
  return match ? Math.round(Number(match[1]) / 1024 / 1024) : Number.NaN;
}

export function goldenQuestions(): string[] {
  const golden = parse(fs.readFileSync('datasets/golden/sample-kb.yaml', 'utf8')) as { cases: { question: string; history?: unknown }[] };
  return golden.cases.filter((c) => !c.history).map((c) => c.question);
}

export const post = (question: string, headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  path: '/query',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ question }),
});
