import type { Logger } from 'pino';
import type { DocumentCandidate } from '../../rag/index/indexer.ts';
import type { FileLimits } from '../files/file-limits.ts';
import type { GithubApi } from './github-client.ts';
import type { RepoCursor } from './github-cursor.ts';
import { httpStatus, isNotModified } from './github-errors.ts';
import { fileLocation, splitRepoName, type RepoName } from './github-locations.ts';
import { loadRepositoryFile, repositoryFileFormat } from './load-repository-file.ts';
import { readGitTree } from './read-git-tree.ts';
import { LoreError } from '../../rag/errors.ts';

export interface FileListingRequest {
  repo: RepoName;
  branch: string;
  htmlUrl: string;
  /** What the last successful sync saw; its tree SHA and branch ETag make an unchanged repository cheap. */
  previous: RepoCursor;
  /** Identifies the path filter and limits, so changing them re-lists an unchanged tree. */
  filesKey: string;
  include: (path: string) => boolean;
  limits: FileLimits;
  maxSubtreeReads: number;
}

export type FileListing =
  | { status: 'unchanged'; branchEtag?: string }
  | { status: 'empty' }
  | {
      status: 'listed';
      candidates: DocumentCandidate[];
      /** False when the tree was too large to list in full: absent files must not be read as deleted. */
      complete: boolean;
      treeSha: string;
      branchEtag?: string;
    };

export class BranchNotFoundError extends LoreError {
  override readonly code: string = 'branch_not_found';
  override readonly name = 'BranchNotFoundError';
}

/**
 * The repository's files at the head of its default branch. The branch is read with the ETag of
 * the last sync (a 304 costs no rate limit); a head whose tree SHA is unchanged means no file changed,
 * so an untouched repository costs one request. Otherwise the whole tree is listed (one request for
 * most repositories) and every matching file becomes a candidate fingerprinted by its blob SHA.
 */
export async function listRepositoryFiles(api: GithubApi, request: FileListingRequest, log: Logger): Promise<FileListing> {
  const { owner, repo } = splitRepoName(request.repo);
  const { previous } = request;
  const comparable = previous.treeSha !== undefined && previous.filesKey === request.filesKey && previous.defaultBranch === request.branch;
  let branch;
  try {
    branch = await api.rest.repos.getBranch({
      owner,
      repo,
      branch: request.branch,
      headers: comparable && previous.branchEtag ? { 'if-none-match': previous.branchEtag } : {},
    });
  } catch (error) {
    if (isNotModified(error)) return { status: 'unchanged', branchEtag: previous.branchEtag };
    if (httpStatus(error) === 404) throw new BranchNotFoundError(`${request.repo}: branch ${request.branch} not found`);
    throw error;
  }
  const commit = branch.data.commit.commit;
  const treeSha = commit.tree.sha;
  if (comparable && treeSha === previous.treeSha) return { status: 'unchanged', branchEtag: branch.headers.etag };

  const tree = await readGitTree(api, { owner, repo, treeSha, maxSubtreeReads: request.maxSubtreeReads });
  // Only a file changed since the previous tree can be dated by this commit; on a first sync the date is unknown.
  const modifiedAt = previous.treeSha !== undefined ? (commit.committer?.date ?? commit.author?.date) : undefined;
  const candidates: DocumentCandidate[] = [];
  let tooLarge = 0;
  let unreadable = 0;
  for (const blob of tree.blobs) {
    if (!request.include(blob.path)) continue;
    if (!repositoryFileFormat(blob.path)) {
      unreadable += 1;
      continue;
    }
    if (blob.size > request.limits.maxFileBytes) {
      tooLarge += 1;
      log.warn(
        { repo: request.repo, path: blob.path, bytes: blob.size, limit: request.limits.maxFileBytes },
        'GitHub file over the size limit, skipped',
      );
      continue;
    }
    // An empty file has nothing to index; listing it would fail on every sync.
    if (blob.size === 0) continue;
    const file = {
      repo: request.repo,
      path: blob.path,
      sha: blob.sha,
      size: blob.size,
      branch: request.branch,
      htmlUrl: request.htmlUrl,
      modifiedAt,
    };
    const id = fileLocation(request.repo, blob.path);
    candidates.push({
      id,
      location: id,
      // The branch is in every citation link, so a new default branch re-renders the documents.
      fingerprint: `${blob.sha}@${request.branch}`,
      load: () => loadRepositoryFile(api, file, request.limits),
    });
  }
  log.debug(
    {
      repo: request.repo,
      files: tree.blobs.length,
      matching: candidates.length,
      tooLarge,
      unreadable,
      treeRequests: tree.requests,
      complete: tree.complete,
    },
    'GitHub tree listed',
  );
  return { status: 'listed', candidates, complete: tree.complete, treeSha, branchEtag: branch.headers.etag };
}
