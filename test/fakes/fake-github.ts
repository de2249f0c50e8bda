// A local stand-in for the GitHub REST API, on 127.0.0.1 and a random port, so the real Octokit (with the
// throttling plugin) can be tested offline. It follows the public reference for what the connector uses:
// repositories, branches, git trees (recursive, `truncated`) and blobs (base64), issues and pull requests
// (`since`, `sort`, `direction`, page numbers with absolute `Link` headers), issue comments, ETags with 304
// answers (which, as on GitHub, do not count against the rate limit), 404 and 410 answers, 301 redirects for
// transferred issues, and rate-limit headers. Git object SHAs are computed the way git computes them.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCommentInput {
  user?: string;
  body: string;
  createdAt?: string;
}

export interface FakeIssueInput {
  title: string;
  body?: string;
  state?: 'open' | 'closed';
  labels?: string[];
  user?: string;
  /** A pull request rather than an issue. */
  pull?: boolean;
  merged?: boolean;
  comments?: FakeCommentInput[];
  createdAt?: string;
  updatedAt?: string;
}

export interface FakeRepoInput {
  defaultBranch?: string;
  files?: Record<string, string | Buffer>;
  issues?: FakeIssueInput[];
}

export interface FileChange {
  write?: Record<string, string | Buffer>;
  remove?: string[];
  /** `from -> to`: the content moves unchanged (same blob SHA, new path). */
  rename?: Record<string, string>;
}

export interface RecordedGithubRequest {
  method: string;
  /** Path and query, as received. */
  path: string;
  status: number;
  /** Sent with If-None-Match. */
  conditional: boolean;
  authorization?: string;
}

/** A canned answer for one request instead of the normal one. */
export interface FakeGithubResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Only requests whose path matches; others are answered normally. */
  match?: RegExp;
  delayMs?: number;
}

export interface FakeGithub {
  /** API base URL to give Octokit as `baseUrl`. */
  readonly url: string;
  /** Web address repositories report as `html_url` (links in citations start with it). */
  readonly webUrl: string;
  readonly requests: RecordedGithubRequest[];
  /** Requests that counted against the rate limit (everything but 304s). */
  readonly rateLimitUsed: number;
  /** Most requests seen in flight at once. */
  readonly maxInFlight: number;
  /** Recursive tree answers with more entries than this are cut off and marked `truncated` (GitHub: 100,000). */
  maxTreeEntries: number;
  createRepo(fullName: string, input?: FakeRepoInput): void;
  /** Commits a change to the default branch; returns the new commit SHA. */
  commit(fullName: string, change: FileChange): string;
  /** Points the repository at a new default branch holding the current files. */
  setDefaultBranch(fullName: string, branch: string): void;
  addIssue(fullName: string, issue: FakeIssueInput): number;
  updateIssue(fullName: string, number: number, patch: Partial<Omit<FakeIssueInput, 'comments'>>): void;
  addComment(fullName: string, number: number, comment: FakeCommentInput): void;
  deleteIssue(fullName: string, number: number): void;
  /** Moves an issue to another repository (a new number there); the old address redirects. */
  transferIssue(fullName: string, number: number, toFullName: string): number;
  /** Answers the next matching requests with these, one each, before going back to normal. */
  queue(...responses: FakeGithubResponse[]): void;
  /** Moves the fake's clock (issue timestamps and the `Date` header). */
  advanceClock(ms: number): void;
  /** Delay before every answer, like a real network round trip. */
  setLatency(ms: number): void;
  resetRequests(): void;
  close(): Promise<void>;
}

interface TreeEntry {
  name: string;
  mode: '100644' | '040000';
  type: 'blob' | 'tree';
  sha: string;
  size?: number;
}

interface CommentState {
  id: number;
  user: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

interface IssueState {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  user: string;
  pull: boolean;
  merged: boolean;
  comments: CommentState[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

interface RepoState {
  id: number;
  fullName: string;
  defaultBranch: string;
  branches: Map<string, string>;
  commits: Map<string, { treeSha: string; date: string; parent?: string }>;
  files: Map<string, Buffer>;
  trees: Map<string, TreeEntry[]>;
  blobs: Map<string, Buffer>;
  issues: Map<number, IssueState>;
  deleted: Set<number>;
  moved: Map<number, { repoId: number; number: number }>;
  nextNumber: number;
}

const DOCS = 'https://docs.github.com/rest';

export async function startFakeGithub(options: { token?: string } = {}): Promise<FakeGithub> {
  const repos = new Map<string, RepoState>();
  const requests: RecordedGithubRequest[] = [];
  const queued: FakeGithubResponse[] = [];
  let nextRepoId = 1000;
  let nextCommentId = 1;
  let clockOffset = 0;
  let latencyMs = 0;
  let rateLimitUsed = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let baseUrl = '';

  const now = () => new Date(Date.now() + clockOffset);
  const timestamp = (date = now()) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

  const repoOf = (fullName: string): RepoState => {
    const repo = repos.get(fullName.toLowerCase());
    if (!repo) throw new Error(`fake GitHub: no repository ${fullName}`);
    return repo;
  };

  const writeTree = (repo: RepoState, files: Map<string, Buffer>): string => {
    const build = (prefix: string): string => {
      const entries = new Map<string, TreeEntry>();
      for (const [path, content] of files) {
        if (!path.startsWith(prefix)) continue;
        const rest = path.slice(prefix.length);
        const slash = rest.indexOf('/');
        if (slash === -1) {
          const sha = gitSha('blob', content);
          repo.blobs.set(sha, content);
          entries.set(rest, { name: rest, mode: '100644', type: 'blob', sha, size: content.length });
        } else {
          const name = rest.slice(0, slash);
          if (!entries.has(name)) entries.set(name, { name, mode: '040000', type: 'tree', sha: build(`${prefix}${name}/`) });
        }
      }
      // git orders entries by name, comparing a folder as if its name ended with `/`.
      const sorted = [...entries.values()].sort((a, b) => compareBytes(sortKey(a), sortKey(b)));
      const body = Buffer.concat(
        sorted.map((e) => Buffer.concat([Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.name}\0`), Buffer.from(e.sha, 'hex')])),
      );
      const sha = gitSha('tree', body);
      repo.trees.set(sha, sorted);
      return sha;
    };
    return build('');
  };

  const commitFiles = (repo: RepoState, branch: string): string => {
    const treeSha = writeTree(repo, repo.files);
    const parent = repo.branches.get(branch);
    const date = timestamp();
    const sha = createHash('sha1')
      .update(`commit ${treeSha} ${parent ?? ''} ${date} ${repo.commits.size}`)
      .digest('hex');
    repo.commits.set(sha, { treeSha, date, parent });
    repo.branches.set(branch, sha);
    return sha;
  };

  const newIssue = (repo: RepoState, input: FakeIssueInput): IssueState => {
    const created = input.createdAt ?? timestamp();
    const issue: IssueState = {
      number: repo.nextNumber++,
      title: input.title,
      body: input.body ?? '',
      state: input.state ?? 'open',
      labels: input.labels ?? [],
      user: input.user ?? 'octocat',
      pull: input.pull ?? false,
      merged: input.merged ?? false,
      comments: [],
      createdAt: created,
      updatedAt: input.updatedAt ?? created,
      closedAt: input.state === 'closed' ? (input.updatedAt ?? created) : null,
    };
    for (const comment of input.comments ?? []) {
      const at = comment.createdAt ?? issue.updatedAt;
      issue.comments.push({ id: nextCommentId++, user: comment.user ?? 'octocat', body: comment.body, createdAt: at, updatedAt: at });
    }
    repo.issues.set(issue.number, issue);
    return issue;
  };

  // ---- JSON shapes, as the REST reference documents them (the fields clients read) ----

  const userJson = (login: string) => ({ login, id: hashNumber(login), type: 'User', html_url: `${webUrl()}/${login}` });
  const webUrl = () => `${baseUrl}/web`;
  const repoApi = (repo: RepoState) => `${baseUrl}/repos/${repo.fullName}`;

  const repoJson = (repo: RepoState) => {
    const [owner = ''] = repo.fullName.split('/');
    return {
      id: repo.id,
      node_id: `R_${repo.id}`,
      name: repo.fullName.split('/')[1],
      full_name: repo.fullName,
      private: false,
      owner: userJson(owner),
      html_url: `${webUrl()}/${repo.fullName}`,
      url: repoApi(repo),
      default_branch: repo.defaultBranch,
      visibility: 'public',
    };
  };

  const issueJson = (repo: RepoState, issue: IssueState) => {
    const kind = issue.pull ? 'pull' : 'issues';
    const api = `${repoApi(repo)}/issues/${issue.number}`;
    return {
      id: repo.id * 100_000 + issue.number,
      node_id: `I_${repo.id}_${issue.number}`,
      url: api,
      repository_url: repoApi(repo),
      comments_url: `${api}/comments`,
      html_url: `${webUrl()}/${repo.fullName}/${kind}/${issue.number}`,
      number: issue.number,
      state: issue.state,
      title: issue.title,
      body: issue.body === '' ? null : issue.body,
      user: userJson(issue.user),
      labels: issue.labels.map((name) => ({ id: hashNumber(name), name, color: 'ededed', default: false })),
      locked: false,
      comments: issue.comments.length,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      closed_at: issue.closedAt,
      author_association: 'MEMBER',
      ...(issue.pull
        ? {
            pull_request: {
              url: `${repoApi(repo)}/pulls/${issue.number}`,
              html_url: `${webUrl()}/${repo.fullName}/pull/${issue.number}`,
              merged_at: issue.merged ? issue.updatedAt : null,
            },
          }
        : {}),
    };
  };

  const commentJson = (repo: RepoState, issue: IssueState, comment: CommentState) => ({
    id: comment.id,
    node_id: `IC_${comment.id}`,
    url: `${repoApi(repo)}/issues/comments/${comment.id}`,
    html_url: `${webUrl()}/${repo.fullName}/issues/${issue.number}#issuecomment-${comment.id}`,
    issue_url: `${repoApi(repo)}/issues/${issue.number}`,
    body: comment.body,
    user: userJson(comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: 'MEMBER',
  });

  // ---- Routing ----

  interface Reply {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
  }

  const notFound = (): Reply => ({ status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } });

  const paginate = (url: URL, items: unknown[], defaultPerPage = 30): Reply => {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? defaultPerPage) || defaultPerPage));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number) => {
      const target = new URL(`${baseUrl}${url.pathname}${url.search}`);
      target.searchParams.set('page', String(p));
      return target.href;
    };
    const links: string[] = [];
    if (page < last) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (page > 1) links.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`);
    return { status: 200, body: items.slice((page - 1) * perPage, page * perPage), headers: links.length ? { link: links.join(', ') } : {} };
  };

  const route = (method: string, url: URL): Reply => {
    if (method !== 'GET') return { status: 404, body: { message: 'Not Found', documentation_url: DOCS } };
    const path = url.pathname;
    let match: RegExpExecArray | null;

    // /repositories/:id/... is where GitHub redirects moved things; map it back to the repository.
    if ((match = /^\/repositories\/(\d+)(\/.*)?$/.exec(path))) {
      const repo = [...repos.values()].find((r) => r.id === Number(match![1]));
      if (!repo) return notFound();
      return route(method, new URL(`${baseUrl}/repos/${repo.fullName}${match[2] ?? ''}${url.search}`));
    }
    if (!(match = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path))) return notFound();
    const repo = repos.get(`${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}`.toLowerCase());
    if (!repo) return notFound();
    const rest = match[3] ?? '';

    if (rest === '') return { status: 200, body: repoJson(repo) };

    if ((match = /^\/branches\/(.+)$/.exec(rest))) {
      const name = decodeURIComponent(match[1]!);
      const sha = repo.branches.get(name);
      if (!sha) return { status: 404, body: { message: 'Branch not found', documentation_url: DOCS, status: '404' } };
      const commit = repo.commits.get(sha)!;
      const person = { name: 'Octo Cat', email: 'octocat@example.com', date: commit.date };
      return {
        status: 200,
        body: {
          name,
          commit: {
            sha,
            node_id: `C_${sha}`,
            url: `${repoApi(repo)}/commits/${sha}`,
            html_url: `${webUrl()}/${repo.fullName}/commit/${sha}`,
            commit: {
              author: person,
              committer: person,
              message: 'commit',
              tree: { sha: commit.treeSha, url: `${repoApi(repo)}/git/trees/${commit.treeSha}` },
              url: `${repoApi(repo)}/git/commits/${sha}`,
              comment_count: 0,
            },
            parents: commit.parent ? [{ sha: commit.parent, url: `${repoApi(repo)}/commits/${commit.parent}` }] : [],
            author: null,
            committer: null,
          },
          _links: { self: `${repoApi(repo)}/branches/${name}`, html: `${webUrl()}/${repo.fullName}/tree/${name}` },
          protected: false,
        },
      };
    }

    if ((match = /^\/git\/trees\/([0-9a-f]{40})$/.exec(rest))) {
      const root = match[1]!;
      if (!repo.trees.has(root)) return notFound();
      const recursive = url.searchParams.has('recursive');
      const flat: Array<Record<string, unknown>> = [];
      const walk = (sha: string, prefix: string) => {
        for (const entry of repo.trees.get(sha) ?? []) {
          const path = `${prefix}${entry.name}`;
          flat.push({
            path,
            mode: entry.mode,
            type: entry.type,
            sha: entry.sha,
            ...(entry.type === 'blob' ? { size: entry.size } : {}),
            url: `${repoApi(repo)}/git/${entry.type}s/${entry.sha}`,
          });
          if (recursive && entry.type === 'tree') walk(entry.sha, `${path}/`);
        }
      };
      walk(root, '');
      const truncated = flat.length > fake.maxTreeEntries;
      return { status: 200, body: { sha: root, url: `${repoApi(repo)}/git/trees/${root}`, tree: flat.slice(0, fake.maxTreeEntries), truncated } };
    }

    if ((match = /^\/git\/blobs\/([0-9a-f]{40})$/.exec(rest))) {
      const content = repo.blobs.get(match[1]!);
      if (!content) return notFound();
      const base64 = content.toString('base64').replace(/.{60}/g, '$&\n');
      return {
        status: 200,
        body: {
          sha: match[1],
          node_id: `B_${match[1]}`,
          size: content.length,
          url: `${repoApi(repo)}/git/blobs/${match[1]}`,
          content: base64,
          encoding: 'base64',
        },
      };
    }

    if (rest === '/issues') {
      const state = url.searchParams.get('state') ?? 'open';
      const since = url.searchParams.get('since');
      const sort = url.searchParams.get('sort') ?? 'created';
      const direction = url.searchParams.get('direction') ?? 'desc';
      let issues = [...repo.issues.values()];
      if (state !== 'all') issues = issues.filter((i) => i.state === state);
      if (since) issues = issues.filter((i) => i.updatedAt >= timestamp(new Date(since)));
      const key = (i: IssueState) =>
        sort === 'updated' ? i.updatedAt : sort === 'comments' ? String(i.comments.length).padStart(9, '0') : i.createdAt;
      issues.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.number - b.number));
      if (direction === 'desc') issues.reverse();
      return paginate(
        url,
        issues.map((i) => issueJson(repo, i)),
      );
    }

    if ((match = /^\/issues\/(\d+)(\/comments)?$/.exec(rest))) {
      const number = Number(match[1]);
      const moved = repo.moved.get(number);
      if (moved) {
        const location = `${baseUrl}/repositories/${moved.repoId}/issues/${moved.number}${match[2] ?? ''}`;
        return { status: 301, headers: { location }, body: { message: 'Moved Permanently', url: location, documentation_url: DOCS } };
      }
      if (repo.deleted.has(number)) return { status: 410, body: { message: 'This issue was deleted', documentation_url: DOCS, status: '410' } };
      const issue = repo.issues.get(number);
      if (!issue) return notFound();
      if (!match[2]) return { status: 200, body: issueJson(repo, issue) };
      return paginate(
        url,
        issue.comments.map((c) => commentJson(repo, issue, c)),
      );
    }

    return notFound();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const url = new URL(req.url ?? '/', baseUrl);
      const ifNoneMatch = req.headers['if-none-match'];
      const record: RecordedGithubRequest = {
        method: req.method ?? 'GET',
        path: `${url.pathname}${url.search}`,
        status: 0,
        conditional: typeof ifNoneMatch === 'string',
        authorization: req.headers.authorization,
      };
      requests.push(record);

      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      let reply: Reply;
      const index = queued.findIndex((q) => !q.match || q.match.test(record.path));
      if (index !== -1) {
        const canned = queued.splice(index, 1)[0]!;
        if (canned.delayMs) await new Promise((resolve) => setTimeout(resolve, canned.delayMs));
        reply = { status: canned.status, body: canned.body, headers: canned.headers };
      } else if (options.token && !isAuthorized(req.headers.authorization, options.token)) {
        reply = { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } };
      } else {
        reply = route(record.method, url);
      }

      const json = reply.body === undefined ? '' : JSON.stringify(reply.body);
      const etag = `W/"${createHash('sha1').update(json).digest('hex')}"`;
      const notModified = reply.status === 200 && typeof ifNoneMatch === 'string' && ifNoneMatch === etag;
      const status = notModified ? 304 : reply.status;
      if (status !== 304) rateLimitUsed += 1;
      record.status = status;

      const headers: Record<string, string> = {
        date: now().toUTCString(),
        'x-github-api-version-selected': '2022-11-28',
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': String(Math.max(0, 5000 - rateLimitUsed)),
        'x-ratelimit-used': String(rateLimitUsed),
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
        'x-ratelimit-resource': 'core',
        ...reply.headers,
      };
      if (reply.status === 200) headers.etag = etag;
      if (status === 304) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      if (json) headers['content-type'] = 'application/json; charset=utf-8';
      res.writeHead(status, headers);
      res.end(json);
    } finally {
      inFlight -= 1;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeGithub = {
    url: baseUrl,
    webUrl: webUrl(),
    requests,
    get rateLimitUsed() {
      return rateLimitUsed;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    maxTreeEntries: 100_000,
    createRepo(fullName, input = {}) {
      const repo: RepoState = {
        id: nextRepoId++,
        fullName,
        defaultBranch: input.defaultBranch ?? 'main',
        branches: new Map(),
        commits: new Map(),
        files: new Map(Object.entries(input.files ?? {}).map(([p, c]) => [p, toBuffer(c)])),
        trees: new Map(),
        blobs: new Map(),
        issues: new Map(),
        deleted: new Set(),
        moved: new Map(),
        nextNumber: 1,
      };
      repos.set(fullName.toLowerCase(), repo);
      // A repository created without files has no commits, hence no branch, as on GitHub.
      if (repo.files.size > 0) commitFiles(repo, repo.defaultBranch);
      for (const issue of input.issues ?? []) newIssue(repo, issue);
    },
    commit(fullName, change) {
      const repo = repoOf(fullName);
      for (const [from, to] of Object.entries(change.rename ?? {})) {
        const content = repo.files.get(from);
        if (!content) throw new Error(`fake GitHub: no file ${from} to rename`);
        repo.files.delete(from);
        repo.files.set(to, content);
      }
      for (const path of change.remove ?? []) repo.files.delete(path);
      for (const [path, content] of Object.entries(change.write ?? {})) repo.files.set(path, toBuffer(content));
      return commitFiles(repo, repo.defaultBranch);
    },
    setDefaultBranch(fullName, branch) {
      const repo = repoOf(fullName);
      repo.defaultBranch = branch;
      commitFiles(repo, branch);
    },
    addIssue(fullName, issue) {
      return newIssue(repoOf(fullName), issue).number;
    },
    updateIssue(fullName, number, patch) {
      const issue = repoOf(fullName).issues.get(number);
      if (!issue) throw new Error(`fake GitHub: no issue ${number}`);
      if (patch.title !== undefined) issue.title = patch.title;
      if (patch.body !== undefined) issue.body = patch.body;
      if (patch.labels !== undefined) issue.labels = patch.labels;
      if (patch.state !== undefined) {
        issue.state = patch.state;
        issue.closedAt = patch.state === 'closed' ? timestamp() : null;
      }
      if (patch.merged !== undefined) issue.merged = patch.merged;
      issue.updatedAt = patch.updatedAt ?? timestamp();
    },
    addComment(fullName, number, comment) {
      const issue = repoOf(fullName).issues.get(number);
      if (!issue) throw new Error(`fake GitHub: no issue ${number}`);
      const at = comment.createdAt ?? timestamp();
      issue.comments.push({ id: nextCommentId++, user: comment.user ?? 'octocat', body: comment.body, createdAt: at, updatedAt: at });
      issue.updatedAt = at;
    },
    deleteIssue(fullName, number) {
      const repo = repoOf(fullName);
      repo.issues.delete(number);
      repo.deleted.add(number);
    },
    transferIssue(fullName, number, toFullName) {
      const from = repoOf(fullName);
      const to = repoOf(toFullName);
      const issue = from.issues.get(number);
      if (!issue) throw new Error(`fake GitHub: no issue ${number}`);
      from.issues.delete(number);
      const moved = newIssue(to, {
        title: issue.title,
        body: issue.body,
        user: issue.user,
        labels: issue.labels,
        state: issue.state,
        updatedAt: timestamp(),
      });
      moved.comments = issue.comments;
      from.moved.set(number, { repoId: to.id, number: moved.number });
      return moved.number;
    },
    queue(...responses) {
      queued.push(...responses);
    },
    advanceClock(ms) {
      clockOffset += ms;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    resetRequests() {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return fake;
}

/** A repository of `files` Markdown documents (and optionally issues) for tests and the sync benchmark. */
export function addGeneratedRepository(fake: FakeGithub, fullName: string, counts: { files: number; issues?: number }): void {
  const files: Record<string, string> = { 'README.md': `# ${fullName}\n\nGenerated repository with ${counts.files} documents.\n` };
  for (let i = 1; i < counts.files; i++) {
    const topic = TOPICS[i % TOPICS.length]!;
    files[`docs/${topic}/page-${String(i).padStart(4, '0')}.md`] =
      `# ${topic} guide, part ${i}\n\nThis page explains how ${topic} works in release ${i % 17}.\n\n` +
      `## Details\n\nStep ${i}: configure the ${topic} service, then restart it. Owners: team-${i % 9}.\n`;
  }
  const issues: FakeIssueInput[] = [];
  for (let i = 0; i < (counts.issues ?? 0); i++) {
    issues.push({
      title: `Problem ${i} with ${TOPICS[i % TOPICS.length]}`,
      body: `Steps to reproduce problem ${i}.`,
      labels: i % 2 ? ['bug'] : ['question'],
      pull: i % 5 === 0,
      comments: i % 3 === 0 ? [{ body: `Looking into problem ${i}.` }] : [],
      createdAt: '2024-01-01T00:00:00Z',
      updatedAt: '2024-01-02T00:00:00Z',
    });
  }
  fake.createRepo(fullName, { files, issues });
}

const TOPICS = ['billing', 'deploys', 'search', 'auth', 'storage', 'alerts', 'backups', 'onboarding'];

function gitSha(type: 'blob' | 'tree', content: Buffer): string {
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content]))
    .digest('hex');
}

function sortKey(entry: TreeEntry): Buffer {
  return Buffer.from(entry.type === 'tree' ? `${entry.name}/` : entry.name);
}

function compareBytes(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}

function toBuffer(content: string | Buffer): Buffer {
  return typeof content === 'string' ? Buffer.from(content) : content;
}

function hashNumber(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0);
}

function isAuthorized(header: string | undefined, token: string): boolean {
  return header === `token ${token}` || header === `Bearer ${token}`;
}
