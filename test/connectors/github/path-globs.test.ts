import { describe, expect, it } from 'vitest';
import { DEFAULT_GITHUB_PATHS } from '../../../app/config.ts';
import { createPathFilter } from '../../../connectors/github/path-globs.ts';

describe('choosing repository files by glob', () => {
  const docs = createPathFilter(DEFAULT_GITHUB_PATHS);

  it('takes documentation at any depth by default, and leaves code out', () => {
    for (const path of ['README.md', 'docs/guide.md', 'a/b/c/page.mdx', 'docs/api.rst', 'notes.txt', 'pkg/README', 'pkg/readme.markdown']) {
      expect(docs(path), path).toBe(true);
    }
    for (const path of ['src/index.ts', 'logo.png', 'docs/guide.md.bak', 'Makefile']) expect(docs(path), path).toBe(false);
  });

  it('skips hidden folders unless a glob names them', () => {
    expect(docs('.github/CONTRIBUTING.md')).toBe(false);
    expect(createPathFilter(['.github/**/*.md'])('.github/ISSUE_TEMPLATE/bug.md')).toBe(true);
  });

  it('excludes what a ! glob names, whatever the include globs say', () => {
    const filter = createPathFilter(['**/*.md', '!vendor/**', ' !**/CHANGELOG.md ']);
    expect(filter('docs/a.md')).toBe(true);
    expect(filter('vendor/lib/readme.md')).toBe(false);
    expect(filter('CHANGELOG.md')).toBe(false);
  });

  it('matches names case-insensitively, and * never crosses a folder', () => {
    expect(createPathFilter(['**/README*'])('docs/ReadMe.rst')).toBe(true);
    expect(createPathFilter(['docs/*.md'])('docs/a/b.md')).toBe(false);
    expect(createPathFilter(['docs/*.md'])('docs/b.md')).toBe(true);
  });

  it('matches nothing without an include glob', () => {
    expect(createPathFilter([])('README.md')).toBe(false);
    expect(createPathFilter(['!x', ''])('README.md')).toBe(false);
  });
});
