// Sources listed under an answer must be told apart at a glance. Docs sites title every page alike ("Docs",
// "index.md", the product's name), and one document can be cited for two of its sections: when titles repeat in
// one list, each gets what sets it apart, the section it was cited for or else where it lives.
import type { Citation, Passage } from '../types.ts';

const SEPARATOR = ' › ';

/** The citations with every repeated title made distinct; unique titles are left as they are. */
export function distinctTitles(citations: readonly Citation[], passages: readonly Passage[]): Citation[] {
  const byChunk = new Map(passages.flatMap((passage) => passage.chunkIds.map((id) => [id, passage] as const)));
  const count = (titles: readonly string[], title: string) => titles.filter((other) => other === title).length;

  let titles = citations.map((citation) => citation.title);
  // First the section each was cited for, then where the document lives.
  const refinements: Array<(citation: Citation) => string | undefined> = [
    (citation) => byChunk.get(citation.chunkId)?.headings?.at(-1),
    (citation) => locationOf(citation.url),
  ];
  for (const refine of refinements) {
    const before = titles;
    titles = titles.map((title, i) => {
      if (count(before, title) < 2) return title;
      const extra = refine(citations[i] as Citation);
      return extra && !title.includes(extra) ? `${title}${SEPARATOR}${extra}` : title;
    });
  }
  return citations.map((citation, i) => ({ ...citation, title: titles[i] as string }));
}

/** The last two segments of a link's path, without the extension ("getting-started/index"). */
function locationOf(url: string): string | undefined {
  const path = url.replace(/^[a-z][\w+.-]*:\/\/[^/]*/i, '').replace(/[?#].*$/, '');
  const segments = path.split('/').filter(Boolean);
  if (segments.length === 0) return undefined;
  return segments
    .slice(-2)
    .join('/')
    .replace(/\.[a-z0-9]{1,5}$/i, '');
}
