import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.ts';
import { block, startFakeNotion, type FakeNotion } from '../fakes/fake-notion.ts';
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

  it('exits 1 naming the variable when the source is not configured', async () => {
    const run = await runLore(['sync', 'notion', '--json'], env());
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/Cannot sync notion: it is not configured \(set NOTION_TOKEN\)/);
  }, 60_000);
});
