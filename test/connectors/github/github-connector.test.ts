import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_GITHUB_PATHS } from '../../../app/config.ts';
import type { SourceListing, SyncCursor } from '../../../connectors/connector.ts';
import { createGithubConnector, type GithubConnectorOptions } from '../../../connectors/github/github-connector.ts';
import type { DocumentCandidate, ListingFailure } from '../../../rag/index/indexer.ts';
import { readFixture } from '../../helpers/fixture.ts';
import { startFakeGithub, type FakeGithub } from '../../fakes/fake-github.ts';

// The GitHub connector through the real Octokit (with the throttling plugin) against a local fake of the REST API:
// what it lists, how it fingerprints, what it declares complete, what it remembers, and what each sync costs.

const TOKEN = 'ghp_testtoken1234567890';

interface GithubFixture {
  response: { status: number; headers: Record<string, string>; body: unknown };
}
const githubFixture = (file: string) => readFixture<GithubFixture>(`github/${file}`);
const OLD = '2024-03-01T10:00:00Z';

let fake: FakeGithub;
const silent = pino({ level: 'silent' });
const signal = new AbortController().signal;

beforeAll(async () => {
  fake = await startFakeGithub({ token: TOKEN });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.resetRequests());

let repoCounter = 0;
/** Each test gets its own repository, so tests never see each other's changes. */
function newRepo(files: Record<string, string | Buffer>, issues: Parameters<FakeGithub['addIssue']>[1][] = []): string {
  const name = `acme/repo-${++repoCounter}`;
  fake.createRepo(name, { files, issues });
  return name;
}

function connectorFor(repos: string[], options: GithubConnectorOptions & { paths?: string[]; issues?: boolean } = {}) {
  const { paths = DEFAULT_GITHUB_PATHS, issues = true, ...rest } = options;
  return createGithubConnector({ token: TOKEN, apiUrl: fake.url, repos, paths, issues }, silent, { retryAfterUnitMs: 20, ...rest });
}

function list(connector: ReturnType<typeof connectorFor>, cursor: SyncCursor = {}, full = false): Promise<SourceListing> {
  return connector.list({ cursor, full, signal });
}

const candidates = (listing: SourceListing) => listing.inputs.filter((i): i is DocumentCandidate => !('error' in i));
const failures = (listing: SourceListing) => listing.inputs.filter((i): i is ListingFailure => 'error' in i);
const ids = (listing: SourceListing) =>
  candidates(listing)
    .map((c) => c.id)
    .sort();
const byId = (listing: SourceListing, id: string) => {
  const found = candidates(listing).find((c) => c.id === id);
  if (!found) throw new Error(`no candidate ${id} in ${ids(listing).join(', ')}`);
  return found;
};

const DOCS = {
  'README.md': '# Widgets\n\nWidgets make dashboards.\n',
  'docs/guide.md': '---\ntitle: Setup guide\n---\n# Ignored heading\n\nRun the installer.\n',
  'docs/api.rst': 'API\n===\n\nCall the endpoint.\n',
  'docs/notes.txt': 'Plain notes.\n',
  'docs/empty.md': '',
  'src/index.ts': 'export const x = 1;\n',
  'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
  '.github/CONTRIBUTING.md': '# Contributing\n',
};

describe('listing repository files', () => {
  it('lists the files matching the globs, fingerprinted by blob SHA, and loads them as cited documents', async () => {
    const repo = newRepo(DOCS);
    const listing = await list(connectorFor([repo], { issues: false }));
    expect(ids(listing)).toEqual([
      `github:${repo}/files/README.md`,
      `github:${repo}/files/docs/api.rst`,
      `github:${repo}/files/docs/guide.md`,
      `github:${repo}/files/docs/notes.txt`,
    ]);
    expect(failures(listing)).toEqual([]);
    expect(byId(listing, `github:${repo}/files/README.md`).fingerprint).toMatch(/^[0-9a-f]{40}@main$/);
    // Everything configured was listed in full, so documents of any other repository are stale.
    expect(listing.completeUnder).toEqual(['github:']);

    const guide = await byId(listing, `github:${repo}/files/docs/guide.md`).load();
    expect(guide).toMatchObject({
      id: `github:${repo}/files/docs/guide.md`,
      source: 'github',
      title: 'Setup guide',
      url: `${fake.webUrl}/${repo}/blob/main/docs/guide.md`,
      path: 'docs/guide.md',
      format: 'markdown',
      metadata: { repository: repo, branch: 'main', kind: 'file' },
    });
    expect(guide.text).toContain('Run the installer.');
    expect(guide.text).not.toContain('title: Setup guide');
    // A first sync cannot date a file (only a commit that changed it could).
    expect(guide.modifiedAt).toBeUndefined();

    const rst = await byId(listing, `github:${repo}/files/docs/api.rst`).load();
    expect(rst).toMatchObject({ format: 'text', title: `docs/api.rst (${repo})` });
    expect(fake.requests.filter((r) => r.path.includes('/git/blobs/'))).toHaveLength(2);
  });

  it('sends the token and makes requests one at a time', async () => {
    const repo = newRepo(DOCS);
    const listing = await list(connectorFor([repo]));
    // Slow answers, and every load at once: requests would overlap if the client allowed it.
    fake.setLatency(30);
    try {
      await Promise.all(candidates(listing).map((c) => c.load()));
    } finally {
      fake.setLatency(0);
    }
    expect(fake.requests.length).toBeGreaterThan(4);
    expect(fake.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
    expect(fake.maxInFlight).toBe(1);
  });

  it('costs one conditional request for an unchanged repository, and a 304 costs no rate limit', async () => {
    const repo = newRepo(DOCS);
    const connector = connectorFor([repo], { issues: false });
    const first = await list(connector);
    fake.resetRequests();

    const second = await list(connector, first.cursor);
    expect(second.inputs).toEqual([]);
    // Nothing listed, so nothing declared complete (but the issues it was told not to index).
    expect(second.completeUnder).toEqual([`github:${repo}/issues/`]);
    expect(second.deleted).toEqual([]);
    expect(fake.requests.map((r) => [r.path, r.status, r.conditional])).toEqual([[`/repos/${repo}/branches/main`, 304, true]]);

    const used = fake.rateLimitUsed;
    await list(connector, second.cursor);
    expect(fake.rateLimitUsed).toBe(used);
  });

  it('re-lists the tree when a commit changes it: only the edited file gets a new fingerprint, dated by the commit', async () => {
    const repo = newRepo(DOCS);
    const connector = connectorFor([repo], { issues: false });
    const first = await list(connector);
    fake.commit(repo, { write: { 'docs/guide.md': '# Setup guide\n\nRun the new installer.\n' } });

    const second = await list(connector, first.cursor);
    const changed = candidates(second).filter((c) => byId(first, c.id).fingerprint !== c.fingerprint);
    expect(changed.map((c) => c.id)).toEqual([`github:${repo}/files/docs/guide.md`]);
    expect(second.completeUnder).toEqual(['github:']);
    const guide = await changed[0]!.load();
    expect(guide.text).toContain('Run the new installer.');
    expect(guide.modifiedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('drops deleted files and lists a renamed one under its new path with the same content fingerprint', async () => {
    const repo = newRepo(DOCS);
    const connector = connectorFor([repo], { issues: false });
    const first = await list(connector);
    fake.commit(repo, { remove: ['docs/notes.txt'], rename: { 'docs/api.rst': 'reference/api.rst' } });

    const second = await list(connector, first.cursor);
    expect(ids(second)).toEqual([`github:${repo}/files/README.md`, `github:${repo}/files/docs/guide.md`, `github:${repo}/files/reference/api.rst`]);
    expect(byId(second, `github:${repo}/files/reference/api.rst`).fingerprint).toBe(byId(first, `github:${repo}/files/docs/api.rst`).fingerprint);
    // The engine deletes stored files under this prefix that are no longer listed.
    expect(second.completeUnder).toEqual(['github:']);
  });

  it('re-lists an unchanged tree when the globs change', async () => {
    const repo = newRepo(DOCS);
    const first = await list(connectorFor([repo], { issues: false }));
    const second = await list(connectorFor([repo], { issues: false, paths: ['src/**', '!**/*.md'] }), first.cursor);
    expect(ids(second)).toEqual([`github:${repo}/files/src/index.ts`]);
    expect(await byId(second, `github:${repo}/files/src/index.ts`).load()).toMatchObject({ format: 'code', language: 'typescript' });
  });

  it('skips files over the size limit and reports a file whose bytes are not text', async () => {
    const repo = newRepo({ 'big.md': `# Big\n\n${'x'.repeat(5000)}`, 'bad.txt': Buffer.from([0x66, 0x00, 0x67]), 'ok.md': '# OK\n\nfine' });
    const listing = await list(connectorFor([repo], { issues: false, maxFileBytes: 1000 }));
    expect(ids(listing)).toEqual([`github:${repo}/files/bad.txt`, `github:${repo}/files/ok.md`]);
    await expect(byId(listing, `github:${repo}/files/bad.txt`).load()).rejects.toThrow(`${repo}/bad.txt: binary data`);
  });

  it('lists a tree GitHub truncates folder by folder, and never reads a truncated listing as deletions', async () => {
    const files: Record<string, string> = {};
    for (const folder of ['a', 'b', 'c']) for (let i = 0; i < 4; i++) files[`${folder}/doc-${i}.md`] = `# ${folder} ${i}\n\ntext`;
    const repo = newRepo(files);
    fake.maxTreeEntries = 8;
    try {
      const walked = await list(connectorFor([repo], { issues: false }));
      expect(ids(walked)).toHaveLength(12);
      expect(walked.completeUnder).toEqual(['github:']);
      expect(failures(walked)).toEqual([]);

      const partial = await list(connectorFor([repo], { issues: false, maxSubtreeReads: 0 }));
      expect(partial.completeUnder).toEqual([`github:${repo}/issues/`]);
      expect(failures(partial).map((f) => [f.location, f.error.message])).toEqual([
        [`github:${repo}/files/`, expect.stringMatching(/too large to list in full/)],
      ]);
      expect(JSON.parse(partial.cursor[`repo:${repo}`]!)).not.toHaveProperty('treeSha');
    } finally {
      fake.maxTreeEntries = 100_000;
    }
  });

  it('treats a repository without commits as having no files', async () => {
    const repo = newRepo({});
    const listing = await list(connectorFor([repo], { issues: false }));
    expect(listing.inputs).toEqual([]);
    expect(listing.completeUnder).toEqual(['github:']);
  });

  it('follows a new default branch: files are re-listed and links point to it', async () => {
    const repo = newRepo(DOCS);
    let clock = new Date('2030-01-01T00:00:00Z');
    const connector = connectorFor([repo], { issues: false, now: () => clock });
    const first = await list(connector);
    fake.setDefaultBranch(repo, 'trunk');
    // Repository metadata is re-read once a day: until then the old branch, unchanged, is all it costs.
    const sameDay = await list(connector, first.cursor);
    expect(sameDay.inputs).toEqual([]);
    clock = new Date('2030-01-02T01:00:00Z');
    const second = await list(connector, sameDay.cursor);
    expect(second.completeUnder).toEqual(['github:']);
    const readme = byId(second, `github:${repo}/files/README.md`);
    expect(readme.fingerprint).toMatch(/@trunk$/);
    expect((await readme.load()).url).toBe(`${fake.webUrl}/${repo}/blob/trunk/README.md`);
  });
});

describe('listing issues and pull requests', () => {
  const ISSUES = [
    {
      title: 'Login fails',
      body: 'Steps: click login.',
      labels: ['bug', 'auth'],
      user: 'alice',
      comments: [{ user: 'bob', body: 'Reproduced.' }],
      createdAt: OLD,
      updatedAt: OLD,
    },
    {
      title: 'Add dark mode',
      body: 'Implements it.',
      pull: true,
      merged: true,
      state: 'closed' as const,
      user: 'carol',
      createdAt: OLD,
      updatedAt: OLD,
    },
    { title: 'Question about billing', createdAt: OLD, updatedAt: OLD },
  ];

  it('turns issues and pull requests with their comments into documents with metadata', async () => {
    const repo = newRepo({ 'README.md': '# R\n\nr' }, ISSUES);
    const listing = await list(connectorFor([repo]));
    expect(ids(listing)).toEqual(
      [`github:${repo}/files/README.md`, `github:${repo}/issues/1`, `github:${repo}/issues/2`, `github:${repo}/issues/3`].sort(),
    );
    const bug = await byId(listing, `github:${repo}/issues/1`).load();
    expect(bug).toMatchObject({
      title: 'Login fails (#1)',
      url: `${fake.webUrl}/${repo}/issues/1`,
      source: 'github',
      modifiedAt: OLD,
      metadata: { repository: repo, kind: 'issue', number: 1, state: 'open', author: 'alice', labels: 'bug,auth', createdAt: OLD },
    });
    expect(bug.text).toContain('Steps: click login.');
    expect(bug.text).toContain('## Comment by @bob on 2024-03-01\n\nReproduced.');

    const pull = await byId(listing, `github:${repo}/issues/2`).load();
    expect(pull).toMatchObject({ url: `${fake.webUrl}/${repo}/pull/2`, metadata: { kind: 'pull', state: 'merged', author: 'carol' } });
    // No comments, no request for them.
    expect(fake.requests.filter((r) => r.path.includes('/comments'))).toHaveLength(1);
  });

  it('lists only issues updated since the last sync, and an unchanged listing ends up a free 304', async () => {
    const repo = newRepo({ 'README.md': '# R\n\nr' }, ISSUES);
    const connector = connectorFor([repo]);
    const first = await list(connector);
    const second = await list(connector, first.cursor);
    expect(second.inputs).toEqual([]);
    fake.resetRequests();
    const third = await list(connector, second.cursor);
    expect(third.inputs).toEqual([]);
    expect(fake.requests.map((r) => r.status)).toEqual([304, 304]);
    expect(fake.requests[1]!.path).toMatch(/\/issues\?.*since=/);

    fake.addComment(repo, 1, { user: 'dave', body: 'Fixed in 2.1.' });
    const fourth = await list(connector, third.cursor);
    expect(ids(fourth)).toEqual([`github:${repo}/issues/1`]);
    expect(byId(fourth, `github:${repo}/issues/1`).fingerprint).not.toBe(byId(first, `github:${repo}/issues/1`).fingerprint);
    expect((await byId(fourth, `github:${repo}/issues/1`).load()).text).toContain('Fixed in 2.1.');
    // An incremental listing cannot see deletions: it declares nothing complete.
    expect(fourth.completeUnder).toEqual([]);
  });

  it('pages through long listings and comment threads with Link headers', async () => {
    const many = Array.from({ length: 230 }, (_, i) => ({ title: `Issue ${i}`, createdAt: OLD, updatedAt: OLD }));
    const repo = newRepo({ 'README.md': '# R\n\nr' }, many);
    for (let i = 0; i < 150; i++) fake.addComment(repo, 7, { body: `comment ${i}`, createdAt: OLD });
    const listing = await list(connectorFor([repo]));
    expect(ids(listing).filter((id) => id.includes('/issues/'))).toHaveLength(230);
    expect(fake.requests.filter((r) => r.path.includes('/issues?'))).toHaveLength(3);
    const thread = await byId(listing, `github:${repo}/issues/7`).load();
    expect(thread.text).toContain('comment 0');
    expect(thread.text).toContain('comment 149');
  });

  it('finds deleted and transferred issues on a full listing', async () => {
    const repo = newRepo({ 'README.md': '# R\n\nr' }, ISSUES);
    const elsewhere = newRepo({ 'README.md': '# E\n\ne' });
    const connector = connectorFor([repo]);
    const first = await list(connector);
    fake.deleteIssue(repo, 1);
    fake.transferIssue(repo, 3, elsewhere);

    const incremental = await list(connector, first.cursor);
    expect(incremental.completeUnder).toEqual([]);

    const full = await list(connector, incremental.cursor, true);
    expect(ids(full).filter((id) => id.includes('/issues/'))).toEqual([`github:${repo}/issues/2`]);
    expect(full.completeUnder).toEqual(['github:']);
  });

  it('lists issues in full once a day, without --full', async () => {
    const repo = newRepo({ 'README.md': '# R\n\nr' }, ISSUES);
    let clock = new Date('2030-01-01T00:00:00Z');
    const connector = connectorFor([repo], { now: () => clock });
    const first = await list(connector);
    fake.deleteIssue(repo, 1);
    clock = new Date('2030-01-01T12:00:00Z');
    const halfDay = await list(connector, first.cursor);
    expect(halfDay.completeUnder).toEqual([]);
    clock = new Date('2030-01-02T00:00:01Z');
    const nextDay = await list(connector, halfDay.cursor);
    expect(nextDay.completeUnder).toContain(`github:${repo}/issues/`);
    expect(ids(nextDay)).not.toContain(`github:${repo}/issues/1`);
  });

  it('reports an issue that disappears between listing and loading, and lists it as deleted next time', async () => {
    const repo = newRepo({ 'README.md': '# R\n\nr' }, ISSUES);
    const elsewhere = newRepo({ 'README.md': '# E\n\ne' });
    const connector = connectorFor([repo]);
    const listing = await list(connector);
    fake.deleteIssue(repo, 1);
    await expect(byId(listing, `github:${repo}/issues/1`).load()).rejects.toThrow(/no longer exists upstream \(HTTP 410\)/);
    fake.addComment(repo, 3, { body: 'moving this' });
    const again = await list(connector, listing.cursor);
    expect(again.deleted).toEqual([`github:${repo}/issues/1`]);
    fake.transferIssue(repo, 3, elsewhere);
    await expect(byId(again, `github:${repo}/issues/3`).load()).rejects.toThrow(/moved to another repository \(HTTP 301/);

    const next = await list(connector, again.cursor);
    expect(next.deleted).toEqual([`github:${repo}/issues/3`]);
  });

  it('deletes indexed issues once issues are turned off', async () => {
    const repo = newRepo({ 'README.md': '# R\n\nr' }, ISSUES);
    const first = await list(connectorFor([repo]));
    const off = await list(connectorFor([repo], { issues: false }), first.cursor);
    expect(off.inputs).toEqual([]);
    expect(off.completeUnder).toEqual([`github:${repo}/issues/`]);
  });
});

describe('failures, limits and configuration changes', () => {
  it('waits out a secondary rate limit (403 and 429 with Retry-After) and goes on', async () => {
    const repo = newRepo(DOCS);
    const message = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
    fake.queue(
      { match: /\/branches\//, status: 403, headers: { 'retry-after': '1' }, body: { message } },
      { match: /\/git\/trees\//, status: 429, headers: { 'retry-after': '1' }, body: { message } },
    );
    const started = Date.now();
    const listing = await list(
      createGithubConnector({ token: TOKEN, apiUrl: fake.url, repos: [repo], paths: ['**/*.md'], issues: false }, silent, { retryAfterUnitMs: 1000 }),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(failures(listing)).toEqual([]);
    expect(ids(listing)).toHaveLength(2);
    expect(fake.requests.filter((r) => r.path.includes('/branches/')).map((r) => r.status)).toEqual([403, 200]);
  });

  it('reports a primary rate limit (403, no requests left) as rate limited until its reset, not as a permissions problem', async () => {
    const repo = newRepo(DOCS);
    const { response } = githubFixture('primary-rate-limit-403.json');
    const reset = Math.floor(Date.now() / 1000) + 3600;
    fake.queue({ match: /\/branches\//, ...response, headers: { ...response.headers, 'x-ratelimit-reset': String(reset) } });
    const listing = await list(connectorFor([repo], { issues: false, maxRetryWaitSeconds: 60 }));
    const until = new Date(reset * 1000).toISOString();
    expect(failures(listing).map((f) => [f.location, f.error.message])).toEqual([
      [`github:${repo}/files/`, expect.stringContaining(`listing files: rate limited until ${until} (403 API rate limit exceeded`)],
    ]);
    expect(failures(listing)[0]!.error.message).not.toMatch(/forbidden|GITHUB_TOKEN/);
    expect(listing.completeUnder).toEqual([`github:${repo}/issues/`]);
  });

  it.each(['secondary-rate-limit-403.json', 'rate-limit-429-retry-after.json'])(
    'reports a rate limit whose retry-after is too long (%s) as rate limited until then',
    async (file) => {
      const repo = newRepo(DOCS);
      const { response } = githubFixture(file);
      fake.queue({ match: /\/branches\//, ...response });
      const before = Date.now();
      const listing = await list(connectorFor([repo], { issues: false, maxRetryWaitSeconds: 60 }));
      const [failure] = failures(listing);
      const match = /listing files: rate limited until (\S+) \((\d+) /.exec(failure?.error.message ?? '');
      expect(match, failure?.error.message).not.toBeNull();
      expect(Number(match![2])).toBe(response.status);
      // retry-after counts from the answer: an hour after the request, give or take the request itself.
      const until = Date.parse(match![1]!);
      expect(until).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
      expect(until).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);
      expect(failure!.error.message).not.toMatch(/forbidden|GITHUB_TOKEN/);
    },
  );

  it('retries server errors and timeouts with backoff', async () => {
    const repo = newRepo(DOCS);
    fake.queue(
      { match: /\/branches\//, status: 502, body: { message: 'Server Error' } },
      { match: /\/git\/trees\//, status: 200, body: {}, delayMs: 1500 },
    );
    const listing = await list(connectorFor([repo], { issues: false, timeoutMs: 500 }));
    expect(failures(listing)).toEqual([]);
    expect(ids(listing)).toHaveLength(4);
  });

  it('reports a repository it cannot read and still lists the others', async () => {
    const good = newRepo(DOCS);
    const listing = await list(connectorFor(['acme/missing', good]));
    expect(failures(listing).map((f) => [f.location, f.error.message])).toEqual([
      ['github:acme/missing/', 'acme/missing: reading the repository: not found (404); check the name and that GITHUB_TOKEN can read it'],
    ]);
    expect(ids(listing)).toContain(`github:${good}/files/README.md`);
    expect(listing.completeUnder).toEqual([`github:${good}/files/`, `github:${good}/issues/`]);
  });

  it('says when the token is rejected, without ever logging it', async () => {
    const repo = newRepo(DOCS);
    const lines: string[] = [];
    const log = pino(
      { level: 'trace' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const connector = createGithubConnector({ token: 'ghp_wrong_secret_value', apiUrl: fake.url, repos: [repo], paths: ['**'], issues: true }, log);
    const listing = await connector.list({ cursor: {}, full: false, signal });
    expect(failures(listing)[0]!.error.message).toMatch(/GitHub rejected GITHUB_TOKEN \(401 Bad credentials/);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('ghp_wrong_secret_value');
    expect(failures(listing)[0]!.error.message).not.toContain('ghp_wrong_secret_value');
  });

  it('removes the documents of a repository dropped from GITHUB_REPOS', async () => {
    const kept = newRepo(DOCS);
    const dropped = newRepo(DOCS);
    const first = await list(connectorFor([kept, dropped]));
    const second = await list(connectorFor([kept]), first.cursor);
    expect(second.completeUnder).toContain(`github:${dropped}/`);
    expect(Object.keys(second.cursor)).toEqual([`repo:${kept}`]);
  });

  it('stops when the sync is cancelled', async () => {
    const repo = newRepo(DOCS);
    const controller = new AbortController();
    fake.queue({ match: new RegExp(`^/repos/${repo}$`), status: 200, body: {}, delayMs: 2000 });
    const started = Date.now();
    const listing = connectorFor([repo]).list({ cursor: {}, full: false, signal: controller.signal });
    await vi.waitFor(() => expect(fake.requests.map((r) => r.path)).toContain(`/repos/${repo}`));
    controller.abort(new Error('sync cancelled'));
    await expect(listing).rejects.toThrow('sync cancelled');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('starts over from a damaged cursor instead of failing', async () => {
    const repo = newRepo(DOCS);
    const listing = await list(connectorFor([repo], { issues: false }), { [`repo:${repo}`]: '{not json', unrelated: 'x' });
    expect(ids(listing)).toHaveLength(4);
  });
});
