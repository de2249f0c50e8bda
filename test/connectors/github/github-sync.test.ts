import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../../app/config.ts';
import { createLogger } from '../../../app/logger.ts';
import { openRuntime, type Runtime } from '../../../app/runtime.ts';
import { createSyncService, type SyncService } from '../../../app/sync-service.ts';
import { SyncStateStore } from '../../../connectors/sync/sync-state-store.ts';
import { startFakeGemini, type FakeGemini } from '../../fakes/fake-gemini.ts';
import { startFakeGithub, type FakeGithub } from '../../fakes/fake-github.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { cleanSyncState as cleanSyncStateOf, indexState as indexStateOf } from '../../helpers/sync-index-state.ts';

// The GitHub connector through the sync engine, end to end: real index (SQLite + embedded Chroma), the real
// Octokit against the fake GitHub, embeddings from the fake Gemini. The steps build on each other like a
// repository's life: first sync, nothing changed, edits, a deletion and a rename, issues going away, a crash.

const REPO = 'acme/handbook';
const OLD = '2024-02-01T09:00:00Z';
const TUNING = { github: { retryAfterUnitMs: 10 } };

let gemini: FakeGemini;
let github: FakeGithub;
let runtime: Runtime;
let service: SyncService;
const tmp = tempDir('lore-github-sync-');

function configFor(dataDir: string): Config {
  fs.mkdirSync(path.join(tmp.dir, 'no-files'), { recursive: true });
  return loadConfig({
    LORE_DATA_DIR: dataDir,
    LORE_FILES_PATHS: path.join(tmp.dir, 'no-files'),
    LORE_EMBEDDER: 'gemini',
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: gemini.url,
    GITHUB_TOKEN: 'ghp_fake',
    GITHUB_API_URL: github.url,
    GITHUB_REPOS: 'Acme/Handbook',
  });
}

const indexState = (target: Runtime) => indexStateOf(target, 'github');
const cleanSyncState = () => cleanSyncStateOf(configFor(path.join(tmp.dir, `clean-${Date.now()}`)), 'github', TUNING);

const file = (name: string) => `github:${REPO}/files/${name}`;
const issue = (n: number) => `github:${REPO}/issues/${n}`;

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  github = await startFakeGithub({ token: 'ghp_fake' });
  github.createRepo(REPO, {
    files: {
      'README.md': '# Handbook\n\nHow the Acme team works.\n',
      'docs/oncall.md':
        '# On-call\n\nThe on-call engineer checks the pager every morning.\n\n## Escalation\n\nEscalate to the team lead after 30 minutes.\n',
      'docs/vacation.md': '# Vacation\n\nRequest vacation two weeks ahead in the HR tool.\n',
      'docs/glossary.rst': 'Glossary\n========\n\nSLO: service level objective.\n',
      'src/app.ts': 'export const app = 1;\n',
    },
    issues: [
      {
        title: 'Pager rota is unclear',
        body: 'Who covers weekends?',
        labels: ['docs'],
        user: 'alice',
        comments: [{ user: 'bob', body: 'Weekend cover rotates monthly.' }],
        createdAt: OLD,
        updatedAt: OLD,
      },
      { title: 'Add a deploy checklist', body: 'Adds docs/deploy.md.', pull: true, user: 'carol', createdAt: OLD, updatedAt: OLD },
      { title: 'Typo in vacation page', body: 'Fix "ahaed".', user: 'dave', createdAt: OLD, updatedAt: OLD },
    ],
  });
  runtime = await openRuntime(configFor(path.join(tmp.dir, 'data')), createLogger('silent'));
  service = createSyncService(runtime, TUNING);
}, 120_000);

afterAll(async () => {
  await runtime?.close();
  await github?.close();
  await gemini?.close();
  tmp.cleanup();
});

describe('syncing GitHub through the engine', () => {
  it('indexes the documentation files, issues and pull requests, with metadata for filters and citations', async () => {
    const [report] = await service.sync('github');
    expect(report).toMatchObject({ source: 'github', added: 7, updated: 0, unchanged: 0, deleted: 0, failed: [] });
    const state = await indexState(runtime);
    expect(state.docIds).toEqual(
      [file('README.md'), file('docs/glossary.rst'), file('docs/oncall.md'), file('docs/vacation.md'), issue(1), issue(2), issue(3)].sort(),
    );
    expect(state.vectors).toBe(state.chunkIds.length);

    const [oncall] = await runtime.chunks.getChunks(await runtime.chunks.chunkIdsOf(file('docs/oncall.md')));
    expect(oncall!.metadata).toMatchObject({
      source: 'github',
      repository: REPO,
      branch: 'main',
      kind: 'file',
      url: `${github.webUrl}/${REPO}/blob/main/docs/oncall.md`,
    });
    const [rota] = await runtime.chunks.getChunks(await runtime.chunks.chunkIdsOf(issue(1)));
    expect(rota!.metadata).toMatchObject({
      repository: REPO,
      kind: 'issue',
      number: 1,
      state: 'open',
      author: 'alice',
      labels: 'docs',
      url: `${github.webUrl}/${REPO}/issues/1`,
    });
    expect(rota!.metadata.modifiedAtMs).toBe(Date.parse(OLD));
    const hits = await runtime.chunks.searchLexical('weekend cover rotates', 3);
    expect((await runtime.chunks.getChunks([hits[0]!.id]))[0]!.docId).toBe(issue(1));
  });

  it('re-syncs an unchanged repository with two conditional requests and no change to the index', async () => {
    await service.sync('github');
    const before = await indexState(runtime);
    github.resetRequests();
    const [report] = await service.sync('github');
    expect(report).toMatchObject({ added: 0, updated: 0, deleted: 0, failed: [] });
    expect(github.requests.map((r) => [r.path.split('?')[0], r.status])).toEqual([
      [`/repos/${REPO}/branches/main`, 304],
      [`/repos/${REPO}/issues`, 304],
    ]);
    expect(await indexState(runtime)).toEqual(before);
  });

  it('picks up an edited file and a new comment, loading nothing else', async () => {
    github.commit(REPO, { write: { 'docs/oncall.md': '# On-call\n\nThe on-call engineer checks the pager at 9:00 and 17:00.\n' } });
    github.addComment(REPO, 3, { user: 'erin', body: 'Fixed in the latest commit.' });
    github.resetRequests();
    const [report] = await service.sync('github');
    expect(report).toMatchObject({ added: 0, updated: 2, deleted: 0, failed: [] });
    expect(github.requests.filter((r) => r.path.includes('/git/blobs/'))).toHaveLength(1);
    const text = (await runtime.chunks.getChunks(await runtime.chunks.chunkIdsOf(file('docs/oncall.md')))).map((c) => c.text).join('\n');
    expect(text).toContain('9:00 and 17:00');
    expect(text).not.toContain('every morning');
  });

  it('removes a deleted file and moves a renamed one', async () => {
    github.commit(REPO, { remove: ['docs/glossary.rst'], rename: { 'docs/vacation.md': 'people/vacation.md' } });
    const [report] = await service.sync('github');
    expect(report).toMatchObject({ added: 1, updated: 0, deleted: 2, failed: [] });
    const state = await indexState(runtime);
    expect(state.docIds).not.toContain(file('docs/glossary.rst'));
    expect(state.docIds).not.toContain(file('docs/vacation.md'));
    expect(state.docIds).toContain(file('people/vacation.md'));
    expect(state.vectors).toBe(state.chunkIds.length);
  });

  it('removes deleted and transferred issues at the next full listing', async () => {
    github.createRepo('acme/other', { files: { 'README.md': '# Other\n\nx\n' } });
    github.deleteIssue(REPO, 1);
    github.transferIssue(REPO, 3, 'acme/other');
    const [incremental] = await service.sync('github');
    expect(incremental!.deleted).toBe(0);
    const [full] = await service.sync('github', { full: true });
    expect(full).toMatchObject({ deleted: 2, failed: [] });
    expect((await indexState(runtime)).docIds.filter((id) => id.includes('/issues/'))).toEqual([issue(2)]);
    expect(await indexState(runtime)).toEqual(await cleanSyncState());
  });

  it('reports a file that cannot be read, keeps the rest, and reads it again only once it changes', async () => {
    const store = new SyncStateStore(runtime.sql);
    const cursorBefore = (await store.get('github')).cursor;
    github.commit(REPO, { write: { 'docs/broken.txt': Buffer.from([0x61, 0x00, 0x62]), 'docs/new.md': '# New\n\nA new page about badges.\n' } });
    const [failed] = await service.sync('github');
    expect(failed!.added).toBe(1);
    expect(failed!.failed).toEqual([{ path: file('docs/broken.txt'), error: `${REPO}/docs/broken.txt: binary data (contains NUL bytes), not text` }]);
    // Unusable content fails the same way every time: it does not hold the cursor back…
    const cursorAfter = (await store.get('github')).cursor;
    expect(cursorAfter).not.toEqual(cursorBefore);
    // …so the unchanged repository costs two conditional requests again, instead of a re-listing and a re-read.
    github.resetRequests();
    const [quiet] = await service.sync('github');
    expect(quiet).toMatchObject({ added: 0, updated: 0, failed: [] });
    expect(github.requests.map((r) => r.status)).toEqual([304, 304]);

    github.commit(REPO, { write: { 'docs/broken.txt': 'Readable now.\n' } });
    const [recovered] = await service.sync('github');
    expect(recovered).toMatchObject({ added: 1, failed: [] });
    expect((await store.get('github')).cursor).not.toEqual(cursorAfter);
  });

  it('resumes an interrupted sync and converges to exactly the chunks of a clean sync', async () => {
    github.commit(REPO, {
      write: Object.fromEntries(
        ['a', 'b', 'c', 'd'].map((name, i) => [`docs/batch-${name}.md`, `# Batch ${name}\n\nItem ${i}: rotate the ${name} keys.\n`]),
      ),
    });
    const controller = new AbortController();
    const interrupted = service.sync('github', {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.phase === 'indexing' && e.done === 2) controller.abort(new Error('killed mid-sync'));
      },
    });
    await expect(interrupted).rejects.toThrow(/killed mid-sync/);
    const [resumed] = await service.sync('github');
    expect(resumed!.failed).toEqual([]);
    // Documents finished before the crash are unchanged by fingerprint; only the rest are loaded.
    expect(resumed!.added).toBeGreaterThanOrEqual(1);
    expect(resumed!.added).toBeLessThan(4);
    expect(await indexState(runtime)).toEqual(await cleanSyncState());
  });
});
