import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.ts';
import { block, startFakeNotion, type FakeNotion, type FakeResponse } from '../fakes/fake-notion.ts';
import { readFixture } from '../helpers/fixture.ts';
import { runLore } from '../helpers/run-lore.ts';
import { tempDir } from '../helpers/temp-dir.ts';

// `lore sync` through the real command line: the JSON contract, exit codes and configuration errors.

let gemini: FakeGemini;
let notion: FakeNotion;
const tmp = tempDir('lore-sync-cli-');
const docs = path.join(tmp.dir, 'docs');

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  notion = await startFakeNotion();
  notion.addPage({ title: 'On-call', editedAt: '2024-05-01T10:00:00.000Z', blocks: [block.paragraph('The pager rotates every Monday.')] });
  fs.mkdirSync(docs);
  fs.writeFileSync(path.join(docs, 'a.md'), '# A\n\nFirst document.\n');
  fs.writeFileSync(path.join(docs, 'b.md'), '# B\n\nSecond document.\n');
});
afterAll(async () => {
  await notion?.close();
  await gemini?.close();
  tmp.cleanup();
});

const env = (extra: Record<string, string> = {}) => ({
  LORE_DATA_DIR: path.join(tmp.dir, 'data'),
  LORE_FILES_PATHS: docs,
  GEMINI_API_KEY: 'test-key',
  GEMINI_BASE_URL: gemini.url,
  ...extra,
});

/** A Notion workspace and a data directory of the test's own, so its failures reach no other test. */
async function withOwnNotion(dataDir: string, run: (workspace: FakeNotion, notionEnv: Record<string, string>) => Promise<void>): Promise<void> {
  const workspace = await startFakeNotion();
  try {
    await run(workspace, env({ LORE_DATA_DIR: path.join(tmp.dir, dataDir), NOTION_TOKEN: 'secret_fake', NOTION_BASE_URL: workspace.url }));
  } finally {
    await workspace.close();
  }
}

describe('lore sync', () => {
  it('syncs the configured files and prints the ingest contract, then only what changed', async () => {
    const first = await runLore(['sync', 'files', '--json'], env());
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ added: 2, updated: 0, unchanged: 0, deleted: 0, failed: [] });

    fs.rmSync(path.join(docs, 'b.md'));
    fs.writeFileSync(path.join(docs, 'bad.docx'), 'PK\u0003\u0004 not really a zip');
    const second = await runLore(['sync', 'files', '--json'], env());
    expect(second.code).toBe(3);
    const summary = JSON.parse(second.stdout);
    expect(summary).toMatchObject({ added: 0, updated: 0, unchanged: 1, deleted: 1 });
    expect(summary.failed).toEqual([{ path: path.join(docs, 'bad.docx'), error: expect.any(String) }]);
  }, 120_000);

  it('syncs every configured source with `all`: totals in the contract shape plus each source', async () => {
    fs.rmSync(path.join(docs, 'bad.docx'));
    const run = await runLore(['sync', '--json'], env({ NOTION_TOKEN: 'secret_fake', NOTION_BASE_URL: notion.url }));
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout);
    expect(output).toMatchObject({ added: 1, updated: 0, unchanged: 1, deleted: 0, failed: [] });
    expect(output.sources).toEqual([
      { source: 'files', added: 0, updated: 0, unchanged: 1, deleted: 0, failed: [], durationMs: expect.any(Number) },
      { source: 'notion', added: 1, updated: 0, unchanged: 0, deleted: 0, failed: [], durationMs: expect.any(Number) },
    ]);
    const human = await runLore(['sync', 'notion'], env({ NOTION_TOKEN: 'secret_fake', NOTION_BASE_URL: notion.url }));
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/^notion: added 0, updated 0, unchanged 1, deleted 0, failed 0 \(\d+\.\d s\)$/m);
  }, 120_000);

  it('prints the summary with the failure on stdout when a sync stops early (Notion 429s until the retries stop)', async () => {
    await withOwnNotion('data-429', async (limited, notionEnv) => {
      limited.addPage({ title: 'Runbook', editedAt: '2024-05-01T10:00:00.000Z', blocks: [block.paragraph('Restart the worker.')] });
      const { status, headers, body } = readFixture<FakeResponse>('notion/rate-limited-429.json');
      limited.fail((r) => r.path === '/v1/search', { status, headers, body }, Infinity);

      const one = await runLore(['sync', 'notion', '--json'], notionEnv);
      expect(one.code).toBe(1);
      expect(JSON.parse(one.stdout)).toEqual({
        added: 0,
        updated: 0,
        unchanged: 0,
        deleted: 0,
        failed: [{ path: 'notion', error: expect.stringMatching(/Notion search .*rate limited/i) }],
      });
      expect(one.stderr).toMatch(/rate limited/i);

      // With `all`, the sources that finished are there too.
      const all = await runLore(['sync', 'all', '--json'], notionEnv);
      const output = JSON.parse(all.stdout);
      expect(output.sources.map((s: { source: string }) => s.source)).toEqual(['files', 'notion']);
      expect(output.failed).toEqual([{ path: 'notion', error: expect.stringMatching(/rate limited/i) }]);
    });
  }, 120_000);

  it('keeps what the Notion search found when the trash search fails, with the failed step in the summary', async () => {
    await withOwnNotion('data-trash', async (workspace, notionEnv) => {
      const page = workspace.addPage({ title: 'Deploys', editedAt: '2024-05-01T10:00:00.000Z', blocks: [block.paragraph('Deploys run at noon.')] });
      expect((await runLore(['sync', 'notion', '--json'], notionEnv)).code).toBe(0);

      workspace.editPage(page, { editedAt: '2024-05-02T10:00:00.000Z', blocks: [block.paragraph('Deploys run at two.')] });
      const recorded = readFixture('notion/retrieve_page_wrong_format.json');
      workspace.fail(
        (r) => r.path === '/v1/search' && JSON.stringify(r.body.filter ?? {}).includes('in_trash'),
        { status: 400, body: recorded },
        Infinity,
      );
      const run = await runLore(['sync', 'notion', '--json'], notionEnv);
      expect(run.code).toBe(3);
      expect(JSON.parse(run.stdout)).toEqual({
        added: 0,
        updated: 1,
        unchanged: 0,
        deleted: 0,
        failed: [
          {
            path: 'notion:trash',
            error: expect.stringMatching(/^searching the trash for pages deleted since .* failed \(HTTP 400\): path failed validation/),
          },
        ],
      });
    });
  }, 120_000);

  it('exits 1 naming the variable when the source is not configured', async () => {
    const run = await runLore(['sync', 'notion', '--json'], env());
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/Cannot sync notion: it is not configured \(set NOTION_TOKEN\)/);
  }, 60_000);
});
