import { expect } from 'vitest';
import type { Config } from '../../app/config.ts';
import { createLogger } from '../../app/logger.ts';
import { openRuntime, type Runtime } from '../../app/runtime.ts';
import { createSyncService, type SyncServiceOptions } from '../../app/sync-service.ts';

type RemoteSource = 'notion' | 'github';

/** What the index holds for a source: document and chunk ids in SQLite, and the number of vectors in Chroma. */
export async function indexState(runtime: Runtime, source: RemoteSource) {
  const chunkIds = runtime.db!.prepare('SELECT id FROM chunks WHERE doc_id LIKE ? ORDER BY id').pluck().all(`${source}:%`) as string[];
  const docIds = runtime.db!.prepare('SELECT id FROM documents WHERE source = ? ORDER BY id').pluck().all(source) as string[];
  return { chunkIds, docIds, vectors: await runtime.vectors.count() };
}

/**
 * The index a clean first sync of the source, as the fake upstream is now, builds in `config`'s (fresh) data
 * directory: what an interrupted or failed sync must converge to.
 */
export async function cleanSyncState(config: Config, source: RemoteSource, options: SyncServiceOptions) {
  const clean = await openRuntime(config, createLogger('silent'));
  try {
    const [report] = await createSyncService(clean, options).sync(source);
    expect(report!.failed).toEqual([]);
    return await indexState(clean, source);
  } finally {
    await clean.close();
  }
}
