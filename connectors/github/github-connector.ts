import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { DocumentCandidate, IndexInput } from '../../rag/index/indexer.ts';
import { fileLimits } from '../files/file-limits.ts';
import type { Connector, SourceListing, SyncRequest } from '../connector.ts';
import { createGithubClient } from './github-client.ts';
import { readRepoCursors, writeRepoCursors, type RepoCursor } from './github-cursor.ts';
import { UpstreamGoneError } from './github-errors.ts';
import { GITHUB_PREFIX, repositoryPrefix, type RepoName } from './github-locations.ts';
import { listRepository, type RepositoryListingSettings } from './list-repository.ts';
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
 * for its branch head and one for its issue listing (free 304s once nothing changes). Each repository is
 * listed by list-repository.ts.
 */
export function createGithubConnector(config: GithubConnectorConfig, log: Logger, options: GithubConnectorOptions = {}): GithubConnector {
  const repos = [...new Set(config.repos.map((repo) => repo.toLowerCase()))];
  const limits = fileLimits({ maxFileBytes: options.maxFileBytes ?? 5 * 1024 * 1024 });
  const settings: RepositoryListingSettings = {
    include: createPathFilter(config.paths),
    limits,
    filesKey: createHash('sha256')
      .update(JSON.stringify({ paths: config.paths, maxFileBytes: limits.maxFileBytes }))
      .digest('hex')
      .slice(0, 16),
    issues: config.issues,
    refreshEveryMs: options.refreshEveryMs ?? DAY_MS,
    maxIssuePages: options.maxIssuePages ?? 1000,
    maxCommentPages: options.maxCommentPages ?? 10,
    maxSubtreeReads: options.maxSubtreeReads ?? 200,
    now: options.now ?? (() => new Date()),
  };
  // Issues that turned out deleted or transferred while being loaded: reported as deletions by the next listing.
  const gone = new Set<string>();

  /** Loads the candidate, remembering an issue found gone meanwhile. */
  const rememberGone = (candidate: DocumentCandidate): DocumentCandidate => ({
    ...candidate,
    load: async () => {
      try {
        return await candidate.load();
      } catch (error) {
        if (error instanceof UpstreamGoneError) gone.add(error.documentId);
        throw error;
      }
    },
  });

  return {
    source: 'github',
    async list(request: SyncRequest): Promise<SourceListing> {
      const { signal, onListing, full } = request;
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
      const previous = readRepoCursors(full ? {} : request.cursor);
      const next = new Map<RepoName, RepoCursor>();
      const inputs: IndexInput[] = [];
      const completeUnder: string[] = [];
      const deleted = [...gone];
      gone.clear();
      let everythingListed = true;

      for (const repo of repos) {
        signal.throwIfAborted();
        onListing?.(`GitHub: listing ${repo}`);
        const result = await listRepository({ api: client.api, repo, previous: previous.get(repo) ?? {}, full, signal, log }, settings);
        signal.throwIfAborted();
        next.set(repo, result.cursor);
        inputs.push(...result.inputs.map((input) => ('error' in input ? input : rememberGone(input))));
        completeUnder.push(...result.completeUnder);
        everythingListed &&= result.everythingListed;
      }
      // A repository dropped from GITHUB_REPOS takes its documents with it.
      for (const repo of previous.keys()) if (!repos.includes(repo)) completeUnder.push(repositoryPrefix(repo));

      log.info({ repos: repos.length, inputs: inputs.length, apiCalls: client.calls, full }, 'GitHub listing done');
      return {
        inputs,
        // When every configured repository was listed in full, documents of any other repository are stale too.
        completeUnder: everythingListed ? [GITHUB_PREFIX] : completeUnder,
        deleted,
        cursor: writeRepoCursors(next),
      };
    },
  };
}
