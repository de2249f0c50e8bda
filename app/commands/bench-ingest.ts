import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chunkDocument } from '../../rag/chunk/chunk-document.ts';
import { cleanText } from '../../rag/clean-text.ts';
import { LocalEmbedder } from '../../rag/embed/local-embedder.ts';
import { loadCorpus } from '../../evals/retrieval/beir-dataset.ts';
import { embeddingInput } from '../../rag/index/indexer.ts';
import type { SourceDocument } from '../../rag/types.ts';
import type { Config } from '../config.ts';
import { EXIT_OK } from '../exit-codes.ts';
import type { Logger } from '../logger.ts';
import { progressBar } from '../progress.ts';
import { openLore } from '../lore.ts';
import { corpusCandidates, toSourceDocument } from '../../evals/retrieval/bench-corpus.ts';

export interface BenchIngestOptions {
  corpus: string;
  limit?: number;
  json: boolean;
}

/**
 * Ingests a BEIR corpus from scratch with the local embedder and prints throughput: documents/s,
 * chunks/s, embedded texts/s against the single-threaded embedder rate, peak memory, and the time a
 * re-run over the unchanged corpus takes.
 */
export async function benchIngest(config: Config, log: Logger, options: BenchIngestOptions): Promise<number> {
  const all = loadCorpus(options.corpus);
  const docs = all.slice(0, options.limit ?? all.length);
  const say = (text: string) => !options.json && process.stderr.write(`${text}\n`);

  const sample = sampleChunkTexts(docs.slice(0, 96).map(toSourceDocument));
  say(`Measuring the single-threaded embedder rate on ${sample.length} chunks…`);
  const singleRate = await singleThreadedRate(sample);
  say(`  ${singleRate.toFixed(1)} texts/s on one thread`);

  const dataDir = path.join(config.dataDir, 'bench-ingest');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const { runtime } = await openLore({ ...config, dataDir, embedder: 'local', chromaUrl: config.chromaUrl }, log, {
    collection: 'bench_ingest',
  });
  try {
    const candidates = corpusCandidates(docs, options.corpus);

    const bar = progressBar('Ingesting', !options.json);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const summary = await runtime.indexer.index(candidates, { source: 'files' }, (p) => bar.update(p));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    bar.stop();
    const { chunks } = await runtime.chunks.counts();
    const embedded = runtime.embedder.misses;

    const rerunStarted = performance.now();
    const rerun = await runtime.indexer.index(candidates, { source: 'files' });
    const rerunSeconds = (performance.now() - rerunStarted) / 1000;

    const embedRate = embedded / seconds;
    const result = {
      documents: docs.length,
      chunks,
      failed: summary.failed.length,
      seconds: round(seconds),
      documentsPerSecond: round(docs.length / seconds),
      chunksPerSecond: round(chunks / seconds),
      embeddedPerSecond: round(embedRate),
      singleThreadEmbeddedPerSecond: round(singleRate),
      speedup: round(embedRate / singleRate),
      coresBusy: round((cpu.user + cpu.system) / 1e6 / seconds),
      cores: os.availableParallelism(),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      rerunSeconds: round(rerunSeconds),
      rerunUnchanged: rerun.unchanged,
    };
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      say(`documents       ${result.documents} (${result.failed} failed) in ${result.seconds} s`);
      say(`documents/s     ${result.documentsPerSecond}`);
      say(`chunks/s        ${result.chunksPerSecond} (${result.chunks} chunks)`);
      say(`embedded/s      ${result.embeddedPerSecond} (single thread ${result.singleThreadEmbeddedPerSecond}: ${result.speedup}x)`);
      say(`cores busy      ${result.coresBusy} of ${result.cores} (this process; Chroma runs in its own)`);
      say(`peak memory     ${result.peakRssMb} MB`);
      say(`re-run          ${result.rerunSeconds} s (${result.rerunUnchanged} unchanged)`);
    }
    return EXIT_OK;
  } finally {
    await runtime.close();
  }
}

/** The texts the pipeline itself would embed for these documents, so both rates measure the same work. */
function sampleChunkTexts(docs: SourceDocument[]): string[] {
  return docs.flatMap((doc) =>
    chunkDocument({ ...doc, text: cleanText(doc.text, doc.format) }).map((draft) =>
      embeddingInput(doc.title, draft.headingPath.join(' > '), draft.text),
    ),
  );
}

async function singleThreadedRate(texts: string[]): Promise<number> {
  const embedder = new LocalEmbedder({ workers: 0 });
  try {
    await embedder.embed(texts.slice(0, 2), 'document'); // load the model and warm up outside the timing
    const started = performance.now();
    await embedder.embed(texts, 'document');
    return texts.length / ((performance.now() - started) / 1000);
  } finally {
    await embedder.close();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
