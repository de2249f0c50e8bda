import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../connectors/files/input-error.ts';
import { walkPaths, type WalkEntry, type WalkOptions } from '../../../connectors/files/walk-paths.ts';
import { makeTempDir } from './file-fixtures.ts';

async function collect(paths: string[], options?: WalkOptions): Promise<WalkEntry[]> {
  const entries: WalkEntry[] = [];
  for await (const entry of walkPaths(paths, options)) entries.push(entry);
  return entries;
}

describe('walkPaths', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let docs: string;
  let outside: string;

  const put = async (path: string, contents = 'text\n'): Promise<string> => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, contents);
    return path;
  };

  beforeEach(async () => {
    temp = await makeTempDir();
    docs = join(temp.dir, 'docs');
    outside = join(temp.dir, 'outside');
    // Created in an order unlike the expected one, so sorting is really tested.
    await put(join(docs, 'zeta.md'));
    await put(join(docs, 'sub', 'deeper', 'page.html'));
    await put(join(docs, 'alpha.txt'));
    await put(join(docs, 'sub', 'tool.py'));
    await put(join(docs, 'Beta.pdf'));
    await put(join(docs, 'photo.png'));
    await put(join(docs, '.hidden.md'));
    await put(join(docs, '.git', 'notes.md'));
    await put(join(docs, 'node_modules', 'pkg', 'README.md'));
    await put(join(outside, 'secret.md'));
  });
  afterEach(() => temp.remove());

  it('expands a folder recursively, in a stable sorted order, relative to the folder', async () => {
    const entries = await collect([docs]);
    expect(entries).toEqual([
      { path: join(docs, 'Beta.pdf'), root: docs, relativePath: 'Beta.pdf' },
      { path: join(docs, 'alpha.txt'), root: docs, relativePath: 'alpha.txt' },
      { path: join(docs, 'sub', 'deeper', 'page.html'), root: docs, relativePath: 'sub/deeper/page.html' },
      { path: join(docs, 'sub', 'tool.py'), root: docs, relativePath: 'sub/tool.py' },
      { path: join(docs, 'zeta.md'), root: docs, relativePath: 'zeta.md' },
    ]);
  });

  it('skips dotfiles, dot-folders, node_modules and unsupported files inside folders without complaint', async () => {
    const paths = (await collect([docs])).map((entry) => entry.path);
    expect(paths.some((path) => path.includes('.hidden') || path.includes('.git') || path.includes('node_modules'))).toBe(false);
    expect(paths.some((path) => path.endsWith('photo.png'))).toBe(false);
  });

  it('yields an explicitly named file with its own folder as the root', async () => {
    expect(await collect([join(docs, 'sub', 'tool.py')])).toEqual([
      { path: join(docs, 'sub', 'tool.py'), root: join(docs, 'sub'), relativePath: 'tool.py' },
    ]);
  });

  it('reports an explicitly named unsupported file as an error', async () => {
    const [entry] = await collect([join(docs, 'photo.png')]);
    expect(entry).toMatchObject({ path: join(docs, 'photo.png') });
    const error = (entry as { error: InputError }).error;
    expect(error).toBeInstanceOf(InputError);
    expect(error.reason).toBe('unsupported file type .png');
  });

  it('reports a missing path as an error entry and carries on with the rest', async () => {
    const entries = await collect([join(temp.dir, 'missing'), join(docs, 'zeta.md')]);
    expect(entries).toHaveLength(2);
    const [missing, found] = entries;
    expect(missing).toMatchObject({ path: join(temp.dir, 'missing') });
    expect((missing as { error: InputError }).error.reason).toBe('no such file or directory');
    expect(found).toMatchObject({ path: join(docs, 'zeta.md'), relativePath: 'zeta.md' });
  });

  it('keeps the order of the named paths and lists a file named twice once', async () => {
    const entries = await collect([join(docs, 'zeta.md'), join(docs, 'sub'), join(docs, 'zeta.md')]);
    expect(entries.map((entry) => entry.path)).toEqual([
      join(docs, 'zeta.md'),
      join(docs, 'sub', 'deeper', 'page.html'),
      join(docs, 'sub', 'tool.py'),
    ]);
  });

  it('follows symbolic links that stay inside the root', async () => {
    await symlink(join(docs, 'sub', 'tool.py'), join(docs, 'linked-tool.py'));
    const entries = await collect([docs]);
    expect(entries).toContainEqual({ path: join(docs, 'linked-tool.py'), root: docs, relativePath: 'linked-tool.py' });
  });

  it('does not follow symbolic links out of the root, and says so', async () => {
    await symlink(join(outside, 'secret.md'), join(docs, 'leak.md'));
    await symlink(outside, join(docs, 'leak-dir'));
    const entries = await collect([docs]);
    expect(entries.some((entry) => 'relativePath' in entry && /leak|secret/.test(entry.relativePath))).toBe(false);
    const errors = entries.filter((entry): entry is { path: string; error: InputError } => 'error' in entry);
    expect(errors.map((entry) => entry.path).sort()).toEqual([join(docs, 'leak-dir'), join(docs, 'leak.md')]);
    for (const { error } of errors) expect(error.reason).toMatch(/^symbolic link points outside .*; not followed$/);
  });

  it('does not loop on a symbolic link back up the tree', async () => {
    await symlink(docs, join(docs, 'sub', 'loop'));
    const entries = await collect([docs]);
    expect(entries.filter((entry) => 'error' in entry)).toEqual([]);
    expect(entries).toHaveLength(5);
  });

  it('reports a broken symbolic link inside a folder', async () => {
    await symlink(join(docs, 'gone.md'), join(docs, 'dangling.md'));
    const entries = await collect([docs]);
    const broken = entries.find((entry) => entry.path === join(docs, 'dangling.md'));
    expect(broken && 'error' in broken ? broken.error.reason : undefined).toBe('broken symbolic link');
  });

  it('can name every document relative to one fixed root', async () => {
    const entries = await collect([join(docs, 'sub'), join(docs, 'zeta.md')], { root: temp.dir });
    expect(entries.map((entry) => ('relativePath' in entry ? entry.relativePath : entry.error.message))).toEqual([
      'docs/sub/deeper/page.html',
      'docs/sub/tool.py',
      'docs/zeta.md',
    ]);
  });

  it('reports a path outside the fixed root', async () => {
    const [entry] = await collect([join(outside, 'secret.md')], { root: docs });
    expect(entry && 'error' in entry ? entry.error.reason : undefined).toMatch(/^is outside the folder files are indexed from/);
  });
});
