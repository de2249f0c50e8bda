import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { DocumentCandidate, IndexInput } from '../../rag/index/indexer.ts';
import { fileLimits, type FileLimits } from '../files/file-limits.ts';
import type { Connector, SourceListing, SyncRequest } from '../connector.ts';
import { createGithubClient, type GithubApi } from './github-client.ts';
import { readRepoCursors, writeRepoCursors, type RepoCursor } from './github-cursor.ts';
import { describeGithubError, isNotModified, UpstreamGoneError } from './github-errors.ts';
import { filesPrefix, GITHUB_PREFIX, issuesPrefix, repositoryPrefix, splitRepoName, type RepoName } from './github-locations.ts';
import { BranchNotFoundError, listRepositoryFiles } from './list-repository-files.ts';
import { listRepositoryIssues } from './list-repository-issues.ts';
import { createPathFilter } from './path-globs.ts';

/** `Config['github']`: repositories are lower-case `owner/repo`, paths are globs. */
export interface GithubConnectorConfig {
  token?: string;
  apiUrl?: string;
  repos: string[];
  paths: string[];
  issues: boolean;
}

export interface GithubConnectorOptions {
  /** Per request (default 30 s). */
  timeoutMs?: number;
  /** Retries of a rate-limited or failed request (default 3). */
  maxRetries?: number;
  /** Longest rate-limit wait honoured before failing the request (default 15 minutes). */
  maxRetryWaitSeconds?: number;
  retryAfterUnitMs?: number;
  /** Largest repository file indexed (default 5 MB); larger ones are skipped with a warning. */
  maxFileBytes?: number;
  /**
   * How often repository metadata (default branch) is re-read and issues are listed in full, which
   * is how deleted and transferred issues are found: an incremental `since` listing cannot show an
   * absence. Default one day; `--full` always does both.
   */
  refreshEveryMs?: number;
  maxIssuePages?: number;
  maxCommentPages?: number;
  maxSubtreeReads?: number;
  now?: () => Date;
}

export interface GithubConnector extends Connector {
  readonly source: 'github';
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * GitHub repositories: files matching the configured globs (via the git tree and blobs) and issues and
 * pull requests with their comments. Incremental: an unchanged repository costs a conditional request
 * for its branch head and one for its issue listing (free 304s once nothing changes).
 */
export function createGithubConnector(config: GithubConnectorConfig, log: Logger, options: GithubConnectorOptions = {}): GithubConnector {
  const repos = [...new Set(config.repos.map((repo) => repo.toLowerCase()))];
  const include = createPathFilter(config.paths);
  const limits: FileLimits = fileLimits({ maxFileBytes: options.maxFileBytes ?? 5 * 1024 * 1024 });
  const filesKey = createHash('sha256')
    .update(JSON.stringify({ paths: config.paths, maxFileBytes: limits.maxFileBytes }))
    .digest('hex')
    .slice(0, 16);
  const refreshEveryMs = options.refreshEveryMs ?? DAY_MS;
  const now = options.now ?? (() => new Date());
  // Issues that turned out deleted or transferred while being loaded: reported as deletions by the next listing.
  const gone = new Set<string>();

  return {
    source: 'github',
    async list(request: SyncRequest): Promise<SourceListing> {
      const { signal, onListing } = request;
      const client = createGithubClient({
        token: config.token,
        apiUrl: config.apiUrl,
        signal,
        log,
        timeoutMs: options.timeoutMs ?? 30_000,
        maxRetries: options.maxRetries ?? 3,
        maxRetryWaitSeconds: options.maxRetryWaitSeconds ?? 15 * 60,
        retryAfterUnitMs: options.retryAfterUnitMs,
      });
      const previous = readRepoCursors(request.full ? {} : request.cursor);
      const next = new Map<RepoName, RepoCursor>();
      const inputs: IndexInput[] = [];
      const completeUnder: string[] = [];
      const deleted = [...gone];
      gone.clear();
      let everythingListed = true;

      for (const repo of repos) {
        signal.throwIfAborted();
        onListing?.(`GitHub: listing ${repo}`);
        const result = await listRepository(client.api, repo, previous.get(repo) ?? {}, request.full, signal);
        signal.throwIfAborted();
        next.set(repo, result.cursor);
        inputs.push(...result.inputs.map((input) => ('error' in input ? input : rememberGone(input))));
        completeUnder.push(...result.completeUnder);
        everythingListed &&= result.everythingListed;
      }
      // A repository dropped from GITHUB_REPOS takes its documents with it.
      for (const repo of previous.keys()) if (!repos.includes(repo)) completeUnder.push(repositoryPrefix(repo));

      log.info({ repos: repos.length, inputs: inputs.length, apiCalls: client.calls, full: request.full }, 'GitHub listing done');
      return {
        inputs,
        // When every configured repository was listed in full, documents of any other repository are stale too.
        completeUnder: everythingListed ? [GITHUB_PREFIX] : completeUnder,
        deleted,
        cursor: writeRepoCursors(next),
      };
    },
  };

  function rememberGone(candidate: DocumentCandidate): DocumentCandidate {
    return {
      ...candidate,
      load: async () => {
        try {
          return await candidate.load();
        } catch (error) {
          if (error instanceof UpstreamGoneError) gone.add(error.documentId);
          throw error;
        }
      },
    };
  }

  async function listRepository(api: GithubApi, repo: RepoName, previous: RepoCursor, full: boolean, signal: AbortSignal): Promise<RepoListing> {
    const cursor: RepoCursor = { ...previous };
    const listing: RepoListing = { inputs: [], completeUnder: [], cursor, everythingListed: true };
    const fail = (location: string, error: unknown, what: string) => {
      // A cancelled sync stops; it is not a failure of this repository.
      if (signal.aborted) throw error;
      listing.inputs.push({ location, error: new Error(describeGithubError(error, what)) });
      listing.everythingListed = false;
    };
    const startedAt = now();
    const refreshDue =
      full ||
      !previous.refreshedAt ||
      !previous.defaultBranch ||
      !previous.htmlUrl ||
      startedAt.getTime() - Date.parse(previous.refreshedAt) >= refreshEveryMs ||
      Number.isNaN(Date.parse(previous.refreshedAt));

    let metadataRead = false;
    const readMetadata = async () => {
      await readRepository(api, repo, cursor);
      metadataRead = true;
    };
    if (refreshDue) {
      try {
        await readMetadata();
      } catch (error) {
        fail(repositoryPrefix(repo), error, `${repo}: reading the repository`);
        return listing;
      }
    }

    await listFiles().catch((error: unknown) => fail(filesPrefix(repo), error, `${repo}: listing files`));

    if (config.issues) {
      try {
        const issues = await listRepositoryIssues(api, {
          repo,
          repoId: cursor.repoId,
          full: refreshDue,
          since: previous.issuesSince,
          etag: previous.issuesEtag,
          maxPages: options.maxIssuePages ?? 1000,
          maxCommentPages: options.maxCommentPages ?? 10,
        });
        listing.inputs.push(...issues.candidates);
        if (issues.complete) listing.completeUnder.push(issuesPrefix(repo));
        else listing.everythingListed = false;
        cursor.issuesSince = issues.since;
        cursor.issuesEtag = issues.etag;
        if (refreshDue && issues.complete) cursor.refreshedAt = startedAt.toISOString();
      } catch (error) {
        fail(issuesPrefix(repo), error, `${repo}: listing issues`);
      }
    } else {
      // Issues are not wanted (any more): whatever was indexed of them goes.
      listing.completeUnder.push(issuesPrefix(repo));
      delete cursor.issuesSince;
      delete cursor.issuesEtag;
      if (refreshDue) cursor.refreshedAt = startedAt.toISOString();
    }
    return listing;

    async function listFiles(): Promise<void> {
      for (let attempt = 0; ; attempt++) {
        try {
          const files = await listRepositoryFiles(
            api,
            {
              repo,
              branch: cursor.defaultBranch ?? '',
              htmlUrl: cursor.htmlUrl ?? '',
              previous,
              filesKey,
              include,
              limits,
              maxSubtreeReads: options.maxSubtreeReads ?? 200,
            },
            log,
          );
          if (files.status === 'unchanged') {
            cursor.branchEtag = files.branchEtag;
            listing.everythingListed = false;
          } else if (files.status === 'listed') {
            listing.inputs.push(...files.candidates);
            cursor.branchEtag = files.branchEtag;
            cursor.filesKey = filesKey;
            if (files.complete) {
              cursor.treeSha = files.treeSha;
              listing.completeUnder.push(filesPrefix(repo));
            } else {
              delete cursor.treeSha;
              listing.everythingListed = false;
              listing.inputs.push({
                location: filesPrefix(repo),
                error: new Error(`${repo}: the file tree is too large to list in full; files deleted upstream are kept until it can be`),
              });
            }
          }
          return;
        } catch (error) {
          if (!(error instanceof BranchNotFoundError)) throw error;
          // The default branch was renamed or switched since metadata was last read: read it again, once.
          if (!metadataRead && attempt === 0) {
            await readMetadata();
            continue;
          }
          // A repository without commits has no branch at all: it has no files.
          log.warn({ repo, branch: cursor.defaultBranch }, 'GitHub default branch not found: treating the repository as empty');
          listing.completeUnder.push(filesPrefix(repo));
          delete cursor.treeSha;
          delete cursor.branchEtag;
          return;
        }
      }
    }
  }

  /** Default branch, web address and id, with the last ETag: an unchanged repository answers 304. */
  async function readRepository(api: GithubApi, repo: RepoName, cursor: RepoCursor): Promise<void> {
    const { owner, repo: name } = splitRepoName(repo);
    const known = cursor.repoEtag && cursor.defaultBranch && cursor.htmlUrl && cursor.repoId !== undefined;
    try {
      const response = await api.rest.repos.get({ owner, repo: name, headers: known ? { 'if-none-match': cursor.repoEtag } : {} });
      const data = response.data;
      if (data.full_name.toLowerCase() !== repo) {
        log.warn({ repo, now: data.full_name }, 'GitHub repository was renamed or moved: update GITHUB_REPOS');
      }
      if (cursor.defaultBranch && cursor.defaultBranch !== data.default_branch) {
        log.info({ repo, from: cursor.defaultBranch, to: data.default_branch }, 'GitHub default branch changed');
      }
      cursor.repoId = data.id;
      cursor.defaultBranch = data.default_branch;
      cursor.htmlUrl = data.html_url;
      cursor.repoEtag = response.headers.etag;
    } catch (error) {
      if (!isNotModified(error)) throw error;
    }
  }
}

interface RepoListing {
  inputs: IndexInput[];
  completeUnder: string[];
  cursor: RepoCursor;
  /** Files and issues were both listed in full (not skipped as unchanged, not truncated, no failure). */
  everythingListed: boolean;
}
