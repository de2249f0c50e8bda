import path from 'node:path';
import { loadCorpus, type BeirDocument } from './beir-dataset.ts';
import { sha256 } from '../../rag/hash.ts';
import type { DocumentCandidate } from '../../rag/index/indexer.ts';
import type { SourceDocument } from '../../rag/types.ts';
import type { Config } from '../../app/config.ts';
import type { Logger } from '../../app/logger.ts';
import { progressBar } from '../../app/progress.ts';
import { openLore } from '../../app/lore.ts';
import type { Runtime } from '../../app/runtime.ts';

// A BEIR corpus gets a data directory and collection of its own under the main data directory, named by
// the corpus file: benchmarks never touch the real index, and a second run over an unchanged corpus
// finds every document's fingerprint unchanged and embeds nothing.

const ID_PREFIX = 'beir:';

export interface BenchCorpus {
  runtime: Runtime;
  /** Seconds this run spent indexing (near zero when the corpus was already indexed). */
  indexSeconds: number;
  documents: number;
  failed: number;
}

/** The BEIR document id a chunk's docId stands for. */
export function beirId(docId: string): string {
  return docId.startsWith(ID_PREFIX) ? docId.slice(ID_PREFIX.length) : docId;
}

export function benchDataDir(config: Config, corpusFile: string): { dataDir: string; collection: string } {
  const absolute = path.resolve(corpusFile);
  const name =
    path
      .basename(path.dirname(absolute))
      .replace(/[^a-zA-Z0-9_-]+/g, '-')
      .slice(0, 40) || 'corpus';
  const key = `${name}-${sha256(absolute).slice(0, 8)}`;
  return { dataDir: path.join(config.dataDir, 'bench-retrieval', key), collection: `bench_${key}` };
}

/** Opens (and brings up to date) the benchmark index of a BEIR corpus. The caller closes `runtime`. */
export async function openBenchCorpus(config: Config, log: Logger, corpusFile: string, showProgress: boolean): Promise<BenchCorpus> {
  const docs = loadCorpus(corpusFile);
  const { dataDir, collection } = benchDataDir(config, corpusFile);
  const { runtime } = await openLore({ ...config, dataDir }, log, { collection });
  try {
    const candidates = corpusCandidates(docs, corpusFile);
    const bar = progressBar('Indexing', showProgress);
    const started = performance.now();
    const summary = await runtime.indexer.index(candidates, { source: 'files', deleteMissingUnder: [`${path.resolve(corpusFile)}#`] }, (p) =>
      bar.update(p),
    );
    bar.stop();
    const indexSeconds = (performance.now() - started) / 1000;
    for (const failure of summary.failed.slice(0, 5)) log.warn(failure, 'benchmark document not indexed');
    return { runtime, indexSeconds, documents: docs.length, failed: summary.failed.length };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}

/** Index inputs for BEIR documents: fingerprinted by their JSON line, so an unchanged document costs nothing. */
export function corpusCandidates(docs: readonly BeirDocument[], corpusFile: string): DocumentCandidate[] {
  return docs.map((doc) => ({
    id: ID_PREFIX + doc.id,
    location: `${path.resolve(corpusFile)}#${doc.id}`,
    fingerprint: sha256(doc.line),
    load: async () => toSourceDocument(doc),
  }));
}

export function toSourceDocument(doc: BeirDocument): SourceDocument {
  return {
    id: ID_PREFIX + doc.id,
    source: 'files',
    title: doc.title || doc.id,
    url: `beir:${doc.id}`,
    format: 'text',
    extension: 'txt',
    text: doc.text,
    sizeBytes: Buffer.byteLength(doc.line),
  };
}
