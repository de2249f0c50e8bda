import fs from 'node:fs/promises';
import path from 'node:path';
import type { DocumentCandidate, IndexInput, IndexScope } from '../../rag/index/indexer.ts';
import type { FileLimits } from './file-limits.ts';
import { loadFile } from './load-file.ts';
import { walkPaths } from './walk-paths.ts';

/**
 * Lists files and folders as index inputs. Listing only stats files; a file is read and parsed only
 * when its size or modification time changed since it was indexed.
 */
export async function listFiles(paths: string[], limits: FileLimits): Promise<{ inputs: IndexInput[]; scope: IndexScope }> {
  const inputs: IndexInput[] = [];
  for await (const entry of walkPaths(paths)) {
    if ('error' in entry) {
      inputs.push({ location: entry.path, error: entry.error });
      continue;
    }
    const stat = await fs.stat(entry.path).catch(() => undefined);
    // Identity is the absolute path: the same file named through different folders is one document.
    const id = `files:${entry.path}`;
    const candidate: DocumentCandidate = {
      id,
      location: entry.path,
      fingerprint: stat ? `${stat.size}:${stat.mtimeMs}` : 'unknown',
      load: async () => ({ ...(await loadFile(entry.path, { root: entry.root, limits })), id }),
    };
    inputs.push(candidate);
  }
  // Only a folder that was listed completely can tell us which of its files were deleted.
  const folders: string[] = [];
  for (const p of paths) {
    const stat = await fs.stat(p).catch(() => undefined);
    if (stat?.isDirectory()) folders.push(path.resolve(p) + path.sep);
  }
  return { inputs, scope: { source: 'files', deleteMissingUnder: folders } };
}
