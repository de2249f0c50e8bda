import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestPaths } from '../../app/commands/ingest.ts';
import { loadConfig } from '../../app/config.ts';
import { createLogger } from '../../app/logger.ts';
import { openRuntime, type Runtime } from '../../app/runtime.ts';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.ts';
import { tempDir } from '../helpers/temp-dir.ts';

// The whole ingestion path as `lore ingest` runs it — real loaders, chunker, SQLite and embedded
// Chroma — with embeddings from the real Gemini SDK against a local fake, so every embedding request
// can be counted.

let gemini: FakeGemini;
let tmp: ReturnType<typeof tempDir>;
let kb: string;
let runtime: Runtime | undefined;

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
});
afterAll(async () => {
  await gemini.close();
});
beforeEach(() => {
  tmp = tempDir('lore-ingest-');
  kb = path.join(tmp.dir, 'kb');
  fs.cpSync('datasets/sample-kb', kb, { recursive: true });
});
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  tmp.cleanup();
});

async function open(env: Record<string, string> = {}): Promise<Runtime> {
  await runtime?.close();
  const config = loadConfig({
    LORE_DATA_DIR: path.join(tmp.dir, 'data'),
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: gemini.url,
    ...env,
  });
  runtime = await openRuntime(config, createLogger('silent'));
  return runtime;
}

function embeddedTexts(): number {
  return gemini.requests.reduce((sum, r) => sum + r.texts.length, 0);
}

async function expectStoresAgree(rt: Runtime): Promise<number> {
  const { chunks } = await rt.chunks.counts();
  expect(await rt.vectors.count()).toBe(chunks);
  return chunks;
}

describe('ingesting files', () => {
  it('indexes every supported file of a folder into SQLite and Chroma', async () => {
    const rt = await open();
    const summary = await ingestPaths(rt, [kb], false);
    const files = fs.readdirSync(kb, { recursive: true }).filter((f) => fs.statSync(path.join(kb, String(f))).isFile());
    expect(summary).toMatchObject({ added: files.length, updated: 0, unchanged: 0, deleted: 0, failed: [] });
    expect(await expectStoresAgree(rt)).toBeGreaterThan(files.length);
    const hits = await rt.chunks.searchLexical('zip bombs decompressed DOCX', 3);
    const top = (await rt.chunks.getChunks([hits[0]!.id]))[0]!;
    expect(top.metadata).toMatchObject({ source: 'files', title: 'Configuration reference', extension: 'md' });
    expect(top.text).toContain('LORE_MAX_DECOMPRESSED_MB');
    expect(top.metadata.headingPath).toMatch(/^Configuration reference/);
  });

  it('does nothing on a re-run over unchanged files, even when their mtime changes', async () => {
    const rt = await open();
    const first = await ingestPaths(rt, [kb], false);
    const before = embeddedTexts();
    const again = await ingestPaths(rt, [kb], false);
    expect(again).toEqual({ added: 0, updated: 0, unchanged: first.added, deleted: 0, failed: [], retryableFailures: 0 });
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(kb, 'faq.md'), later, later);
    const touched = await ingestPaths(rt, [kb], false);
    expect(touched.unchanged).toBe(first.added);
    expect(embeddedTexts()).toBe(before);
  });

  it('re-embeds only the changed chunks of an edited file and drops its stale chunks', async () => {
    const rt = await open();
    await ingestPaths(rt, [kb], false);
    const faq = path.join(kb, 'faq.md');
    const docId = `files:${faq}`;
    const oldIds = await rt.chunks.chunkIdsOf(docId);
    fs.appendFileSync(faq, '\n## Can Lore read spreadsheets?\n\nNot yet: export them to CSV and ingest the CSV file.\n');
    const before = embeddedTexts();
    const summary = await ingestPaths(rt, [kb], false);
    expect(summary).toMatchObject({ updated: 1, added: 0, deleted: 0 });
    const newIds = await rt.chunks.chunkIdsOf(docId);
    expect(newIds).not.toEqual(oldIds);
    expect(embeddedTexts() - before).toBeLessThanOrEqual(newIds.filter((id) => !oldIds.includes(id)).length);
    await expectStoresAgree(rt);
    expect((await rt.chunks.searchLexical('spreadsheets', 5)).map((h) => h.id)).toEqual(expect.arrayContaining([newIds.at(-1)]));
  });

  it('removes a deleted file from both stores', async () => {
    const rt = await open();
    await ingestPaths(rt, [kb], false);
    fs.rmSync(path.join(kb, 'data-handling-policy.txt'));
    const summary = await ingestPaths(rt, [kb], false);
    expect(summary.deleted).toBe(1);
    expect(await rt.chunks.getDocument(`files:${path.join(kb, 'data-handling-policy.txt')}`)).toBeUndefined();
    expect(await rt.chunks.searchLexical('encrypted volume backups', 5)).toEqual([]);
    await expectStoresAgree(rt);
  });

  it('reports bad inputs by name, indexes the rest and keeps what was indexed before', async () => {
    const rt = await open();
    await ingestPaths(rt, [kb], false);
    const counts = await rt.chunks.counts();
    fs.writeFileSync(path.join(kb, 'lore-overview.pdf'), '%PDF-1.7\n1 0 obj broken');
    fs.writeFileSync(path.join(kb, 'notes.md'), Buffer.from([0, 1, 2, 3, 255, 254, 0, 0]));
    fs.writeFileSync(path.join(kb, 'empty.txt'), '');
    fs.writeFileSync(path.join(kb, 'new.md'), '# New page\n\nA fresh page about release trains.');
    const summary = await ingestPaths(rt, [kb, path.join(tmp.dir, 'missing.md')], false);
    const failed = Object.fromEntries(summary.failed.map((f) => [path.basename(f.path), f.error]));
    expect(Object.keys(failed).sort()).toEqual(['empty.txt', 'lore-overview.pdf', 'missing.md', 'notes.md']);
    for (const [name, error] of Object.entries(failed)) expect(error).toContain(name);
    expect(summary.added).toBe(1);
    // The PDF that turned corrupt keeps its previously indexed chunks.
    expect((await rt.chunks.counts()).documents).toBe(counts.documents + 1);
    expect((await rt.chunks.searchLexical('promptfoo autoevals gate', 5)).length).toBeGreaterThan(0);
  });

  it('rebuilds the vectors when the embedder changes instead of mixing them', async () => {
    const rt = await open();
    await ingestPaths(rt, [kb], false);
    expect(await rt.vectors.builtBy()).toBe('gemini-embedding-001-768');
    const chunks = (await rt.chunks.counts()).chunks;
    const rebuilt = await open({ GEMINI_EMBED_DIMENSIONS: '256' });
    expect(await rebuilt.vectors.builtBy()).toBe('gemini-embedding-001-256');
    expect(await rebuilt.vectors.count()).toBe(chunks);
    const [hit] = await rebuilt.vectors.query((await rebuilt.embedder.embed(['zip bomb'], 'query'))[0]!, 1);
    expect(hit).toBeDefined();
  });
});
