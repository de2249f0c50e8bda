// `npm run bench:deadline`: does `lore ask` keep to its answer deadline when Gemini is out of quota? A fake Gemini
// (127.0.0.1, reached through the real SDK) first embeds the sample knowledge base, then answers every call
// (query embedding, reranking, generation) with the recorded 429 RESOURCE_EXHAUSTED whose RetryInfo asks for a
// 26 s wait (test/fixtures/gemini/http429-retrydelay-26s-everywhere.json). The figure is the wall time of one
// `lore ask --json` process, start-up included, against LORE_ANSWER_DEADLINE_SECONDS (default 20).
//
// Flags: --json (one JSON object on stdout).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fixtureResponses, recordedGemini, startFakeGemini } from '../fakes/fake-gemini.ts';

const run = promisify(execFile);
const API_KEY = 'bench-deadline-key';
const QUESTION = 'How long are backups of the data directory kept?';
const DEADLINE_SECONDS = Number(process.env.LORE_ANSWER_DEADLINE_SECONDS ?? 20);

interface AskJson {
  answer: string;
  mode: string;
  latencyMs: number;
  notes: string[];
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const fake = await startFakeGemini({ apiKey: API_KEY });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lore-deadline-bench-'));
  const env = {
    ...process.env,
    LORE_DATA_DIR: dataDir,
    LORE_EMBEDDER: 'gemini',
    GEMINI_API_KEY: API_KEY,
    GEMINI_BASE_URL: fake.url,
    LORE_ANSWER_DEADLINE_SECONDS: String(DEADLINE_SECONDS),
    LOG_LEVEL: 'silent',
  };
  try {
    // Indexing is not measured: the fake still embeds normally here.
    await run(process.execPath, ['bin/lore.js', 'ingest', 'datasets/sample-kb'], { env, maxBuffer: 16 * 1024 * 1024 });
    const quota = fixtureResponses(recordedGemini('http429-retrydelay-26s-everywhere'), 'stream')[0];
    fake.always(quota);
    const before = fake.requests.length;
    const started = performance.now();
    const { stdout } = await run(process.execPath, ['bin/lore.js', 'ask', '--json', QUESTION], { env, maxBuffer: 16 * 1024 * 1024 });
    const seconds = (performance.now() - started) / 1000;
    const answer = JSON.parse(stdout) as AskJson;
    const result = {
      seconds: Number(seconds.toFixed(2)),
      deadlineSeconds: DEADLINE_SECONDS,
      withinDeadline: seconds <= DEADLINE_SECONDS,
      answerLatencyMs: answer.latencyMs,
      mode: answer.mode,
      geminiCalls: fake.requests.length - before,
      notes: answer.notes,
    };
    if (json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      process.stdout.write(
        `lore ask under Gemini 429 (RetryInfo 26 s) everywhere: ${result.seconds} s wall (answer pipeline ${answer.latencyMs} ms), ` +
          `deadline ${DEADLINE_SECONDS} s, ${result.withinDeadline ? 'within' : 'OVER'}; ${answer.mode}, ${result.geminiCalls} Gemini calls\n`,
      );
      for (const note of answer.notes) process.stdout.write(`  note: ${note}\n`);
    }
    if (!result.withinDeadline || answer.mode !== 'extractive') process.exitCode = 1;
  } finally {
    await fake.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
