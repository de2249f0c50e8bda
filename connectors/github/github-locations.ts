// Where GitHub documents live in the index. Ids and locations are the same string, built so that a
// location prefix selects exactly one repository, or its files, or its issues and pull requests:
// the sync engine deletes stored documents under a prefix the connector listed completely.

/** `owner/repo`, lower case, as configured in GITHUB_REPOS. */
export type RepoName = string;

export const GITHUB_PREFIX = 'github:';

export function repositoryPrefix(repo: RepoName): string {
  return `${GITHUB_PREFIX}${repo}/`;
}

export function filesPrefix(repo: RepoName): string {
  return `${GITHUB_PREFIX}${repo}/files/`;
}

export function fileLocation(repo: RepoName, path: string): string {
  return `${filesPrefix(repo)}${path}`;
}

/** Issues and pull requests share one number sequence, so they share one prefix. */
export function issuesPrefix(repo: RepoName): string {
  return `${GITHUB_PREFIX}${repo}/issues/`;
}

export function issueLocation(repo: RepoName, number: number): string {
  return `${issuesPrefix(repo)}${number}`;
}

export function splitRepoName(repo: RepoName): { owner: string; repo: string } {
  const [owner = '', name = ''] = repo.split('/');
  return { owner, repo: name };
}
