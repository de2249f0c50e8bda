import type { GithubApi } from './github-client.ts';

/** A file in a commit's tree: its path, content SHA and size, all without reading the content. */
export interface TreeBlob {
  path: string;
  sha: string;
  size: number;
}

export interface TreeListing {
  blobs: TreeBlob[];
  /** False when some folder could not be listed: files missing from `blobs` may still exist upstream. */
  complete: boolean;
  /** Tree requests made. */
  requests: number;
}

export interface ReadTreeOptions {
  owner: string;
  repo: string;
  treeSha: string;
  /** Extra tree requests allowed when a recursive listing comes back truncated. */
  maxSubtreeReads: number;
}

// Regular and executable files; symlinks (120000) point elsewhere and submodules (commit) are other repositories.
const FILE_MODES = new Set(['100644', '100755']);

/**
 * Every file of a tree. One recursive request covers all but the largest repositories; GitHub cuts
 * that answer off (`truncated: true`) past 100,000 entries or 7 MB, and then each folder is read on
 * its own, recursively where that fits, within a budget of extra requests. Anything still missing
 * makes the listing incomplete, which the caller must not read as deletions.
 */
export async function readGitTree(api: GithubApi, options: ReadTreeOptions): Promise<TreeListing> {
  const { owner, repo } = options;
  const blobs: TreeBlob[] = [];
  let requests = 0;
  let budget = options.maxSubtreeReads;

  const walk = async (treeSha: string, prefix: string): Promise<boolean> => {
    requests += 1;
    const { data } = await api.rest.git.getTree({ owner, repo, tree_sha: treeSha, recursive: '1' });
    if (!data.truncated) {
      for (const entry of data.tree) addBlob(entry, prefix);
      return true;
    }
    if (budget <= 0) return false;
    budget -= 1;
    requests += 1;
    const { data: level } = await api.rest.git.getTree({ owner, repo, tree_sha: treeSha });
    let complete = !level.truncated;
    for (const entry of level.tree) {
      if (entry.type === 'tree' && entry.sha && entry.path) {
        if (budget <= 0) {
          complete = false;
          continue;
        }
        budget -= 1;
        complete = (await walk(entry.sha, `${prefix}${entry.path}/`)) && complete;
      } else {
        addBlob(entry, prefix);
      }
    }
    return complete;
  };

  const addBlob = (entry: { type?: string; mode?: string; path?: string; sha?: string; size?: number }, prefix: string) => {
    if (entry.type !== 'blob' || !entry.path || !entry.sha || !FILE_MODES.has(entry.mode ?? '')) return;
    blobs.push({ path: `${prefix}${entry.path}`, sha: entry.sha, size: entry.size ?? 0 });
  };

  const complete = await walk(options.treeSha, '');
  return { blobs, complete, requests };
}
