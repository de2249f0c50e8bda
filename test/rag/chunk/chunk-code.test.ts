import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../../../rag/chunk/chunk-document.ts';
import { countTokens } from '../../../rag/chunk/count-tokens.ts';
import { makeDocument } from './make-document.ts';

const lines = (count: number, line: (i: number) => string) => Array.from({ length: count }, (_, i) => line(i)).join('\n');

const typescript = `import { readFile } from 'node:fs/promises';
import type { Store } from './store.ts';

/** Keeps the search index in step with the sources. */
export class Indexer {
  private readonly seen = new Set<string>();

  constructor(private readonly store: Store) {}

  /** Inserts or replaces the given records. */
  async upsert(records: string[]): Promise<void> {
${lines(25, (i) => `    await this.store.put('record-${i}', records[${i}] ?? 'default value for record ${i}');`)}
  }

  remove(id: string): boolean {
${lines(25, (i) => `    if (id === 'record-${i}') return this.seen.delete('record-${i}');`)}
    return false;
  }
}

/** Reads a whole file as UTF-8 text and trims it, so callers never see trailing newlines. */
export async function loadText(path: string): Promise<string> {
  const text = await readFile(path, 'utf8');
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new Error(\`\${path} is empty: nothing to index\`);
  return trimmed;
}

export interface IndexerOptions {
  /** How many documents to embed per batch. */
  batchSize: number;
  /** Stop after this many failures. */
  maxFailures: number;
  /** Called after each document. */
  onProgress?: (done: number, total: number) => void;
}
`;

const python = `"""Sync jobs for the knowledge base."""
import os
from typing import List


# Retries are cheap; a missed sync is not.
@retry(
    attempts=3,
)
def sync_all(sources: List[str]) -> int:
    """Synchronise every configured source and return how many documents changed."""
    template = """
def not_a_function():
    pass
"""
    changed = 0
    for source in sources:
        changed += sync_one(source, os.environ.get("LORE_DATA_DIR", ".lore"), template)
    return changed


class Scheduler:
    """Runs sync jobs on a timer."""

    interval = 60

${lines(5, (k) => `    @property\n    def job_${k}(self):\n        """Job number ${k}: recomputes its schedule from the interval and the clock."""\n${lines(8, (i) => `        value_${i} = self.interval * ${i} + ${k}  # step ${i} of job ${k}`)}\n        return value_0\n`)}

if __name__ == "__main__":
    sync_all(["notion", "github"])
`;

describe('chunkDocument for code', () => {
  it('splits TypeScript by top-level declarations and a large class by its members', () => {
    const chunks = chunkDocument(makeDocument('code', typescript, { extension: 'ts', language: 'typescript' }), { maxTokens: 256 });
    const paths = chunks.map((c) => c.headingPath.join(' / '));
    expect(paths).toContain('class Indexer / method upsert');
    expect(paths).toContain('class Indexer / method remove');
    expect(paths).toContain('function loadText');
    expect(paths).toContain('interface IndexerOptions');
    for (const c of chunks) expect(countTokens(c.text)).toBeLessThanOrEqual(256);

    const load = chunks.find((c) => c.headingPath[0] === 'function loadText');
    // The doc comment travels with its function, which is not cut.
    expect(load?.text).toMatch(/^\/\*\* Reads a whole file[\s\S]*return trimmed;\n}$/);
  });

  it('keeps the imports with the first chunk and the class header with its members', () => {
    const chunks = chunkDocument(makeDocument('code', typescript, { extension: 'ts' }));
    expect(chunks[0]?.text).toMatch(/^import \{ readFile \}/);
    expect(chunks[0]?.text).toContain('export class Indexer {');
    expect(chunks[0]?.headingPath[0]).toBe('class Indexer');
    // The class's closing brace rides with its last member instead of becoming a chunk.
    for (const c of chunks) expect(c.text.trim()).not.toBe('}');
  });

  it('keeps method indentation intact in member chunks', () => {
    const chunks = chunkDocument(makeDocument('code', typescript, { extension: 'ts' }));
    const remove = chunks.find((c) => c.headingPath.join('/') === 'class Indexer/method remove');
    expect(remove?.text.startsWith('  remove(id: string): boolean {')).toBe(true);
  });

  it('splits Python by top-level def and class blocks, keeping decorators and comments with them', () => {
    const chunks = chunkDocument(makeDocument('code', python, { extension: 'py' }));
    const sync = chunks.find((c) => c.headingPath.join('/') === 'function sync_all');
    expect(sync?.text).toContain('# Retries are cheap; a missed sync is not.\n@retry(\n    attempts=3,\n)\ndef sync_all(');
    // A `def` inside a triple-quoted string is not a declaration.
    expect(chunks.some((c) => c.headingPath.some((part) => part.includes('not_a_function')))).toBe(false);
    expect(sync?.text).toContain('def not_a_function():');
  });

  it('splits a large Python class by methods with the class name in the heading path', () => {
    // About 220 tokens a method: the class is far over the default budget, each method within it.
    const chunks = chunkDocument(makeDocument('code', python, { extension: 'py' }));
    const methodChunks = chunks.filter((c) => c.headingPath[0] === 'class Scheduler' && c.headingPath.length === 2);
    expect(methodChunks.map((c) => c.headingPath[1])).toEqual(['method job_0', 'method job_1', 'method job_2', 'method job_3', 'method job_4']);
    expect(methodChunks[1]?.text).toMatch(/^ {4}@property\n {4}def job_1\(self\):/);
    for (const c of chunks) expect(countTokens(c.text)).toBeLessThanOrEqual(256);
  });

  it('loses no code: every line of the source appears in some chunk', () => {
    for (const [source, extension] of [
      [typescript, 'ts'],
      [python, 'py'],
    ] as const) {
      const joined = chunkDocument(makeDocument('code', source, { extension }), { maxTokens: 120 })
        .map((c) => c.text)
        .join('\n');
      for (const line of source.split('\n').filter((l) => l.trim().length > 0)) expect(joined).toContain(line.trim());
    }
  });

  it('packs other languages by blank-line blocks within the budget', () => {
    const go = lines(30, (i) => `func handler${i}(w http.ResponseWriter, r *http.Request) {\n\tfmt.Fprintf(w, "handler ${i}")\n}\n`);
    const chunks = chunkDocument(makeDocument('code', go, { extension: 'go' }), { maxTokens: 100 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(countTokens(c.text)).toBeLessThanOrEqual(100);
      expect(c.text).toMatch(/^func handler\d+/);
      expect(c.text).toMatch(/}$/);
    }
  });
});
