import type { PageObjectResponse } from '@notionhq/client';
import type { Logger } from 'pino';
import type { DocumentCandidate, IndexInput } from '../../rag/index/indexer.ts';
import type { Connector, SourceListing, SyncCursor, SyncRequest } from '../connector.ts';
import { DEFAULT_BLOCK_TREE_LIMITS, type BlockTreeLimits } from './block-tree.ts';
import { NotionApi, notionStatus } from './notion-api.ts';
import { listChanges, listEverything, pageLocation, type NotionListing } from './notion-listing.ts';
import { NotionNames } from './notion-names.ts';
import { loadPageDocument, notionDocumentId } from './notion-page-document.ts';

// Notion as a sync source: every page and data-source entry shared with the integration, incremental by
// last_edited_time. The cursor holds a watermark (changes at or after it are listed again), when the last
// full listing ran (a full listing, at least daily, is what notices pages unshared or deleted for good) and
// the workspace name.

export interface NotionConnectorOptions {
  token: string;
  /** NOTION_BASE_URL: tests point it at a local fake. */
  baseUrl?: string;
  /** Average requests per second (Notion allows 3). */
  requestsPerSecond?: number;
  timeoutMs?: number;
  attempts?: number;
  retryBaseDelayMs?: number;
  /** A full listing at least this often. Default 24 hours. */
  fullListingEveryMs?: number;
  /**
   * Notion's last_edited_time has minute precision, so an edit in the same minute as a sync leaves it
   * unchanged: pages edited this recently are loaded again at the next sync. Default 2 minutes.
   */
  settleMs?: number;
  treeLimits?: BlockTreeLimits;
  /** Longest rendered page, in characters. Default 5 million. */
  maxChars?: number;
  now?: () => number;
}

export interface NotionConnector extends Connector {
  /** HTTP requests sent to Notion so far (retries included): benchmarks and tests read it. */
  readonly requestCount: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** From `config.notion` (NOTION_TOKEN, NOTION_BASE_URL); `overrides` tune limits for tests and benchmarks. */
export function createNotionConnector(
  config: { token?: string; baseUrl?: string },
  log: Logger,
  overrides: Partial<Omit<NotionConnectorOptions, 'token' | 'baseUrl'>> = {},
): NotionConnector {
  if (!config.token) throw new Error('Notion is not configured: set NOTION_TOKEN');
  return new NotionSource({ ...overrides, token: config.token, baseUrl: config.baseUrl }, log);
}

class NotionSource implements NotionConnector {
  readonly source = 'notion' as const;
  private readonly api: NotionApi;
  private readonly now: () => number;

  constructor(
    private readonly options: NotionConnectorOptions,
    private readonly log: Logger,
  ) {
    this.api = new NotionApi({
      token: options.token,
      baseUrl: options.baseUrl,
      requestsPerSecond: options.requestsPerSecond,
      timeoutMs: options.timeoutMs,
      attempts: options.attempts,
      retryBaseDelayMs: options.retryBaseDelayMs,
      log,
    });
    this.now = options.now ?? Date.now;
  }

  get requestCount(): number {
    return this.api.requestCount;
  }

  async list(request: SyncRequest): Promise<SourceListing> {
    const { cursor, signal } = request;
    const startedMs = this.now();
    const watermarkMs = Date.parse(cursor.watermark ?? '');
    const lastFullMs = Date.parse(cursor.fullListedAt ?? '');
    const everything =
      request.full ||
      !Number.isFinite(watermarkMs) ||
      !Number.isFinite(lastFullMs) ||
      startedMs - lastFullMs >= (this.options.fullListingEveryMs ?? DAY_MS);

    const context = { api: this.api, signal, log: this.log, onListing: request.onListing };
    let listing: NotionListing;
    let workspace: string;
    try {
      listing = everything ? await listEverything(context) : await listChanges(context, watermarkMs);
      workspace = everything || cursor.workspace === undefined ? await this.workspaceName(signal) : cursor.workspace;
    } catch (error) {
      throw explain(error);
    }
    this.log.info(
      { mode: everything ? 'full' : 'changes', pages: listing.pages.size, trashed: listing.trashed.size, requests: this.api.requestCount },
      'Notion listed',
    );

    const names = new NotionNames(this.api, this.log, { pages: listing.pages, dataSources: listing.dataSources });
    const settleCutoffMs = startedMs - (this.options.settleMs ?? 120_000);
    const listedAt = new Date(startedMs).toISOString();
    const inputs: IndexInput[] = [...listing.failures];
    for (const page of listing.pages.values()) {
      inputs.push(this.candidate(page, { names, workspace, signal }, Date.parse(page.last_edited_time) >= settleCutoffMs ? listedAt : undefined));
    }

    // Changes at or after the watermark are listed again next time. It never passes the settle cutoff (edits
    // within the same minute) and never runs ahead of what Notion itself reported (our clock may be ahead).
    const newestMs = Math.max(everything || !Number.isFinite(watermarkMs) ? -Infinity : watermarkMs, listing.newestEditedMs ?? -Infinity);
    const nextCursor: SyncCursor = {
      watermark: new Date(Number.isFinite(newestMs) ? Math.min(newestMs, settleCutoffMs) : settleCutoffMs).toISOString(),
      fullListedAt: everything ? listedAt : (cursor.fullListedAt ?? listedAt),
      workspace,
    };
    return {
      inputs,
      completeUnder: everything ? listing.completeUnder : [],
      deleted: [...listing.trashed].filter((id) => !listing.pages.has(id)).map(notionDocumentId),
      cursor: nextCursor,
    };
  }

  private candidate(
    page: PageObjectResponse,
    shared: { names: NotionNames; workspace: string; signal: AbortSignal },
    settlingSince: string | undefined,
  ): DocumentCandidate {
    return {
      id: notionDocumentId(page.id),
      location: pageLocation(page),
      // A page edited in the last minutes may change again within the same minute-precision timestamp: its
      // fingerprint differs from the next sync's, so that sync loads it again (content hashes skip re-embedding).
      fingerprint: settlingSince ? `${page.last_edited_time}|settling@${settlingSince}` : page.last_edited_time,
      load: () =>
        loadPageDocument(page, {
          api: this.api,
          names: shared.names,
          workspace: shared.workspace,
          signal: shared.signal,
          treeLimits: this.options.treeLimits ?? DEFAULT_BLOCK_TREE_LIMITS,
          maxChars: this.options.maxChars ?? 5_000_000,
        }),
    };
  }

  private async workspaceName(signal: AbortSignal): Promise<string> {
    const bot = await this.api.self(signal);
    return bot.type === 'bot' && 'workspace_name' in bot.bot ? (bot.bot.workspace_name ?? '') : '';
  }
}

function explain(error: unknown): unknown {
  const status = notionStatus(error);
  if (status === 401) return new Error(`Notion rejected NOTION_TOKEN (401 unauthorized): ${(error as Error).message}`, { cause: error });
  return error;
}
