import { isFullBlock, type BlockObjectResponse } from '@notionhq/client';
import type { NotionApi } from './notion-api.ts';
import { notionStatus } from './notion-api.ts';
import { LoreError } from '../../rag/errors.ts';

// A page's content as a tree of blocks: every level paginated, nested children followed, synced blocks
// resolved to their original's content. Child pages and child databases are separate documents, so the
// tree stops at them. A page is hostile input: the tree is bounded in size and depth.

export interface BlockNode {
  block: BlockObjectResponse;
  children: BlockNode[];
}

export interface BlockTreeLimits {
  /** Blocks per page, all levels together. */
  maxBlocks: number;
  /** Nesting levels below the page. */
  maxDepth: number;
}

export const DEFAULT_BLOCK_TREE_LIMITS: Readonly<BlockTreeLimits> = Object.freeze({ maxBlocks: 20_000, maxDepth: 24 });

/** A page that cannot be rendered within the limits. */
export class PageTooLargeError extends LoreError {
  override readonly code: string = 'page_too_large';
  override name = 'PageTooLargeError';
}

const SEPARATE_DOCUMENTS = new Set(['child_page', 'child_database']);

export async function fetchBlockTree(
  api: NotionApi,
  pageId: string,
  signal: AbortSignal,
  limits: BlockTreeLimits = DEFAULT_BLOCK_TREE_LIMITS,
): Promise<BlockNode[]> {
  let count = 0;

  const childrenOf = async (blockId: string, depth: number, syncedFrom: ReadonlySet<string>): Promise<BlockNode[]> => {
    if (depth > limits.maxDepth) throw new PageTooLargeError(`blocks are nested more than ${limits.maxDepth} levels deep`);
    const nodes: BlockNode[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.listChildren(blockId, cursor, signal);
      for (const block of page.results) {
        // Partial blocks carry no content (the integration may not read them).
        if (!isFullBlock(block)) continue;
        count += 1;
        if (count > limits.maxBlocks) throw new PageTooLargeError(`more than ${limits.maxBlocks} blocks`);
        nodes.push({ block, children: [] });
      }
      cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
    } while (cursor);

    for (const node of nodes) {
      const { block } = node;
      if (SEPARATE_DOCUMENTS.has(block.type)) continue;
      if (block.type === 'synced_block' && block.synced_block.synced_from) {
        // A copy of a synced block: its content lives under the original, which may be on a page not shared
        // with the integration (404) — then the copy renders as nothing rather than failing the whole page.
        const original = block.synced_block.synced_from.block_id;
        if (syncedFrom.has(original)) continue;
        try {
          node.children = await childrenOf(original, depth + 1, new Set([...syncedFrom, original]));
        } catch (error) {
          if (notionStatus(error) !== 404) throw error;
        }
        continue;
      }
      if (block.has_children) node.children = await childrenOf(block.id, depth + 1, syncedFrom);
    }
    return nodes;
  };

  return childrenOf(pageId, 0, new Set());
}
