// `npm run bench:sync`: how fast sources sync, and what they cost in API calls. Each source gets a fake
// upstream of 1,000 documents on 127.0.0.1 (reached through its real SDK), is synced once from scratch into a
// temporary data directory, then again with nothing changed. Embeddings come from the fake Gemini server, so
// the figures measure syncing (listing, loading, rendering, chunking, enrichment, storage), not a model.
//
// Flags: --json (one JSON object on stdout), --real-rate (first sync at Notion's real 3 requests/s too; slow),
// --latency-ms N (fake upstream latency per request, default 0).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../app/config.ts';
import { createLogger } from '../../app/logger.ts';
import { openRuntime, type Runtime } from '../../app/runtime.ts';
import { createSyncService, type SourceSyncReport, type SyncServiceOptions } from '../../app/sync-service.ts';
import { startFakeGemini } from '../fakes/fake-gemini.ts';
import { addGeneratedRepository, startFakeGithub } from '../fakes/fake-github.ts';
import { block, property, startFakeNotion, type BlockInput } from '../fakes/fake-notion.ts';

const DOCUMENTS = 1_000;

/** A source under benchmark: a fake upstream holding DOCUMENTS documents and how to reach it. */
interface BenchSource {
  source: 'notion' | 'github';
  /** What the fake upstream holds, for the printout. */
  describe: string;
  start(options: { latencyMs: number }): Promise<{
    /** Variables that configure the source against the fake (tokens, base URLs, repositories). */
    env: Record<string, string>;
    /** Requests the fake has answered so far. */
    requests(): number;
    stop(): Promise<void>;
  }>;
  /** Service tuning for the first sync and for the no-change re-sync. */
  firstSync?: SyncServiceOptions;
  reSync?: SyncServiceOptions;
  /** A note printed with the first sync's figures. */
  firstSyncNote?: (calls: number) => string;
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const realRate = args.includes('--real-rate');
const latencyArg = args.indexOf('--latency-ms');
const latencyMs = latencyArg >= 0 ? Number(args[latencyArg + 1]) : 0;

const minute = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString();
const TOPICS = ['deploys', 'backups', 'on-call', 'billing', 'onboarding', 'security', 'search', 'storage', 'networking', 'releases'];

/** A page of typical size and shape: headings, prose, lists (some nested), a toggle, sometimes code or a table. */
function notionBlocks(i: number): BlockInput[] {
  const topic = TOPICS[i % TOPICS.length]!;
  const blocks: BlockInput[] = [
    block.heading(2, `Overview of ${topic} note ${i}`),
    block.paragraph(
      `This note ${i} describes how the team handles ${topic}. It records the current procedure, who owns it and what to check ` +
        `before changing anything. Questions go to the ${topic} channel; the owner reviews this page every quarter.`,
    ),
    block.bullet(`Owner: team ${i % 17}`),
    block.bullet(`Runbook step ${i}`, [block.bullet('Check the dashboard first'), block.bullet('Then page the owner')]),
    block.heading(3, 'Details'),
    block.paragraph(`Record ${i}: the ${topic} job runs every ${(i % 12) + 1} hours and keeps ${(i % 30) + 1} days of history.`),
    block.toggle('Why is it done this way?', [block.paragraph(`Because an incident in ${2015 + (i % 9)} showed the old way lost data.`)]),
  ];
  if (i % 3 === 0) blocks.push(block.code(`lore sync notion --full # note ${i}`, 'bash'));
  if (i % 5 === 0)
    blocks.push(
      block.table(
        [
          ['Setting', 'Value'],
          ['interval', `${i % 60} min`],
          ['retention', `${i % 90} days`],
        ],
        true,
      ),
    );
  return blocks;
}

const notionSource: BenchSource = {
  source: 'notion',
  describe: `${DOCUMENTS} Notion pages (${DOCUMENTS * 0.8} pages, a quarter of them nested under others, and ${DOCUMENTS * 0.2} entries of one data source)`,
  async start(options) {
    const fake = await startFakeNotion({ workspaceName: 'Bench' });
    fake.setLatency(options.latencyMs);
    for (let u = 0; u < 5; u++) fake.addUser(`0000cafe-0000-4000-8000-00000000000${u}`, `Writer ${u}`);
    const tasks = fake.addDataSource({ title: 'Tasks', editedAt: minute(0) });
    const topLevel: string[] = [];
    for (let i = 0; i < DOCUMENTS; i++) {
      const common = { createdBy: `0000cafe-0000-4000-8000-00000000000${i % 5}`, editedAt: minute(i + 1), blocks: notionBlocks(i) };
      if (i % 5 === 4) {
        fake.addPage({
          ...common,
          title: `Task ${i}`,
          parent: { dataSourceId: tasks },
          properties: { Status: property.status(i % 2 ? 'Open' : 'Done'), Area: property.select(TOPICS[i % 10]!) },
        });
      } else if (i % 4 === 3 && topLevel.length > 0) {
        fake.addPage({ ...common, title: `Note ${i}`, parent: { pageId: topLevel[i % topLevel.length]! } });
      } else {
        topLevel.push(fake.addPage({ ...common, title: `Note ${i}` }));
      }
    }
    return { env: { NOTION_TOKEN: 'secret_fake', NOTION_BASE_URL: fake.url }, requests: () => fake.requests.length, stop: () => fake.close() };
  },
  // The fake has no quota: the first sync lifts the limiter so it measures Lore. The re-sync keeps Notion's 3/s.
  firstSync: realRate ? {} : { notion: { requestsPerSecond: 1_000 } },
  reSync: {},
  firstSyncNote: (calls) =>
    realRate
      ? "at Notion's 3 requests/s"
      : `limiter lifted on the fake; at Notion's 3 requests/s these calls alone take at least ${Math.ceil(calls / 3)} s`,
};

const GITHUB_ISSUES = 100;

const githubSource: BenchSource = {
  source: 'github',
  describe: `a repository of ${DOCUMENTS} Markdown files (in 8 folders) and ${GITHUB_ISSUES} issues and pull requests`,
  async start(options) {
    const fake = await startFakeGithub({ token: 'ghp_bench' });
    fake.setLatency(options.latencyMs);
    addGeneratedRepository(fake, 'bench/handbook', { files: DOCUMENTS, issues: GITHUB_ISSUES });
    return {
      env: { GITHUB_TOKEN: 'ghp_bench', GITHUB_API_URL: fake.url, GITHUB_REPOS: 'bench/handbook' },
      requests: () => fake.requests.length,
      stop: () => fake.close(),
    };
  },
  // One request at a time, as GitHub asks of integrators; the fake's rate limit is never reached.
  firstSyncNote: (calls) => `one request at a time; ${calls} of the 5,000 requests/hour a token gets`,
};

const BENCH_SOURCES: BenchSource[] = [notionSource, githubSource];

interface Measure {
  documents: number;
  seconds: number;
  documentsPerSecond: number;
  apiCalls: number;
  summary: Omit<SourceSyncReport, 'source' | 'durationMs'>;
}

async function measure(runtime: Runtime, bench: BenchSource, options: SyncServiceOptions | undefined, requests: () => number): Promise<Measure> {
  const service = createSyncService(runtime, options);
  const before = requests();
  const started = performance.now();
  const [report] = await service.sync(bench.source);
  const seconds = (performance.now() - started) / 1000;
  const { source: _source, durationMs: _durationMs, ...summary } = report!;
  const documents = runtime.db!.prepare('SELECT count(*) FROM documents WHERE source = ?').pluck().get(bench.source) as number;
  return { documents, seconds: round(seconds, 2), documentsPerSecond: round(documents / seconds, 1), apiCalls: requests() - before, summary };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

const gemini = await startFakeGemini({ apiKey: 'bench-key' });
const results: Record<string, { describe: string; firstSync: Measure; noChangeSync: Measure }> = {};
const log = (line: string) => {
  if (!json) process.stderr.write(`${line}\n`);
};
log('Sync benchmark: fake upstreams on 127.0.0.1 through the real SDKs; embeddings from the fake Gemini server,');
log('so these figures measure syncing (list, load, render, chunk, enrich, store), not an embedding model.\n');

try {
  for (const bench of BENCH_SOURCES) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `lore-bench-sync-${bench.source}-`));
    const upstream = await bench.start({ latencyMs });
    const emptyFiles = path.join(dataDir, 'no-files');
    fs.mkdirSync(emptyFiles);
    const config = loadConfig({
      LORE_DATA_DIR: path.join(dataDir, 'data'),
      LORE_FILES_PATHS: emptyFiles,
      LORE_EMBEDDER: 'gemini',
      GEMINI_API_KEY: 'bench-key',
      GEMINI_BASE_URL: gemini.url,
      ...upstream.env,
    });
    const runtime = await openRuntime(config, createLogger('warn'));
    try {
      log(`${bench.source}: ${bench.describe}`);
      const firstSync = await measure(runtime, bench, bench.firstSync, upstream.requests);
      log(
        `  first sync:     ${firstSync.documents} documents in ${firstSync.seconds} s = ${firstSync.documentsPerSecond} documents/s, ` +
          `${firstSync.apiCalls} API calls${bench.firstSyncNote ? ` (${bench.firstSyncNote(firstSync.apiCalls)})` : ''}; ` +
          `added ${firstSync.summary.added}, failed ${firstSync.summary.failed.length}`,
      );
      const noChangeSync = await measure(runtime, bench, bench.reSync, upstream.requests);
      log(
        `  no-change sync: ${noChangeSync.documents} documents in ${noChangeSync.seconds} s = ${noChangeSync.documentsPerSecond} documents/s, ` +
          `${noChangeSync.apiCalls} API calls (real rate limits); changed ${noChangeSync.summary.added + noChangeSync.summary.updated + noChangeSync.summary.deleted}`,
      );
      results[bench.source] = { describe: bench.describe, firstSync, noChangeSync };
    } finally {
      await runtime.close();
      await upstream.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
} finally {
  await gemini.close();
}
if (json) process.stdout.write(`${JSON.stringify({ embedder: 'fake Gemini (local server)', latencyMs, results })}\n`);
