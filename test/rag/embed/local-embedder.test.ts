import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEmbedder } from '../../../rag/embed/local-embedder.ts';

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((max, value, i) => Math.max(max, Math.abs(value - (b[i] as number))), 0);
}

// Lengths deliberately shuffled so sorting into batches has to be undone on the way back.
const texts = Array.from({ length: 37 }, (_, i) => {
  if (i === 5 || i === 30) return '';
  const words = ((i * 7919) % 23) + 1;
  return `Doc ${i}: ${Array.from({ length: words }, (_, w) => `term${(i + w) % 50}`).join(' ')}.`;
});

describe('LocalEmbedder', () => {
  let pool: LocalEmbedder;
  let inProcess: LocalEmbedder;
  let reference: number[][];

  beforeAll(async () => {
    pool = new LocalEmbedder({ workers: 2, batchSize: 4 });
    inProcess = new LocalEmbedder({ workers: 0, batchSize: 64 });
    await Promise.all([pool.warmUp(), inProcess.warmUp()]);
    reference = await inProcess.embed(texts, 'document');
  });
  afterAll(async () => {
    await Promise.all([pool?.close(), inProcess?.close()]);
  });

  it('names its model and dimension', () => {
    expect(pool.id).toBe('use-lite-512');
    expect(pool.dimension).toBe(512);
  });

  it('returns unit vectors in input order from the worker pool, equal to the in-process model', async () => {
    const vectors = await pool.embed(texts, 'document');
    expect(vectors).toHaveLength(texts.length);
    vectors.forEach((vector, i) => {
      expect(vector).toHaveLength(512);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 6);
      expect(maxAbsDiff(vector, reference[i] as number[])).toBeLessThan(1e-5);
    });
    // Different texts give different vectors: order really is preserved, not just shapes.
    expect(maxAbsDiff(vectors[0] as number[], vectors[1] as number[])).toBeGreaterThan(1e-3);
  });

  it('keeps concurrent requests apart', async () => {
    const a = texts.slice(0, 10);
    const b = texts.slice(10, 25).reverse();
    const c = texts.slice(25);
    const [va, vb, vc] = await Promise.all([pool.embed(a, 'document'), pool.embed(b, 'query'), pool.embed(c, 'document')]);
    const expected = [...a.map((_, i) => i), ...b.map((_, i) => 24 - i), ...c.map((_, i) => 25 + i)];
    [...(va as number[][]), ...(vb as number[][]), ...(vc as number[][])].forEach((vector, k) => {
      expect(maxAbsDiff(vector, reference[expected[k] as number] as number[])).toBeLessThan(1e-5);
    });
  });

  it('handles empty input and rejects non-strings by position', async () => {
    expect(await pool.embed([], 'query')).toEqual([]);
    await expect(pool.embed(['ok', 42 as unknown as string], 'document')).rejects.toThrow(/texts\[1\] is number/);
  });

  // Last of the pool tests: it kills one of the pool's workers.
  it('rejects the request whose worker dies, then carries on with a replacement worker', async () => {
    // White-box: nothing public kills a worker, so reach a thread and stop it mid-batch, as a crash would.
    const runners = (pool as unknown as { runners: Array<{ name: string; worker: import('node:worker_threads').Worker }> }).runners;
    const victim = runners[0];
    const pending = pool.embed(texts, 'document');
    await victim?.worker.terminate();
    await expect(pending).rejects.toThrow(new RegExp(`use-lite-512.*${victim?.name} failed to embed a batch.*stopped unexpectedly`, 's'));
    const vectors = await pool.embed(texts, 'document');
    vectors.forEach((vector, i) => expect(maxAbsDiff(vector, reference[i] as number[])).toBeLessThan(1e-5));
  });

  it('fails every request with a clear message when the model cannot load', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'lore-use-broken-'));
    writeFileSync(join(broken, 'model.json'), '{ not json');
    const embedder = new LocalEmbedder({ workers: 1, modelDirectory: broken });
    try {
      await expect(embedder.embed(['anything'], 'document')).rejects.toThrow(/use-lite-512.*could not load the USE-lite model/s);
      await expect(embedder.embed(['again'], 'document')).rejects.toThrow(/unavailable/);
    } finally {
      await embedder.close();
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it('rejects calls after close()', async () => {
    const embedder = new LocalEmbedder({ workers: 1 });
    await embedder.close();
    await expect(embedder.embed(['late'], 'document')).rejects.toThrow(/after close/);
  });

  it('runs under plain `node --import tsx` and lets the process exit', async () => {
    const script = fileURLToPath(new URL('./fixtures/local-embedder-script.ts', import.meta.url));
    const cwd = fileURLToPath(new URL('../../../', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A process kept alive by a forgotten worker would hit this timeout instead of exiting.
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
      child.on('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const { vectors } = JSON.parse(stdout) as { vectors: Array<{ length: number; norm: number }> };
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(v.length).toBe(512);
      expect(v.norm).toBeCloseTo(1, 6);
    }
  });
});
