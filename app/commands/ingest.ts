import path from 'node:path';
import { listFiles } from '../../connectors/files/file-connector.ts';
import { fileLimits } from '../../connectors/files/file-limits.ts';
import { indexReport, type IndexSummary } from '../../rag/index/indexer.ts';
import { EXIT_OK, EXIT_SOME_FAILED } from '../exit-codes.ts';
import { progressBar } from '../progress.ts';
import type { Runtime } from '../runtime.ts';

/** Indexes files and folders; the good inputs are indexed even when others fail. */
export async function ingestPaths(runtime: Runtime, paths: string[], showProgress: boolean): Promise<IndexSummary> {
  const { config, indexer } = runtime;
  const absolute = paths.map((p) => path.resolve(p));
  const { inputs, scope } = await listFiles(absolute, fileLimits(config.limits));
  const bar = progressBar('Indexing', showProgress);
  try {
    return await indexer.index(inputs, scope, (p) => bar.update(p));
  } finally {
    bar.stop();
  }
}

export function reportSummary(summary: IndexSummary, json: boolean): number {
  if (json) {
    process.stdout.write(`${JSON.stringify(indexReport(summary))}\n`);
  } else {
    const { added, updated, unchanged, deleted, failed } = summary;
    process.stderr.write(`added ${added}, updated ${updated}, unchanged ${unchanged}, deleted ${deleted}, failed ${failed.length}\n`);
    for (const failure of failed)
      process.stderr.write(`  ✗ ${failure.error.startsWith(failure.path) ? failure.error : `${failure.path}: ${failure.error}`}\n`);
  }
  return summary.failed.length > 0 ? EXIT_SOME_FAILED : EXIT_OK;
}
