import type { PageObjectResponse } from '@notionhq/client';
import { toMetadataList } from '../../rag/enrich/metadata-list.ts';
import type { SourceDocument } from '../../rag/types.ts';
import { fetchBlockTree, PageTooLargeError, type BlockTreeLimits } from './block-tree.ts';
import { blocksToMarkdown, notionUrl } from './blocks-to-markdown.ts';
import type { NotionApi } from './notion-api.ts';
import type { NotionNames } from './notion-names.ts';
import { describeProperties } from './page-properties.ts';
import { isLinkable } from './rich-text.ts';

// One Notion page (or data-source entry) as a SourceDocument: its properties, then its blocks as Markdown.
// Citations link to the page's own URL; metadata carries author, dates, tags, parent and workspace.

export interface PageDocumentContext {
  api: NotionApi;
  names: NotionNames;
  workspace: string;
  signal: AbortSignal;
  treeLimits: BlockTreeLimits;
  /** Longest rendered page, in characters. */
  maxChars: number;
}

export function notionDocumentId(pageId: string): string {
  return `notion:${pageId}`;
}

export async function loadPageDocument(page: PageObjectResponse, context: PageDocumentContext): Promise<SourceDocument> {
  const { signal } = context;
  const facts = describeProperties(page.properties);
  const title = facts.title || 'Untitled';
  const tree = await fetchBlockTree(context.api, page.id, signal, context.treeLimits);
  const body = blocksToMarkdown(tree);
  const [author, parent] = await Promise.all([context.names.userName(page.created_by, signal), context.names.parentName(page.parent, signal)]);

  // A page with nothing but a title is still a document (an empty entry, a stub): it is indexed by its title.
  const text = [facts.lines.join('\n'), body].filter((part) => part.trim() !== '').join('\n\n') || title;
  if (text.length > context.maxChars) throw new PageTooLargeError(`the page renders to more than ${context.maxChars} characters`);

  const metadata: Record<string, string> = {
    author,
    createdAt: page.created_time,
    tags: toMetadataList(facts.tags),
    parent,
    workspace: context.workspace,
    notionId: page.id,
    kind: page.parent.type === 'data_source_id' ? 'entry' : 'page',
  };
  return {
    id: notionDocumentId(page.id),
    source: 'notion',
    title,
    url: isLinkable(page.url ?? '') ? page.url : notionUrl(page.id),
    path: parent ? `${parent} / ${title}` : title,
    format: 'markdown',
    extension: 'notion',
    text,
    sizeBytes: Buffer.byteLength(text, 'utf8'),
    modifiedAt: page.last_edited_time,
    metadata,
  };
}
