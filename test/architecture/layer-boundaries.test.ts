import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The dependency rule of docs/architecture.md, checked on every import of the source tree, so that a shortcut
// across layers fails the tests instead of waiting for a review to notice it.

const ROOT = path.resolve(import.meta.dirname, '../..');

type Layer = 'rag' | 'connectors' | 'bot' | 'app' | 'evals' | 'cli';

/** What each layer may import from the others. The command line sits on top: it runs Lore, the gate and benchmarks. */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  rag: [],
  connectors: ['rag'],
  bot: ['rag'],
  app: ['rag', 'connectors', 'bot'],
  evals: ['rag', 'connectors', 'app'],
  cli: ['rag', 'connectors', 'bot', 'app', 'evals'],
};

/**
 * Packages that belong to one side of the house: the core knows no platform, no source API and no server. The
 * PostgreSQL driver is app/storage/'s: the stores below reach it only through the SQL seam (rag/contracts/sql-database.ts).
 */
const FORBIDDEN_PACKAGES: Partial<Record<Layer, RegExp>> = {
  rag: /^(?:@slack\/|discord\.js$|fastify$|@fastify\/|commander$|@notionhq\/|@octokit\/|ioredis$|pg$)/,
  connectors: /^(?:@slack\/|discord\.js$|fastify$|@fastify\/|commander$|pg$)/,
  bot: /^(?:@notionhq\/|@octokit\/|fastify$|@fastify\/|commander$|pg$)/,
};

function layerOf(file: string): Layer | undefined {
  const relative = path.relative(ROOT, file).split(path.sep);
  const top = relative[0];
  if (top === 'app' && (relative[1] === 'cli.ts' || relative[1] === 'commands')) return 'cli';
  return top === 'rag' || top === 'connectors' || top === 'bot' || top === 'app' || top === 'evals' ? top : undefined;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

interface Import {
  file: string;
  specifier: string;
}

function importsOf(file: string): Import[] {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return importedFiles.map(({ fileName }) => ({ file, specifier: fileName }));
}

const files = (['rag', 'connectors', 'bot', 'app', 'evals'] as const).flatMap((top) => sourceFiles(path.join(ROOT, top)));
const imports = files.flatMap(importsOf);

function show(found: Import[]): string[] {
  return found.map(({ file, specifier }) => `${path.relative(ROOT, file)} imports ${specifier}`);
}

describe('layer boundaries', () => {
  it('reads the whole source tree', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(imports.length).toBeGreaterThan(files.length);
  });

  it('keeps every import between folders to the one-way rule of docs/architecture.md', () => {
    const crossing = imports.filter(({ file, specifier }) => {
      if (!specifier.startsWith('.')) return false;
      const from = layerOf(file) as Layer;
      const to = layerOf(path.resolve(path.dirname(file), specifier));
      return to !== undefined && to !== from && !ALLOWED[from].includes(to);
    });
    expect(show(crossing)).toEqual([]);
  });

  it('keeps platform SDKs, source APIs and the server out of the layers that must not know them', () => {
    const misplaced = imports.filter(({ file, specifier }) => FORBIDDEN_PACKAGES[layerOf(file) as Layer]?.test(specifier));
    expect(show(misplaced)).toEqual([]);
  });

  it('allows no cycle between layers', () => {
    // The allowed edges themselves form no cycle, so no set of imports that follows them can.
    const visiting = new Set<Layer>();
    const done = new Set<Layer>();
    const cycle = (layer: Layer): boolean => {
      if (done.has(layer)) return false;
      if (visiting.has(layer)) return true;
      visiting.add(layer);
      const found = ALLOWED[layer].some(cycle);
      visiting.delete(layer);
      done.add(layer);
      return found;
    };
    expect((Object.keys(ALLOWED) as Layer[]).filter(cycle)).toEqual([]);
  });
});
