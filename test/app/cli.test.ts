import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { createLogger } from '../../app/logger.ts';
import { openRuntime } from '../../app/runtime.ts';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.ts';
import { addGeneratedRepository, startFakeGithub } from '../fakes/fake-github.ts';
import { runLore, spawnLore } from '../helpers/run-lore.ts';
import { tempDir } from '../helpers/temp-dir.ts';

let gemini: FakeGemini;
const tmp = tempDir('lore-cli-');

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
});
afterAll(async () => {
  await gemini.close();
  tmp.cleanup();
});

describe('lore ingest', () => {
  it('indexes the sample knowledge base with the embedded defaults and prints the JSON summary', async () => {
    const dataDir = path.join(tmp.dir, 'defaults');
    const run = await runLore(['ingest', 'datasets/sample-kb', '--json', '--data-dir', dataDir], {});
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toEqual({ added: 11, updated: 0, unchanged: 0, deleted: 0, failed: [] });
  }, 120_000);

  it('answers a question with the JSON contract of `lore ask`', async () => {
    const dataDir = path.join(tmp.dir, 'defaults');
    const run = await runLore(['ask', 'How long are backups of the data directory kept?', '--json', '--data-dir', dataDir], {});
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(Object.keys(answer)).toEqual(
      expect.arrayContaining(['answer', 'citations', 'contexts', 'mode', 'abstained', 'confidence', 'latencyMs', 'costUsd', 'usage']),
    );
    expect(answer.answer).toMatch(/30 days \[1\]/);
    expect(answer.citations[0]).toEqual(
      expect.objectContaining({ n: 1, title: 'data-handling-policy.txt', source: 'files', docId: expect.any(String), chunkId: expect.any(String) }),
    );
    expect(answer.contexts[0]).toEqual(
      expect.objectContaining({ chunkId: expect.any(String), docId: expect.any(String), score: expect.any(Number) }),
    );
    expect(answer).toMatchObject({ mode: 'extractive', abstained: false, costUsd: 0 });
  }, 60_000);

  it('exits 3 naming each bad input, with the good inputs indexed', async () => {
    const dir = path.join(tmp.dir, 'mixed');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'good.md'), '# Good\n\nThis page is fine.');
    fs.writeFileSync(path.join(dir, 'bad.docx'), 'PK\u0003\u0004 not really a zip');
    const env = { GEMINI_API_KEY: 'test-key', GEMINI_BASE_URL: gemini.url, LORE_DATA_DIR: path.join(tmp.dir, 'mixed-data') };
    const run = await runLore(['ingest', dir, path.join(dir, 'nope.pdf'), '--json'], env);
    expect(run.code).toBe(3);
    const summary = JSON.parse(run.stdout);
    expect(summary.added).toBe(1);
    expect(summary.failed.map((f: { path: string }) => path.basename(f.path)).sort()).toEqual(['bad.docx', 'nope.pdf']);
    const human = await runLore(['ingest', path.join(dir, 'bad.docx')], env);
    expect(human.code).toBe(3);
    expect(human.stderr).toContain('bad.docx');
  });

  it('fails fast with a message naming an invalid variable', async () => {
    const run = await runLore(['ingest', 'datasets/sample-kb'], { PORT: 'abc', LORE_DATA_DIR: path.join(tmp.dir, 'cfg') });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('Invalid configuration: PORT must be a number (got "abc")');
  });

  it('resumes an ingest killed midway without duplicate or lost chunks', async () => {
    const kb = path.join(tmp.dir, 'big-kb');
    fs.mkdirSync(kb);
    for (let i = 0; i < 60; i += 1) {
      const sections = Array.from(
        { length: 6 },
        (_, s) => `## Section ${s}\n\n${`Document ${i} section ${s} explains topic ${i * 7 + s}. `.repeat(30)}`,
      );
      fs.writeFileSync(path.join(kb, `doc-${String(i).padStart(2, '0')}.md`), `# Document ${i}\n\n${sections.join('\n\n')}`);
    }
    const dataDir = path.join(tmp.dir, 'resume-data');
    const env = { GEMINI_API_KEY: 'test-key', GEMINI_BASE_URL: gemini.url, LORE_DATA_DIR: dataDir };
    gemini.setLatency(250);
    const served = gemini.requests.length;
    const child = spawnLore(['ingest', kb, '--json'], env);
    // At most three embedding requests are in flight, and a fourth starts only after a batch is stored:
    // killing after the fifth leaves some documents stored and others not.
    while (gemini.requests.length < served + 5) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    gemini.setLatency(0);

    const resumed = await runLore(['ingest', kb, '--json'], env);
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary.added + summary.unchanged).toBe(60);
    expect(summary.unchanged).toBeGreaterThan(0);
    expect(summary.added).toBeGreaterThan(0);

    const runtime = await openRuntime(loadConfig(env), createLogger('silent'));
    try {
      const { documents, chunks } = await runtime.chunks.counts();
      expect(documents).toBe(60);
      expect(await runtime.vectors.count()).toBe(chunks);
      const ids = runtime.db!.prepare('SELECT id FROM chunks').pluck().all() as string[];
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await runtime.close();
    }
  }, 120_000);
});

describe('lore start', () => {
  it('indexes files before serving, syncs remote sources in the background, serves /health and shuts down cleanly on SIGTERM', async () => {
    const github = await startFakeGithub({ token: 'ghp-test' });
    // README + 4 docs, one issue and one pull request: 7 GitHub documents next to the 11 sample files.
    addGeneratedRepository(github, 'acme/handbook', { files: 5, issues: 2 });
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const env = {
      GEMINI_API_KEY: 'test-key',
      GEMINI_BASE_URL: gemini.url,
      LORE_DATA_DIR: path.join(tmp.dir, 'start'),
      PORT: String(port),
      LOG_LEVEL: 'info',
      GITHUB_TOKEN: 'ghp-test',
      GITHUB_API_URL: github.url,
      GITHUB_REPOS: 'acme/handbook',
    };
    const child = spawnLore(['start'], env);
    let logs = '';
    child.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
    while (!logs.includes('Lore is running')) {
      if (child.exitCode !== null) throw new Error(`lore start exited: ${logs}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    type Health = { status: string; documents: number };
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as Health;
    expect(health.status).toBe('ok');
    expect(health.documents).toBeGreaterThanOrEqual(11);
    let documents = health.documents;
    for (const deadline = Date.now() + 60_000; documents < 18 && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 250));
      documents = ((await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as Health).documents;
    }
    expect(documents).toBe(18);
    expect(logs).toMatch(/"source":"github".*"msg":"source synced"/);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('close', r));
    await github.close();
    expect(code).toBe(0);
    expect(logs).toContain('embedded Chroma stopped');
    expect(logs).not.toContain('ghp-test');
  }, 150_000);
});
