import type { RichTextItemResponse } from '@notionhq/client';

// Notion rich text (runs of text with annotations, mentions and inline equations) as inline Markdown.

/** Plain text of a rich-text array: titles, table cells and property values. */
export function plainText(items: readonly RichTextItemResponse[] | undefined): string {
  return (items ?? []).map((item) => item.plain_text ?? '').join('');
}

/** Inline Markdown: bold, italic, strikethrough, code, links and `$inline equations$`. */
export function richTextToMarkdown(items: readonly RichTextItemResponse[] | undefined): string {
  return (items ?? []).map(runToMarkdown).join('');
}

function runToMarkdown(item: RichTextItemResponse): string {
  if (item.type === 'equation') return `$${item.equation?.expression ?? item.plain_text ?? ''}$`;
  const text = item.type === 'text' ? (item.text?.content ?? item.plain_text ?? '') : (item.plain_text ?? '');
  if (text.trim() === '') return text;
  const href = item.type === 'text' ? (item.text?.link?.url ?? item.href) : item.href;
  // Markers go around the words, not the spaces at either end: `** bold**` is not bold in Markdown.
  const [, lead = '', core = '', trail = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(text) ?? [];
  const a = item.annotations;
  let marked = a?.code ? codeSpan(core) : core;
  if (a?.strikethrough) marked = `~~${marked}~~`;
  if (a?.italic) marked = `_${marked}_`;
  if (a?.bold) marked = `**${marked}**`;
  if (href && isLinkable(href)) marked = `[${marked}](${href})`;
  return `${lead}${marked}${trail}`;
}

function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

/** Only web and mail links: a `javascript:` href from a page must not become a clickable link in an answer. */
export function isLinkable(href: string): boolean {
  return /^(https?:|mailto:)/i.test(href);
}
