import { Minimatch } from 'minimatch';

/**
 * Which repository paths to index, from GITHUB_PATHS globs (`**` spans folders, `*` one name).
 * A glob starting with `!` excludes: `**\/*.md,!vendor/**` indexes Markdown outside `vendor/`.
 * Case-insensitive (`README*` finds `readme.md`); hidden folders such as `.github/` only when a glob
 * names them, so tooling files do not crowd out documentation.
 */
export function createPathFilter(globs: readonly string[]): (path: string) => boolean {
  const options = { dot: false, nocase: true, nocomment: true, nonegate: true };
  const include: Minimatch[] = [];
  const exclude: Minimatch[] = [];
  for (const raw of globs) {
    const glob = raw.trim();
    if (glob === '' || glob === '!') continue;
    if (glob.startsWith('!')) exclude.push(new Minimatch(glob.slice(1), options));
    else include.push(new Minimatch(glob, options));
  }
  return (path) => include.some((m) => m.match(path)) && !exclude.some((m) => m.match(path));
}
