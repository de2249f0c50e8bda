import type { DocumentCandidate } from '../../rag/index/indexer.ts';
import type { SourceDocument } from '../../rag/types.ts';
import type { GithubApi } from './github-client.ts';
import { httpStatus, isNotModified, UpstreamGoneError } from './github-errors.ts';
import { issueLocation, splitRepoName, type RepoName } from './github-locations.ts';
import { issueDocument, type CommentRecord, type IssueRecord } from './issue-document.ts';

export interface IssueListingRequest {
  repo: RepoName;
  /** GitHub's numeric id of the repository: a redirect to another id means an issue was transferred away. */
  repoId?: number;
  /** List every issue (deletions and transfers show only as absences) instead of those updated since `since`. */
  full: boolean;
  since?: string;
  /** ETag of the first page of the previous listing from the same `since`. */
  etag?: string;
  maxPages: number;
  maxCommentPages: number;
}

export interface IssueListing {
  candidates: DocumentCandidate[];
  /** Every issue of the repository was listed: stored issues missing from it are gone upstream. */
  complete: boolean;
  since?: string;
  etag?: string;
}

/**
 * Changes to the clock of the last listing that are not yet visible in GitHub's listing when we ask
 * (replication lag) are picked up by starting the next listing a little earlier; re-listed issues are
 * unchanged by fingerprint and cost nothing.
 */
const SINCE_OVERLAP_MS = 30_000;

/**
 * Issues and pull requests (one listing: GitHub returns pull requests as issues), newest update first.
 * Incremental listings ask only for what changed since the last one. Newest-first matters: an issue
 * updated while we page moves to the first page, which we already read, and the next listing picks
 * it up by date; oldest-first would shift an unread issue onto a page already read and lose it.
 * Comments are fetched only when an issue's fingerprint (updated time, comment count) changed.
 */
export async function listRepositoryIssues(api: GithubApi, request: IssueListingRequest): Promise<IssueListing> {
  const { owner, repo } = splitRepoName(request.repo);
  const incremental = !request.full && request.since !== undefined;
  const headers: Record<string, string> = incremental && request.etag ? { 'if-none-match': request.etag } : {};
  const issues = new Map<number, IssueRecord>();
  let pages = 0;
  let serverTime = Number.NaN;
  let firstEtag: string | undefined;
  let complete = true;
  try {
    const iterator = api.paginate.iterator(api.rest.issues.listForRepo, {
      owner,
      repo,
      state: 'all',
      sort: 'updated',
      direction: 'desc',
      per_page: 100,
      ...(incremental ? { since: request.since } : {}),
      headers,
    });
    for await (const response of iterator) {
      pages += 1;
      if (pages === 1) {
        serverTime = Date.parse(response.headers.date ?? '');
        firstEtag = response.headers.etag;
      }
      // Newest first: an issue seen twice (it moved while we paged) keeps its first, newer, version.
      for (const issue of response.data) if (!issues.has(issue.number)) issues.set(issue.number, issue as IssueRecord);
      if (pages >= request.maxPages) {
        complete = false;
        break;
      }
    }
  } catch (error) {
    if (pages === 0 && isNotModified(error)) return { candidates: [], complete: false, since: request.since, etag: request.etag };
    throw error;
  }

  const listedAt = Number.isFinite(serverTime) ? serverTime : Date.now();
  const since = new Date(listedAt - SINCE_OVERLAP_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
  // An empty incremental listing keeps its `since`, so the same request next time can be answered with a 304.
  const keepSince = incremental && issues.size === 0;
  const candidates = [...issues.values()].map((issue) => issueCandidate(api, request, issue));
  if (!complete && incremental) {
    throw new Error(`more than ${request.maxPages * 100} issues changed since ${request.since}; run a full sync`);
  }
  return {
    candidates,
    complete: !incremental && complete,
    since: keepSince ? request.since : since,
    etag: keepSince ? firstEtag : undefined,
  };
}

function issueCandidate(api: GithubApi, request: IssueListingRequest, issue: IssueRecord): DocumentCandidate {
  const id = issueLocation(request.repo, issue.number);
  return {
    id,
    location: id,
    // A new comment bumps updated_at; the count also catches a deleted comment.
    fingerprint: `${issue.updated_at}#${issue.comments}`,
    load: async (): Promise<SourceDocument> => {
      const comments = issue.comments > 0 ? await fetchComments(api, request, issue.number) : [];
      return issueDocument(request.repo, issue, comments);
    },
  };
}

const REDIRECTS = new Set([301, 302, 307, 308]);

/**
 * An issue's comments, oldest first. Fetching them is also where a listed issue can turn out to be
 * gone: 404/410 (deleted) or a redirect to another repository (transferred).
 */
async function fetchComments(api: GithubApi, request: IssueListingRequest, number: number): Promise<CommentRecord[]> {
  const { owner, repo } = splitRepoName(request.repo);
  const id = issueLocation(request.repo, number);
  const comments: CommentRecord[] = [];
  let response;
  try {
    response = await api.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner,
      repo,
      issue_number: number,
      per_page: 100,
      // A transfer answers with a redirect to the issue's new home; following it would index another repository's thread.
      request: { redirect: 'manual' },
    });
  } catch (error) {
    const status = httpStatus(error);
    if (status === 404 || status === 410) throw new UpstreamGoneError(id, `${id}: the issue no longer exists upstream (HTTP ${status})`);
    throw error;
  }
  const status = response.status as number;
  if (REDIRECTS.has(status)) {
    const location = String(response.headers.location ?? '');
    const target = /\/repositories\/(\d+)\//.exec(location);
    // The same repository under a new name moves its issues too; anything else is a transfer.
    if (target && request.repoId !== undefined && Number(target[1]) === request.repoId) {
      response = await api.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner, repo, issue_number: number, per_page: 100 });
    } else {
      throw new UpstreamGoneError(id, `${id}: the issue moved to another repository (HTTP ${status} to ${location || 'elsewhere'})`);
    }
  }
  let pages = 1;
  for (;;) {
    comments.push(...(response.data as CommentRecord[]));
    const next: string | undefined = /<([^<>]+)>;\s*rel="next"/.exec(response.headers.link ?? '')?.[1];
    if (!next || pages >= request.maxCommentPages) break;
    pages += 1;
    response = await api.request({ method: 'GET', url: next });
  }
  return comments;
}
