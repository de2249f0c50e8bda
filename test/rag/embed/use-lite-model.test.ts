import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USE_LITE_DIMENSION, USE_LITE_MAX_INPUT_CHARS, USE_LITE_MAX_TOKENS, UseLiteModel } from '../../../rag/embed/use-lite-model.ts';

const sentences = [
  'How do I rotate the staging database credentials?',
  'The deploy pipeline runs integration tests before promoting a build to production.',
  'Café résumé naïve — ünïcödé, 日本語 and emoji 😀 in one line.',
  'short',
  // Longer than the 128 tokens the graph keeps, so truncation is compared too.
  Array.from({ length: 40 }, (_, i) => `Sentence ${i} talks about retrieval, ranking and citations.`).join(' '),
];

function packageVectors(texts: string[]): number[][] {
  const script = fileURLToPath(new URL('./fixtures/package-embeddings.mjs', import.meta.url));
  const result = spawnSync(process.execPath, [script], { input: JSON.stringify(texts), encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`reference embedder failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as number[][];
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

function norm(v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] as number) ** 2;
  return Math.sqrt(sum);
}

describe('UseLiteModel', () => {
  let model: UseLiteModel;
  beforeAll(async () => {
    model = await UseLiteModel.load();
  });
  afterAll(() => model?.dispose());

  it('produces the same vectors as the packaged EmbeddingsModel', async () => {
    const [ours, reference] = await Promise.all([model.embed(sentences), Promise.resolve(packageVectors(sentences))]);
    expect(ours).toHaveLength(sentences.length);
    ours.forEach((vector, i) => {
      expect(vector).toHaveLength(USE_LITE_DIMENSION);
      expect(maxAbsDiff(vector, reference[i] as number[])).toBeLessThan(1e-4);
    });
  });

  it('gives a text the same vector alone or in a batch of different lengths', async () => {
    const [alone] = await model.embed([sentences[1] as string]);
    const batch = await model.embed(sentences);
    expect(maxAbsDiff(alone as Float32Array, batch[1] as Float32Array)).toBeLessThan(1e-5);
  });

  it('returns unit vectors, including for empty strings anywhere in the batch', async () => {
    const vectors = await model.embed(['', 'a question', '']);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) expect(norm(v)).toBeCloseTo(1, 4);
    expect(maxAbsDiff(vectors[0] as Float32Array, vectors[2] as Float32Array)).toBe(0);
    const [alone] = await model.embed(['a question']);
    expect(maxAbsDiff(vectors[1] as Float32Array, alone as Float32Array)).toBeLessThan(1e-5);
    const [onlyEmpty] = await model.embed(['']);
    expect(maxAbsDiff(onlyEmpty as Float32Array, vectors[0] as Float32Array)).toBe(0);
    expect(await model.embed([])).toEqual([]);
  });

  it('caps very long inputs without changing what the graph sees', async () => {
    const long = 'Retrieval augmented generation grounds answers in documents. '.repeat(20_000);
    expect(long.length).toBeGreaterThan(USE_LITE_MAX_INPUT_CHARS * 10);
    expect(model.tokenize(long)).toHaveLength(USE_LITE_MAX_TOKENS);
    const [full, prefix] = await model.embed([long, long.slice(0, 5_000)]);
    expect(maxAbsDiff(full as Float32Array, prefix as Float32Array)).toBeLessThan(1e-5);
  });

  it('does not leak tensors between calls', async () => {
    await model.embed(sentences);
    const before = tf.memory().numTensors;
    await model.embed(sentences);
    await model.embed(['', 'x']);
    expect(tf.memory().numTensors).toBe(before);
  });
});
