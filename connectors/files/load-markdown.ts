import { decodeHTML } from 'entities';
import type { SourceDocument } from '../../rag/types.ts';
import { decodeText } from './decode-text.ts';
import { assertContentMatches } from './detect-format.ts';
import { cleanTitle, fileDocument, fileNameTitle, type FileInput } from './file-document.ts';

/**
 * Markdown (.md, .mdx): front matter is metadata, not content, so it is cut from the text (it would
 * otherwise be embedded and quoted as if the author had written it); its `title` wins over headings.
 */
export async function loadMarkdown(input: FileInput): Promise<SourceDocument> {
  assertContentMatches(input.format, input.bytes, input.displayPath);
  const { frontMatter, body } = splitFrontMatter(decodeText(input.bytes, input.displayPath));
  const title =
    cleanTitle(frontMatter === undefined ? undefined : frontMatterTitle(frontMatter)) ??
    cleanTitle(decodeHTML(firstH1(body) ?? '')) ??
    fileNameTitle(input);
  return fileDocument(input, { title, text: body, format: 'markdown' });
}

/** A `---` block on the very first line, closed by `---` or `...`; anything else is ordinary Markdown. */
export function splitFrontMatter(text: string): { frontMatter?: string; body: string } {
  const match = /^---[ \t]*\n([\s\S]*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(text);
  if (!match) return { body: text };
  return { frontMatter: match[1] ?? '', body: text.slice(match[0].length).replace(/^\n+/, '') };
}

/** Only a plain top-level `title:` scalar; block scalars and nested keys are not worth a YAML parser here. */
function frontMatterTitle(frontMatter: string): string | undefined {
  const match = /^title:[ \t]*(.*)$/m.exec(frontMatter);
  const raw = match?.[1]?.trim();
  if (!raw || raw === '|' || raw === '>' || raw.startsWith('|') || raw.startsWith('>')) return undefined;
  // Static-site generators render the title as HTML, so authors write "Logging in &amp; Networks".
  const quoted = /^(["'])(.*)\1$/.exec(raw);
  return decodeHTML(quoted ? (quoted[2] as string) : raw.replace(/\s+#.*$/, ''));
}

/** The first ATX level-1 heading outside fenced code (a `# comment` in a shell block is not a title). */
function firstH1(markdown: string): string | undefined {
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch?.[1]) {
      const marker = fenceMatch[1];
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (heading?.[1]) return heading[1];
  }
  return undefined;
}
