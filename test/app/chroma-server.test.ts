import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ChromaClient } from 'chromadb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChromaServer, ChromaStartError, type ChromaServer } from '../../app/chroma-server.ts';
import { createLogger } from '../../app/logger.ts';
import { ChromaStore, SEARCH_EF } from '../../rag/store/chroma-store.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const log = createLogger('silent');
const tmp = tempDir('lore-chroma-');
let server: ChromaServer;

beforeAll(async () => {
  server = await startChromaServer(path.join(tmp.dir, 'chroma'), log);
});
afterAll(async () => {
  await server?.stop();
  tmp.cleanup();
});

async function alive(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

describe('embedded Chroma server', () => {
  it('serves on a loopback port and stores, filters and deletes vectors', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const store = ChromaStore.fromUrl(server.url, 'roundtrip');
    await store.reset('test-embedder', 3);
    expect(await store.builtBy()).toBe('test-embedder');
    await store.upsert([
      { id: 'a', vector: [1, 0, 0], text: 'alpha', metadata: { source: 'files', year: 2024 } },
      { id: 'b', vector: [0.9, 0.1, 0], text: 'beta', metadata: { source: 'notion', year: 2025 } },
      { id: 'c', vector: [0, 0, 1], text: 'gamma', metadata: { source: 'notion', year: 2023 } },
    ]);
    const all = await store.query([1, 0, 0], 3);
    expect(all.map((h) => h.id)).toEqual(['a', 'b', 'c']);
    expect(all[0]!.score).toBeCloseTo(1, 5);

    const notionRecent = await store.query([1, 0, 0], 3, { source: 'notion', year: { $gte: 2024 } });
    expect(notionRecent.map((h) => h.id)).toEqual(['b']);
    expect(notionRecent[0]!.metadata).toMatchObject({ source: 'notion', year: 2025 });

    await store.delete(['a']);
    expect(await store.count()).toBe(2);
  });

  it('searches with a wide HNSW beam, and widens it on a collection an older Lore made', async () => {
    const fresh = ChromaStore.fromUrl(server.url, 'beam-fresh');
    await fresh.reset('e', 2);
    const client = new ChromaClient({ path: server.url });
    expect((await client.getCollection({ name: 'beam-fresh' })).configuration.hnsw?.ef_search).toBe(SEARCH_EF);

    await client.createCollection({ name: 'beam-old', embeddingFunction: null, configuration: { hnsw: { space: 'cosine' } } });
    expect((await client.getCollection({ name: 'beam-old' })).configuration.hnsw?.ef_search).toBeLessThan(SEARCH_EF);
    expect(await ChromaStore.fromUrl(server.url, 'beam-old').count()).toBe(0);
    expect((await client.getCollection({ name: 'beam-old' })).configuration.hnsw?.ef_search).toBe(SEARCH_EF);
  });

  it('keeps its data across restarts in the same directory', async () => {
    const dir = path.join(tmp.dir, 'persist');
    const first = await startChromaServer(dir, log);
    const store = ChromaStore.fromUrl(first.url, 'kept');
    await store.reset('e', 2);
    await store.upsert([{ id: 'x', vector: [1, 0], text: 'kept', metadata: { k: 1 } }]);
    await first.stop();
    expect(await alive(first.url)).toBe(false);

    const second = await startChromaServer(dir, log);
    try {
      const again = ChromaStore.fromUrl(second.url, 'kept');
      expect(await again.count()).toBe(1);
      expect(await again.builtBy()).toBe('e');
    } finally {
      await second.stop();
    }
  });

  it('fails with a clear error when it cannot start', async () => {
    const file = path.join(tmp.dir, 'not-a-dir');
    fs.writeFileSync(file, 'x');
    await expect(startChromaServer(path.join(file, 'chroma'), log, { startTimeoutMs: 5_000 })).rejects.toThrow(ChromaStartError);
    // The data directory exists but the server cannot write its database there.
    const readOnly = path.join(tmp.dir, 'read-only');
    fs.mkdirSync(readOnly);
    fs.writeFileSync(path.join(readOnly, 'chroma.sqlite3'), 'this is not a database');
    await expect(startChromaServer(readOnly, log, { startTimeoutMs: 10_000 })).rejects.toThrow(/Could not start the embedded Chroma/);
  });

  it('does not outlive a Lore process that is killed with SIGKILL', async () => {
    const script = path.resolve('test/helpers/start-chroma-for-test.mts');
    const parent = spawn(process.execPath, ['--import', 'tsx', script, path.join(tmp.dir, 'orphan')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      parent.stdout!.once('data', (data: Buffer) => resolve(data.toString().trim()));
      parent.once('exit', (code) => reject(new Error(`helper exited with ${code}`)));
    });
    expect(await alive(url)).toBe(true);
    parent.kill('SIGKILL');
    let up = true;
    for (let i = 0; i < 50 && up; i += 1) {
      await new Promise((r) => setTimeout(r, 200));
      up = await alive(url);
    }
    expect(up).toBe(false);
  });
});
