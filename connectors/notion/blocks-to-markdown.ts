import type { BlockObjectResponse, RichTextItemResponse } from '@notionhq/client';
import type { BlockNode } from './block-tree.ts';
import { isLinkable, plainText, richTextToMarkdown } from './rich-text.ts';

// A tree of Notion blocks as Markdown, keeping what matters for search and citations: headings (the chunker
// splits on them), lists with their nesting, to-dos, code, quotes and callouts, toggles, tables, equations,
// links. Files uploaded to Notion are named (`[image: diagram.png]`), not linked: their URLs are signed and expire
// within the hour, so linking them would change the text on every sync and defeat change detection.

/** The URL Notion serves a page or database at, from its id. */
export function notionUrl(id: string): string {
  return `https://www.notion.so/${id.replace(/-/g, '')}`;
}

export function blocksToMarkdown(nodes: readonly BlockNode[]): string {
  return renderSequence(nodes)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

type ListKind = 'bulleted' | 'numbered' | 'todo';

interface Rendered {
  text: string;
  /** Consecutive items of one list are joined by a single newline, everything else by a blank line. */
  list?: ListKind;
}

function renderSequence(nodes: readonly BlockNode[]): string {
  const parts: Rendered[] = [];
  let number = 0;
  for (const node of nodes) {
    number = node.block.type === 'numbered_list_item' ? number + 1 : 0;
    const rendered = renderBlock(node, number);
    if (rendered && rendered.text.trim() !== '') parts.push(rendered);
  }
  let out = '';
  parts.forEach((part, i) => {
    const previous = parts[i - 1];
    if (previous) out += previous.list && previous.list === part.list ? '\n' : '\n\n';
    out += part.text;
  });
  return out;
}

function renderBlock(node: BlockNode, number: number): Rendered | undefined {
  const { block, children } = node;
  const inner = () => renderSequence(children);
  switch (block.type) {
    case 'paragraph':
      return { text: join(richTextToMarkdown(block.paragraph.rich_text), inner()) };
    case 'heading_1':
    case 'heading_2':
    case 'heading_3':
    case 'heading_4':
      return { text: join(heading(block), inner()) };
    case 'bulleted_list_item':
      return { text: listItem('- ', richTextToMarkdown(block.bulleted_list_item.rich_text), inner()), list: 'bulleted' };
    case 'numbered_list_item':
      return { text: listItem(`${number}. `, richTextToMarkdown(block.numbered_list_item.rich_text), inner()), list: 'numbered' };
    case 'to_do':
      return {
        text: listItem(block.to_do.checked ? '- [x] ' : '- [ ] ', richTextToMarkdown(block.to_do.rich_text), inner()),
        list: 'todo',
      };
    case 'toggle':
      // The summary line is usually the question and the hidden children the answer: keep them together.
      return { text: join(bold(richTextToMarkdown(block.toggle.rich_text)), inner()) };
    case 'quote':
      return { text: quoted(join(richTextToMarkdown(block.quote.rich_text), inner())) };
    case 'callout': {
      const icon = block.callout.icon?.type === 'emoji' ? `${block.callout.icon.emoji} ` : '';
      return { text: quoted(join(`${icon}${richTextToMarkdown(block.callout.rich_text)}`, inner())) };
    }
    case 'code':
      return { text: join(codeBlock(plainText(block.code.rich_text), block.code.language), plainText(block.code.caption)) };
    case 'equation':
      return { text: `$$\n${block.equation.expression}\n$$` };
    case 'divider':
      return { text: '---' };
    case 'bookmark':
      return { text: link(plainText(block.bookmark.caption), block.bookmark.url) };
    case 'embed':
      return { text: link(plainText(block.embed.caption), block.embed.url) };
    case 'link_preview':
      return { text: link('', block.link_preview.url) };
    case 'image':
    case 'video':
    case 'audio':
    case 'pdf':
    case 'file':
      return { text: media(block) };
    case 'child_page':
      return { text: link(`📄 ${block.child_page.title || 'Untitled'}`, notionUrl(block.id)) };
    case 'child_database':
      return { text: link(`🗂 ${block.child_database.title || 'Untitled database'}`, notionUrl(block.id)) };
    case 'link_to_page': {
      const target = block.link_to_page;
      const id = target.type === 'page_id' ? target.page_id : target.type === 'database_id' ? target.database_id : undefined;
      return id ? { text: link('↗ linked page', notionUrl(id)) } : undefined;
    }
    case 'table':
      return { text: table(children, block.table.has_column_header) };
    case 'column_list':
    case 'column':
    case 'synced_block':
    case 'tab':
    case 'template':
      return { text: inner() };
    default:
      // breadcrumb, table_of_contents, meeting notes, unsupported blocks: nothing to read.
      return undefined;
  }
}

function heading(block: Extract<BlockObjectResponse, { type: 'heading_1' | 'heading_2' | 'heading_3' | 'heading_4' }>): string {
  const level = Number(block.type.slice(-1));
  const content =
    block.type === 'heading_1'
      ? block.heading_1
      : block.type === 'heading_2'
        ? block.heading_2
        : block.type === 'heading_3'
          ? block.heading_3
          : block.heading_4;
  // Headings hold plain text: the chunker reads them into heading paths.
  const text = plainText(content.rich_text).replace(/\s+/g, ' ').trim();
  return text ? `${'#'.repeat(level)} ${text}` : '';
}

function listItem(marker: string, text: string, children: string): string {
  const pad = ' '.repeat(marker.length);
  const body = text.replace(/\n/g, `\n${pad}`);
  return children ? `${marker}${body}\n${indent(children, pad)}` : `${marker}${body}`;
}

function indent(text: string, pad: string): string {
  return text
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
}

function quoted(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');
}

function join(first: string, rest: string): string {
  return [first, rest].filter((part) => part.trim() !== '').join('\n\n');
}

function bold(text: string): string {
  return text.trim() ? `**${text.trim()}**` : '';
}

function link(label: string, url: string | undefined): string {
  if (!url || !isLinkable(url)) return label;
  return `[${label.trim() || url}](${url})`;
}

function codeBlock(code: string, language: string | undefined): string {
  const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const lang = language && language !== 'plain text' ? language.replace(/\s+/g, '-') : '';
  return `${fence}${lang}\n${code}\n${fence}`;
}

function media(block: Extract<BlockObjectResponse, { type: 'image' | 'video' | 'audio' | 'pdf' | 'file' }>): string {
  const content =
    block.type === 'image'
      ? block.image
      : block.type === 'video'
        ? block.video
        : block.type === 'audio'
          ? block.audio
          : block.type === 'pdf'
            ? block.pdf
            : block.file;
  const caption = plainText(content.caption as RichTextItemResponse[]).trim();
  const name = 'name' in content && typeof content.name === 'string' ? content.name.trim() : '';
  if (content.type === 'external') return link(caption || name || `${block.type}`, content.external.url);
  // An uploaded file stays named even without a caption: a page whose diagram vanished from its text reads as
  // though it never had one. The name comes from the signed URL's path, which (unlike its query) is stable.
  const uploaded = 'file' in content && typeof content.file?.url === 'string' ? fileNameOf(content.file.url) : '';
  const label = caption || name || uploaded;
  return label ? `[${block.type}: ${label}]` : `[${block.type}]`;
}

/** The last segment of a URL's path, decoded; '' when there is none. */
function fileNameOf(url: string): string {
  try {
    const segment = new URL(url).pathname.split('/').pop() ?? '';
    return decodeURIComponent(segment).trim();
  } catch {
    return '';
  }
}

function table(rows: readonly BlockNode[], hasHeader: boolean): string {
  const cells = rows.flatMap((row) => (row.block.type === 'table_row' ? [row.block.table_row.cells.map(cellText)] : []));
  if (cells.length === 0) return '';
  const width = Math.max(...cells.map((row) => row.length));
  const pad = (row: string[]) => Array.from({ length: width }, (_, i) => row[i] ?? '');
  const line = (row: string[]) => `| ${pad(row).join(' | ')} |`;
  // Markdown tables need a header row: without one, an empty header keeps every row as data.
  const [header, body] = hasHeader ? [cells[0]!, cells.slice(1)] : [Array<string>(width).fill(''), cells];
  return [line(header), `|${' --- |'.repeat(width)}`, ...body.map(line)].join('\n');
}

function cellText(cell: RichTextItemResponse[]): string {
  return richTextToMarkdown(cell)
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}
