import type { Connector, SourceListing, SyncRequest } from '../connector.ts';
import { listFiles } from './file-connector.ts';
import type { FileLimits } from './file-limits.ts';

/**
 * The configured files and folders (LORE_FILES_PATHS) as a sync source. Every sync lists them completely —
 * listing only stats files, and size + mtime fingerprints skip the unchanged ones — so there is no cursor.
 */
export function createFilesConnector(paths: string[], limits: FileLimits): Connector {
  return {
    source: 'files',
    async list(request: SyncRequest): Promise<SourceListing> {
      request.onListing?.(`walking ${paths.length} path${paths.length === 1 ? '' : 's'}`);
      const { inputs, scope } = await listFiles(paths, limits);
      request.signal.throwIfAborted();
      return { inputs, completeUnder: scope.deleteMissingUnder ?? [], deleted: [], cursor: {} };
    },
  };
}
