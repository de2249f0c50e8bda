import { AsyncLocalStorage } from 'node:async_hooks';
import {
  APIResponseError,
  Client,
  LogLevel,
  type GetDataSourceResponse,
  type GetPageResponse,
  type ListBlockChildrenResponse,
  type QueryDataSourceParameters,
  type QueryDataSourceResponse,
  type SearchParameters,
  type SearchResponse,
  type UserObjectResponse,
} from '@notionhq/client';
import Bottleneck from 'bottleneck';
import type { Logger } from 'pino';
import { errorStatus, withRetry, withTimeout } from '../../rag/retry.ts';
import { errorMessage } from '../../rag/errors.ts';

// Every Notion call goes through here: one client, a rate limiter at Notion's average of 3 requests per second,
// a timeout per attempt that really aborts the HTTP request, and bounded retries that honour Retry-After.
// The SDK's own retries are switched off so there is exactly one retry policy (and 500s on POST endpoints
// such as search, which are reads, are retried too).

export interface NotionApiOptions {
  token: string;
  /** `NOTION_BASE_URL` (tests point it at a local fake); default https://api.notion.com. */
  baseUrl?: string;
  /** Average requests per second. Notion allows 3. */
  requestsPerSecond?: number;
  /** Limit for one HTTP attempt. Default 30 s. */
  timeoutMs?: number;
  /** Attempts per call, the first included. Default 5. */
  attempts?: number;
  /** First backoff step (doubles each retry). Default 1 s. */
  retryBaseDelayMs?: number;
  /** A Retry-After longer than this gives up instead of waiting. Default 2 minutes. */
  maxRetryDelayMs?: number;
  log: Logger;
}

/** Page sizes are capped at 100 by Notion. */
const PAGE_SIZE = 100;

export class NotionApi {
  private readonly client: Client;
  private readonly limiter: Bottleneck;
  /** The signal of the attempt in progress, read by the fetch the SDK calls (the SDK takes no signal). */
  private readonly attemptSignal = new AsyncLocalStorage<AbortSignal>();
  private readonly timeoutMs: number;
  private requests = 0;

  constructor(private readonly options: NotionApiOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    const rps = options.requestsPerSecond ?? 3;
    if (!(rps > 0)) throw new Error(`Notion requests per second must be positive, got ${rps}`);
    this.limiter = new Bottleneck({ maxConcurrent: 3, minTime: Math.ceil(1000 / rps) });
    this.client = new Client({
      auth: options.token,
      baseUrl: options.baseUrl,
      // A backstop only: withTimeout below aborts the request first.
      timeoutMs: this.timeoutMs + 5_000,
      retry: false,
      logLevel: LogLevel.WARN,
      // The SDK logs method, path and error codes, never the token.
      logger: (level, message, extra) => options.log.debug({ notionLevel: level, ...extra }, `Notion SDK: ${message}`),
      fetch: (url: string, init?: RequestInit): Promise<Response> => {
        this.requests += 1;
        return fetch(url, { ...init, signal: this.attemptSignal.getStore() });
      },
    });
  }

  /** HTTP requests sent so far, retries included. */
  get requestCount(): number {
    return this.requests;
  }

  search(params: SearchParameters, signal: AbortSignal): Promise<SearchResponse> {
    return this.call('search', (client) => client.search({ page_size: PAGE_SIZE, ...params }), signal);
  }

  queryDataSource(params: QueryDataSourceParameters, signal: AbortSignal): Promise<QueryDataSourceResponse> {
    return this.call('data source query', (client) => client.dataSources.query({ page_size: PAGE_SIZE, ...params }), signal);
  }

  listChildren(blockId: string, startCursor: string | undefined, signal: AbortSignal): Promise<ListBlockChildrenResponse> {
    return this.call(
      'block children',
      (client) => client.blocks.children.list({ block_id: blockId, page_size: PAGE_SIZE, ...(startCursor ? { start_cursor: startCursor } : {}) }),
      signal,
    );
  }

  retrievePage(pageId: string, signal: AbortSignal): Promise<GetPageResponse> {
    return this.call('page', (client) => client.pages.retrieve({ page_id: pageId }), signal);
  }

  retrieveDataSource(dataSourceId: string, signal: AbortSignal): Promise<GetDataSourceResponse> {
    return this.call('data source', (client) => client.dataSources.retrieve({ data_source_id: dataSourceId }), signal);
  }

  retrieveUser(userId: string, signal: AbortSignal): Promise<UserObjectResponse> {
    return this.call('user', (client) => client.users.retrieve({ user_id: userId }), signal);
  }

  /** The integration's bot user, which names the workspace. */
  self(signal: AbortSignal): Promise<UserObjectResponse> {
    return this.call('bot user', (client) => client.users.me({}), signal);
  }

  private call<T>(label: string, fn: (client: Client) => Promise<T>, signal: AbortSignal): Promise<T> {
    return withRetry(
      () =>
        this.limiter.schedule(() => {
          // Cancelled while waiting for a slot: give the slot back without calling Notion.
          signal.throwIfAborted();
          return withTimeout((attempt) => this.attemptSignal.run(attempt, () => fn(this.client)), this.timeoutMs, signal);
        }),
      {
        attempts: this.options.attempts ?? 5,
        baseDelayMs: this.options.retryBaseDelayMs ?? 1_000,
        maxDelayMs: this.options.maxRetryDelayMs ?? 120_000,
        signal,
        label: `Notion ${label}`,
        onRetry: ({ attempt, delayMs, error }) =>
          this.options.log.warn(
            { operation: label, attempt, delayMs: Math.round(delayMs), status: errorStatus(error), err: errorMessage(error) },
            'Notion request failed, retrying',
          ),
      },
    );
  }
}

/** The HTTP status of a Notion API error (404, 401…), looking through a RetryError's cause. */
export function notionStatus(error: unknown): number | undefined {
  if (APIResponseError.isAPIResponseError(error)) return error.status;
  const status = errorStatus(error);
  if (status !== undefined) return status;
  const cause = error instanceof Error ? error.cause : undefined;
  return cause === undefined ? undefined : notionStatus(cause);
}
