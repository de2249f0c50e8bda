import type { Logger } from 'pino';
import type { IndexInput } from '../../rag/index/indexer.ts';
import type { FileLimits } from '../files/file-limits.ts';
import type { GithubApi } from './github-client.ts';
import type { RepoCursor } from './github-cursor.ts';
import { describeGithubError, isNotModified } from './github-errors.ts';
import { filesPrefix, issuesPrefix, repositoryPrefix, splitRepoName, type RepoName } from './github-locations.ts';
import { BranchNotFoundError, listRepositoryFiles } from './list-repository-files.ts';
import { listRepositoryIssues } from './list-repository-issues.ts';

/** How every repository of one connector is listed (its configuration, defaults applied). */
export interface RepositoryListingSettings {
  /** Whether a repository path is indexed (the configured globs). */
  include: (path: string) => boolean;
  limits: FileLimits;
  /** Globs and size limit in one key: changing them re-lists an unchanged tree. */
  filesKey: string;
  issues: boolean;
  refreshEveryMs: number;
  maxIssuePages: number;
  maxCommentPages: number;
  maxSubtreeReads: number;
  now: () => Date;
}

export interface RepoListing {
  inputs: IndexInput[];
  completeUnder: string[];
  cursor: RepoCursor;
  /** Files and issues were both listed in full (not skipped as unchanged, not truncated, no failure). */
  everythingListed: boolean;
}

export interface RepositoryRequest {
  api: GithubApi;
  repo: RepoName;
  /** What the last committed sync left of this repository ({} for a first or full one). */
  previous: RepoCursor;
  full: boolean;
  signal: AbortSignal;
  log: Logger;
}

/**
 * One repository: its metadata when a refresh is due (a day since the last, or `--full`), then its files and its
 * issues. A part that fails is reported and leaves the rest listed; a cancelled sync stops.
 */
export function listRepository(request: RepositoryRequest, settings: RepositoryListingSettings): Promise<RepoListing> {
  return new RepositoryListing(request, settings).list();
}

/** Whether metadata must be read again and issues listed in full (which is how deleted and transferred issues are found). */
export function refreshDue(previous: RepoCursor, full: boolean, now: Date, refreshEveryMs: number): boolean {
  return (
    full ||
    !previous.refreshedAt ||
    !previous.defaultBranch ||
    !previous.htmlUrl ||
    now.getTime() - Date.parse(previous.refreshedAt) >= refreshEveryMs ||
    Number.isNaN(Date.parse(previous.refreshedAt))
  );
}

class RepositoryListing {
  private readonly cursor: RepoCursor;
  private readonly listing: RepoListing;
  private metadataRead = false;

  constructor(
    private readonly request: RepositoryRequest,
    private readonly settings: RepositoryListingSettings,
  ) {
    this.cursor = { ...request.previous };
    this.listing = { inputs: [], completeUnder: [], cursor: this.cursor, everythingListed: true };
  }

  async list(): Promise<RepoListing> {
    const { repo, previous, full } = this.request;
    const startedAt = this.settings.now();
    const due = refreshDue(previous, full, startedAt, this.settings.refreshEveryMs);
    if (due) {
      try {
        await this.readMetadata();
      } catch (error) {
        this.fail(repositoryPrefix(repo), error, `${repo}: reading the repository`);
        return this.listing;
      }
    }
    await this.listFiles().catch((error: unknown) => this.fail(filesPrefix(repo), error, `${repo}: listing files`));
    if (this.settings.issues) await this.listIssues(due, startedAt);
    else this.dropIssues(due, startedAt);
    return this.listing;
  }

  private fail(location: string, error: unknown, what: string): void {
    // A cancelled sync stops; it is not a failure of this repository.
    if (this.request.signal.aborted) throw error;
    this.listing.inputs.push({ location, error: new Error(describeGithubError(error, what)) });
    this.listing.everythingListed = false;
  }

  private async readMetadata(): Promise<void> {
    await readRepositoryMetadata(this.request, this.cursor);
    this.metadataRead = true;
  }

  private async listFiles(): Promise<void> {
    const { api, repo, previous, log } = this.request;
    const { cursor, listing } = this;
    for (let attempt = 0; ; attempt++) {
      try {
        const files = await listRepositoryFiles(
          api,
          {
            repo,
            branch: cursor.defaultBranch ?? '',
            htmlUrl: cursor.htmlUrl ?? '',
            previous,
            filesKey: this.settings.filesKey,
            include: this.settings.include,
            limits: this.settings.limits,
            maxSubtreeReads: this.settings.maxSubtreeReads,
          },
          log,
        );
        if (files.status === 'unchanged') {
          cursor.branchEtag = files.branchEtag;
          listing.everythingListed = false;
        } else if (files.status === 'listed') {
          listing.inputs.push(...files.candidates);
          cursor.branchEtag = files.branchEtag;
          cursor.filesKey = this.settings.filesKey;
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
        if (!this.metadataRead && attempt === 0) {
          await this.readMetadata();
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

  private async listIssues(due: boolean, startedAt: Date): Promise<void> {
    const { api, repo, previous } = this.request;
    const { cursor, listing } = this;
    try {
      const issues = await listRepositoryIssues(api, {
        repo,
        repoId: cursor.repoId,
        full: due,
        since: previous.issuesSince,
        etag: previous.issuesEtag,
        maxPages: this.settings.maxIssuePages,
        maxCommentPages: this.settings.maxCommentPages,
      });
      listing.inputs.push(...issues.candidates);
      if (issues.complete) listing.completeUnder.push(issuesPrefix(repo));
      else listing.everythingListed = false;
      cursor.issuesSince = issues.since;
      cursor.issuesEtag = issues.etag;
      if (due && issues.complete) cursor.refreshedAt = startedAt.toISOString();
    } catch (error) {
      this.fail(issuesPrefix(repo), error, `${repo}: listing issues`);
    }
  }

  /** Issues are not wanted (any more): whatever was indexed of them goes. */
  private dropIssues(due: boolean, startedAt: Date): void {
    this.listing.completeUnder.push(issuesPrefix(this.request.repo));
    delete this.cursor.issuesSince;
    delete this.cursor.issuesEtag;
    if (due) this.cursor.refreshedAt = startedAt.toISOString();
  }
}

/** Default branch, web address and id, with the last ETag: an unchanged repository answers 304. */
async function readRepositoryMetadata(request: RepositoryRequest, cursor: RepoCursor): Promise<void> {
  const { api, repo, log } = request;
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
