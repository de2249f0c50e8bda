import * as fsPromises from 'node:fs/promises';
import { mkdir, stat, truncate, utimes } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fileLimits } from '../../../connectors/files/file-limits.ts';
import { InputError } from '../../../connectors/files/input-error.ts';
import { loadFile } from '../../../connectors/files/load-file.ts';
import { expectInputError, fixture, makeTempDir } from './file-fixtures.ts';

// Pass-through spies, so a test can prove a file was refused without being opened.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, open: vi.fn(actual.open) };
});

describe('loadFile', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    temp = await makeTempDir();
  });
  afterAll(() => temp.remove());
  beforeEach(() => {
    vi.mocked(fsPromises.open).mockClear();
  });

  it('names the document by its path from the root, with POSIX separators', async () => {
    await mkdir(join(temp.dir, 'team', 'guides'), { recursive: true });
    const path = await temp.write('team/guides/setup notes.md', '# Setup\n\nInstall the tools.\n');
    const doc = await loadFile(path, { root: temp.dir });
    expect(doc.id).toBe('files:team/guides/setup notes.md');
    expect(doc.path).toBe('team/guides/setup notes.md');
    expect(doc.source).toBe('files');
    expect(doc.url).toBe(pathToFileURL(path).href);
    expect(doc.url).toContain('setup%20notes.md');
  });

  it("uses the file's own folder as the root by default", async () => {
    const doc = await loadFile(fixture('guide.md'));
    expect(doc.id).toBe('files:guide.md');
  });

  it('accepts a relative path', async () => {
    const doc = await loadFile(relative(process.cwd(), fixture('readme.txt')));
    // A README names its folder's page: the folder comes with it.
    expect(doc.title).toBe('files/readme.txt');
  });

  it('records the size in bytes and the modification time', async () => {
    const path = await temp.write('dated.txt', 'naïve\n');
    const modified = new Date('2023-05-06T07:08:09.000Z');
    await utimes(path, modified, modified);
    const doc = await loadFile(path);
    expect(doc.sizeBytes).toBe(7);
    expect(doc.modifiedAt).toBe('2023-05-06T07:08:09.000Z');
  });

  it('refuses a file outside the given root', async () => {
    await expectInputError(loadFile(fixture('guide.md'), { root: temp.dir }), 'guide.md', /^is outside the folder it is indexed from/);
  });

  it('reports a missing file', async () => {
    await expectInputError(loadFile(join(temp.dir, 'nope.md')), 'nope.md', /^no such file or directory$/);
  });

  it('reports a directory', async () => {
    await mkdir(join(temp.dir, 'folder.md'), { recursive: true });
    await expectInputError(loadFile(join(temp.dir, 'folder.md')), 'folder.md', /^is a directory, not a file$/);
  });

  it('refuses devices and other non-regular files without opening them', async () => {
    await expectInputError(loadFile('/dev/null'), 'null', /^is not a regular file$/);
    expect(fsPromises.open).not.toHaveBeenCalled();
  });

  it('refuses a 50 MB file by its size, without reading it', async () => {
    const path = join(temp.dir, 'huge.pdf');
    await fsPromises.writeFile(path, '');
    await truncate(path, 50 * 1024 * 1024); // sparse: costs no disk
    expect((await stat(path)).size).toBe(50 * 1024 * 1024);
    await expectInputError(loadFile(path), 'huge.pdf', /^file is too large: 50 MB, over the 25 MB limit$/);
    expect(fsPromises.open).not.toHaveBeenCalled();
  });

  it('applies a configured size limit', async () => {
    await expectInputError(
      loadFile(fixture('report.pdf'), { limits: fileLimits({ maxFileBytes: 1024 }) }),
      'report.pdf',
      /^file is too large: 2(\.\d)? KB, over the 1 KB limit$/,
    );
  });

  it('refuses an unsupported file type by its extension', async () => {
    const path = await temp.write('photo.xyz', 'whatever');
    await expectInputError(loadFile(path), 'photo.xyz', /^unsupported file type \.xyz$/);
    const bare = await temp.write('LICENSE', 'MIT');
    await expectInputError(loadFile(bare), 'LICENSE', /^unsupported file type \(no extension\)$/);
  });

  it('refuses an empty file', async () => {
    await expectInputError(loadFile(fixture('bad/empty.txt')), 'empty.txt', /^file is empty$/);
  });

  it('refuses a document whose text is longer than the limit', async () => {
    await expectInputError(
      loadFile(fixture('readme.txt'), { limits: fileLimits({ maxTextChars: 20 }) }),
      'readme.txt',
      /^extracted text is 93 characters, over the 20 limit$/,
    );
  });

  it('names the file relative to the working directory in messages', async () => {
    const error = await expectInputError(loadFile(fixture('bad/empty.txt')), 'empty.txt', /empty/);
    expect(error.path).toBe(relative(process.cwd(), fixture('bad/empty.txt')));
    expect(error.message).toBe(`${error.path}: file is empty`);
    expect(error).toBeInstanceOf(InputError);
  });
});
