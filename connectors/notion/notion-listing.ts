import { isFullDataSource, isFullPage, type DataSourceObjectResponse, type PageObjectResponse, type SearchParameters } from '@notionhq/client';
import type { Logger } from 'pino';
import type { ListingFailure } from '../../rag/index/indexer.ts';
import { notionStatus, type NotionApi } from './notion-api.ts';

// What is shared with the integration. Two ways to list it:
// - everything: every page and data source the search returns, plus every entry of every data source (search
//   may miss some); complete listings let the engine delete what vanished (unshared, deleted for good).
// - changes: search sorted by last_edited_time, newest first, stopping at the first result older than the
//   watermark, and the same in the trash — a workspace where nothing changed costs two requests.

export interface NotionListing {
  /** Live pages and data-source entries, by page id. */
  pages: Map<string, PageObjectResponse>;
  dataSources: Map<string, DataSourceObjectResponse>;
  /** Pages seen in the trash (or flagged in_trash/archived). */
  trashed: Set<string>;
  failures: ListingFailure[];
  /** Location prefixes this listing covered completely (see `pageLocation`). */
  completeUnder: string[];
  /** Newest last_edited_time among the live results, epoch ms. */
  newestEditedMs?: number;
}

/** Where a page sits, for deletion scoping: entries under their data source, every other page together. */
export function pageLocation(page: PageObjectResponse): string {
  return page.parent.type === 'data_source_id' ? `notion:ds:${page.parent.data_source_id}/${page.id}` : `notion:pages/${page.id}`;
}

export const ALL_NOTION = 'notion:';
const ALL_PAGES = 'notion:pages/';
const dataSourcePrefix = (id: string) => `notion:ds:${id}/`;

interface ListContext {
  api: NotionApi;
  signal: AbortSignal;
  log: Logger;
  onListing?: (message: string) => void;
}

export async function listEverything(context: ListContext): Promise<NotionListing> {
  const listing = emptyListing();
  const searchComplete = await search(context, listing, {}, undefined);
  const complete: string[] = searchComplete ? [ALL_PAGES] : [];
  let allDataSources = searchComplete;
  for (const dataSource of listing.dataSources.values()) {
    if (await queryEntries(context, listing, dataSource)) complete.push(dataSourcePrefix(dataSource.id));
    else allDataSources = false;
  }
  // Only when nothing was missed may entries of data sources no longer shared be deleted too.
  listing.completeUnder = allDataSources ? [ALL_NOTION] : complete;
  return listing;
}

export async function listChanges(context: ListContext, sinceMs: number): Promise<NotionListing> {
  const listing = emptyListing();
  const since = new Date(sinceMs).toISOString();
  // Each search is a step of its own: a failed one is reported by name and what the other found is kept (the
  // cursor stays put while a failure is reported, so the next sync asks again).
  await step(context, listing, 'notion:search', `searching the pages changed since ${since}`, () => search(context, listing, {}, sinceMs));
  await step(context, listing, 'notion:trash', `searching the trash for pages deleted since ${since}`, () =>
    search(context, listing, { filter: { in_trash: true } }, sinceMs),
  );
  return listing;
}

/**
 * Runs one step of a listing; its failure becomes a listing failure naming the step. A rejected token and a
 * cancelled sync still end the listing: no other step could do better.
 */
async function step<T>(context: ListContext, listing: NotionListing, location: string, what: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    context.signal.throwIfAborted();
    const status = notionStatus(error);
    if (status === 401) throw error;
    const message = `${what} failed${status === undefined ? '' : ` (HTTP ${status})`}: ${(error as Error).message}`;
    context.log.warn({ step: location, status }, message);
    listing.failures.push({ location, error: new Error(message, { cause: error }) });
    return undefined;
  }
}

function addPage(listing: NotionListing, page: PageObjectResponse): void {
  listing.pages.set(page.id, page);
  const editedMs = Date.parse(page.last_edited_time);
  if (Number.isFinite(editedMs)) listing.newestEditedMs = Math.max(listing.newestEditedMs ?? 0, editedMs);
}

function emptyListing(): NotionListing {
  return { pages: new Map(), dataSources: new Map(), trashed: new Set(), failures: [], completeUnder: [] };
}

/**
 * Pages through a search sorted newest first; with `sinceMs`, stops at the first result edited before it.
 * Returns whether the listing was complete (Notion may cut a search short).
 */
async function search(context: ListContext, listing: NotionListing, params: SearchParameters, sinceMs: number | undefined): Promise<boolean> {
  const { api, signal, log } = context;
  const inTrash = params.filter !== undefined && 'in_trash' in params.filter && params.filter.in_trash === true;
  let cursor: string | undefined;
  let requests = 0;
  for (;;) {
    const response = await api.search(
      { ...params, sort: { timestamp: 'last_edited_time', direction: 'descending' }, ...(cursor ? { start_cursor: cursor } : {}) },
      signal,
    );
    requests += 1;
    let reachedOld = false;
    for (const result of response.results) {
      if (!isFullPage(result) && !isFullDataSource(result)) continue;
      const editedMs = Date.parse(result.last_edited_time);
      if (sinceMs !== undefined && editedMs < sinceMs) {
        reachedOld = true;
        break;
      }
      if (result.object === 'data_source') {
        if (!inTrash && !result.in_trash) listing.dataSources.set(result.id, result);
        continue;
      }
      if (inTrash || result.in_trash || result.archived) {
        listing.trashed.add(result.id);
        continue;
      }
      addPage(listing, result);
    }
    if (!inTrash) context.onListing?.(`searched ${listing.pages.size} changed pages`);
    if (reachedOld || !response.has_more || !response.next_cursor) {
      if (response.request_status?.type === 'incomplete') {
        log.warn(
          { reason: response.request_status.incomplete_reason, requests },
          'Notion cut the search short: deletions are not mirrored this time',
        );
        return false;
      }
      return true;
    }
    cursor = response.next_cursor;
  }
}

/** Every entry of a data source; a data source that cannot be queried is a listing failure, not a fatal one. */
async function queryEntries(context: ListContext, listing: NotionListing, dataSource: DataSourceObjectResponse): Promise<boolean> {
  const { api, signal } = context;
  const title = dataSourceTitle(dataSource);
  const complete = await step(
    context,
    listing,
    `${dataSourcePrefix(dataSource.id)} (${title})`,
    `listing the entries of data source "${title}"`,
    async () => {
      let cursor: string | undefined;
      for (;;) {
        const response = await api.queryDataSource({ data_source_id: dataSource.id, ...(cursor ? { start_cursor: cursor } : {}) }, signal);
        for (const result of response.results) {
          if (!isFullPage(result)) continue;
          if (result.in_trash || result.archived) listing.trashed.add(result.id);
          else addPage(listing, result);
        }
        context.onListing?.(`listed ${listing.pages.size} pages and entries`);
        if (!response.has_more || !response.next_cursor) return response.request_status?.type !== 'incomplete';
        cursor = response.next_cursor;
      }
    },
  );
  return complete ?? false;
}

export function dataSourceTitle(dataSource: DataSourceObjectResponse): string {
  return (
    dataSource.title
      .map((item) => item.plain_text)
      .join('')
      .trim() || 'Untitled database'
  );
}
