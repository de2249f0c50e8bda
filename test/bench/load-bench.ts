// `npm run bench:load`: the HTTP API under load, on loopback, with the offline defaults (USE-lite embeddings,
// feature reranker, extractive answers: no keys, no network). autocannon drives `POST /query` against a real
// `lore start` child process in three runs, each a fresh process on the same data directory (indexed once):
//
//   1. cached    — one question over and over: answers come from the answer cache.
//   2. uncached  — the cache off (LORE_CACHE_TTL_SECONDS=0), the golden questions of the sample knowledge base in
//                  turn, 20 concurrent clients: every request runs retrieval, reranking and the extractive answerer.
//   3. overload  — the cache off, one API key limited to 80% of the rate run 2 sustained (a burst of 5 seconds' worth),
//                  driven at twice that rate by 200 clients: the limiter must answer 429 (with Retry-After), never
//                  5xx; the process must stay up and its memory flat.
//
// Targets (issue 8, this 2-core machine): cached ≥ 1,000 requests/s with p95 < 50 ms; uncached p95 < 300 ms at 20
// concurrent clients. Flags: --json (one JSON object on stdout), --seconds N (length of runs 1 and 2, default 15),
// --overload-seconds N (run 3, default 30).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONNECTIONS, drive, goldenQuestions, post, residentMemoryMb, type RunFigures, say, startBenchLore } from './load-driver.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const SECONDS = flag('--seconds', 15);
const OVERLOAD_SECONDS = flag('--overload-seconds', 30);
const CONNECTIONS = DEFAULT_CONNECTIONS;
const OVERLOAD_CONNECTIONS = 200;
const KEY = 'bench-key';
const CACHED_QUESTION = 'How long are backups of the data directory kept?';

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lore-load-'));
  const results: Record<string, unknown> = { machine: { cores: os.cpus().length, node: process.version } };
  try {
    say('indexing the sample knowledge base (first start)…');
    // The first start indexes, then stops: the runs measure a server that is only answering, as in production.
    await (await startBenchLore(dataDir, {})).stop();
    // Runs 1 and 2 measure answering, not the limiter: its ceiling is far above what they send.
    const unlimited = { LORE_API_RATE_PER_MINUTE: '1000000' };
    let lore = await startBenchLore(dataDir, unlimited);
    try {
      const warm = await fetch(`${lore.url}/query`, post(CACHED_QUESTION));
      if (!warm.ok) throw new Error(`warm-up query failed: ${warm.status} ${await warm.text()}`);
      say(`cached: ${SECONDS} s, ${CONNECTIONS} connections, one question…`);
      const { method, headers, body } = post(CACHED_QUESTION);
      const cached = await drive({ url: `${lore.url}/query`, duration: SECONDS, method, headers, body });
      if (cached.requests !== (cached.statuses['200'] ?? 0)) throw new Error(`cached run had failures: ${JSON.stringify(cached.statuses)}`);
      results.cached = cached;
    } finally {
      await lore.stop();
    }

    const questions = goldenQuestions();
    lore = await startBenchLore(dataDir, { ...unlimited, LORE_CACHE_TTL_SECONDS: '0' });
    let sustainable: number;
    try {
      // One pass first so the query embeddings of the golden questions are computed once, as in a warm process.
      for (const question of questions) await fetch(`${lore.url}/query`, post(question));
      say(`uncached: ${SECONDS} s, ${CONNECTIONS} connections, ${questions.length} questions in turn…`);
      const uncached = await drive({ url: lore.url, duration: SECONDS, requests: questions.map((q) => post(q)) });
      results.uncached = uncached;
      // What an operator would configure: the limit a little under the measured ceiling, so what the limiter lets
      // through is answered within the latency target.
      sustainable = Math.max(1, Math.floor(uncached.requestsPerSecond * 0.8));
      if (uncached.requests !== (uncached.statuses['200'] ?? 0)) throw new Error(`uncached run had failures: ${JSON.stringify(uncached.statuses)}`);
    } finally {
      await lore.stop();
    }

    const limitPerMinute = sustainable * 60;
    // A burst of 5 seconds' worth, so the key's bucket is empty soon after the run starts offering twice the rate.
    const burst = sustainable * 5;
    lore = await startBenchLore(dataDir, {
      LORE_CACHE_TTL_SECONDS: '0',
      LORE_API_KEYS: KEY,
      LORE_API_RATE_PER_MINUTE: String(limitPerMinute),
      LORE_API_BURST: String(burst),
    });
    try {
      const before = await residentMemoryMb(lore.url);
      const samples: number[] = [];
      const sampler = setInterval(() => {
        residentMemoryMb(lore.url).then(
          (mb) => samples.push(mb),
          () => undefined,
        );
      }, 5_000);
      say(`overload: ${OVERLOAD_SECONDS} s at ${sustainable * 2} requests/s against a limit of ${limitPerMinute}/minute…`);
      const figures = await drive({
        url: lore.url,
        duration: OVERLOAD_SECONDS,
        overallRate: sustainable * 2,
        // Enough clients to really offer twice the rate: 20 would wait on each other and never exceed what is served.
        connections: OVERLOAD_CONNECTIONS,
        requests: questions.map((q) => post(q, { authorization: `Bearer ${KEY}` })),
      }).finally(() => clearInterval(sampler));
      const after = await residentMemoryMb(lore.url);
      const serverErrors = Object.entries(figures.statuses)
        .filter(([status]) => Number(status) >= 500)
        .reduce((n, [, count]) => n + count, 0);
      results.overload = {
        ...figures,
        targetRate: sustainable * 2,
        limitPerMinute,
        rateLimited: figures.statuses['429'] ?? 0,
        serverErrors,
        alive: lore.child.exitCode === null,
        memoryMb: { before, after, max: Math.max(before, after, ...samples.filter(Number.isFinite)), samples },
      };
    } finally {
      await lore.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  report(results);
}

function report(results: Record<string, unknown>): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
    return;
  }
  const cached = results.cached as RunFigures;
  const uncached = results.uncached as RunFigures;
  const overload = results.overload as RunFigures & {
    targetRate: number;
    limitPerMinute: number;
    rateLimited: number;
    serverErrors: number;
    alive: boolean;
    memoryMb: { before: number; after: number; max: number; samples: number[] };
  };
  const line = (name: string, f: RunFigures) =>
    `${name.padEnd(10)} ${String(f.requestsPerSecond).padStart(6)} req/s   p50 ${f.p50Ms} ms   p95 ${f.p95Ms} ms   p99 ${f.p99Ms} ms   statuses ${JSON.stringify(f.statuses)}   errors ${f.errors}   timeouts ${f.timeouts}`;
  say('');
  say(`${line('cached', cached)}   (target ≥ 1000 req/s, p95 < 50 ms: ${cached.requestsPerSecond >= 1000 && cached.p95Ms < 50 ? 'met' : 'MISSED'})`);
  say(`${line('uncached', uncached)}   (target p95 < 300 ms at ${CONNECTIONS} clients: ${uncached.p95Ms < 300 ? 'met' : 'MISSED'})`);
  say(line('overload', overload));
  say(
    `           driven at ${overload.targetRate} req/s against ${overload.limitPerMinute}/min: ${overload.rateLimited} answered 429, ` +
      `${overload.serverErrors} 5xx, process ${overload.alive ? 'alive' : 'DEAD'}, memory ${overload.memoryMb.before} → ${overload.memoryMb.after} MB (max ${overload.memoryMb.max}; every 5 s: ${overload.memoryMb.samples.join(', ')})`,
  );
}

await main();
