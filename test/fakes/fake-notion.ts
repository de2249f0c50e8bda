// A local stand-in for the Notion API (version 2025-09-03) on 127.0.0.1 and a random port, so the real
// `@notionhq/client` can be tested offline (`new Client({ auth, baseUrl: fake.url })`). Payloads follow the
// public API reference: search with start_cursor/next_cursor/has_more (live content only unless
// `filter.in_trash`), data source queries, paginated block children, pages, users, the bot user; errors as
// `{object:'error', status, code, message}`; 429 with Retry-After. Tests build a workspace with the builders
// below, change it between syncs, inject failures and count requests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
}

export interface NotionRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/blocks/<id>/children`. */
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  at: number;
}

export interface RichTextInput {
  text: string;
  bold?: boolean;
  italic?: boolean;
  strikethrough?: boolean;
  code?: boolean;
  link?: string;
}

export interface BlockInput {
  type: string;
  /** The type-specific payload (`paragraph: {...}`), rich text already in API shape. */
  data: Record<string, unknown>;
  children?: BlockInput[];
  /** Fixed id (synced originals, child pages); otherwise one is made up. */
  id?: string;
}

export interface PageInput {
  id?: string;
  title: string;
  /** Under another page or a data source (as one of its entries); default: the workspace. */
  parent?: { pageId: string } | { dataSourceId: string };
  blocks?: BlockInput[];
  /** Extra properties in API shape (see the property builders). */
  properties?: Record<string, unknown>;
  createdBy?: string;
  createdAt?: string;
  editedAt?: string;
}

export interface FakeNotion {
  readonly url: string;
  readonly requests: NotionRequest[];
  addUser(id: string, name: string): void;
  addDataSource(input: { id?: string; title: string; editedAt?: string }): string;
  addPage(input: PageInput): string;
  /** Changes a page; its last_edited_time moves to `editedAt` (default: one minute after the previous one). */
  editPage(id: string, change: { title?: string; blocks?: BlockInput[]; properties?: Record<string, unknown>; editedAt?: string }): void;
  /** Moves a page to the trash (as the API's `in_trash: true` update does), which counts as an edit. */
  trashPage(id: string, editedAt?: string): void;
  /** The page is no longer shared with the integration: it vanishes from every answer (404). */
  unsharePage(id: string): void;
  unshareDataSource(id: string): void;
  /** The next requests matching `match` get `response` instead (`times` of them; Infinity for all). */
  fail(match: (request: NotionRequest) => boolean, response: FakeResponse, times?: number): void;
  clearFailures(): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

// ---- Builders: rich text, blocks and properties in the API's shapes ----

export function rt(input: string | RichTextInput): Record<string, unknown> {
  const run = typeof input === 'string' ? { text: input } : input;
  return {
    type: 'text',
    text: { content: run.text, link: run.link ? { url: run.link } : null },
    annotations: {
      bold: run.bold ?? false,
      italic: run.italic ?? false,
      strikethrough: run.strikethrough ?? false,
      underline: false,
      code: run.code ?? false,
      color: 'default',
    },
    plain_text: run.text,
    href: run.link ?? null,
  };
}

const richText = (content: string | RichTextInput | RichTextInput[]) => (Array.isArray(content) ? content : [content]).map((run) => rt(run));

export const block = {
  paragraph: (content: string | RichTextInput[], children?: BlockInput[]): BlockInput => ({
    type: 'paragraph',
    data: { rich_text: richText(content), color: 'default' },
    children,
  }),
  heading: (level: 1 | 2 | 3, text: string, children?: BlockInput[]): BlockInput => ({
    type: `heading_${level}`,
    data: { rich_text: richText(text), color: 'default', is_toggleable: Boolean(children) },
    children,
  }),
  bullet: (text: string, children?: BlockInput[]): BlockInput => ({
    type: 'bulleted_list_item',
    data: { rich_text: richText(text), color: 'default' },
    children,
  }),
  numbered: (text: string, children?: BlockInput[]): BlockInput => ({
    type: 'numbered_list_item',
    data: { rich_text: richText(text), color: 'default' },
    children,
  }),
  todo: (text: string, checked: boolean): BlockInput => ({ type: 'to_do', data: { rich_text: richText(text), checked, color: 'default' } }),
  toggle: (text: string, children: BlockInput[]): BlockInput => ({ type: 'toggle', data: { rich_text: richText(text), color: 'default' }, children }),
  quote: (text: string, children?: BlockInput[]): BlockInput => ({ type: 'quote', data: { rich_text: richText(text), color: 'default' }, children }),
  callout: (text: string, emoji: string, children?: BlockInput[]): BlockInput => ({
    type: 'callout',
    data: { rich_text: richText(text), icon: { type: 'emoji', emoji }, color: 'gray_background' },
    children,
  }),
  code: (code: string, language: string, caption = ''): BlockInput => ({
    type: 'code',
    data: { rich_text: richText(code), language, caption: caption ? richText(caption) : [] },
  }),
  equation: (expression: string): BlockInput => ({ type: 'equation', data: { expression } }),
  divider: (): BlockInput => ({ type: 'divider', data: {} }),
  bookmark: (url: string, caption = ''): BlockInput => ({ type: 'bookmark', data: { url, caption: caption ? richText(caption) : [] } }),
  /** An image uploaded to Notion: its URL is signed and changes on every request, like the real one. */
  uploadedImage: (caption: string): BlockInput => ({
    type: 'image',
    data: { type: 'file', file: { url: '', expiry_time: '' }, caption: caption ? richText(caption) : [] },
  }),
  externalImage: (url: string, caption = ''): BlockInput => ({
    type: 'image',
    data: { type: 'external', external: { url }, caption: caption ? richText(caption) : [] },
  }),
  childPage: (pageId: string, title: string): BlockInput => ({ id: pageId, type: 'child_page', data: { title } }),
  childDatabase: (databaseId: string, title: string): BlockInput => ({ id: databaseId, type: 'child_database', data: { title } }),
  table: (rows: string[][], hasColumnHeader: boolean): BlockInput => ({
    type: 'table',
    data: { table_width: Math.max(...rows.map((r) => r.length)), has_column_header: hasColumnHeader, has_row_header: false },
    children: rows.map((cells) => ({ type: 'table_row', data: { cells: cells.map((cell) => richText(cell)) } })),
  }),
  columns: (...columns: BlockInput[][]): BlockInput => ({
    type: 'column_list',
    data: {},
    children: columns.map((children) => ({ type: 'column', data: {}, children })),
  }),
  syncedOriginal: (id: string, children: BlockInput[]): BlockInput => ({ id, type: 'synced_block', data: { synced_from: null }, children }),
  syncedCopy: (originalId: string): BlockInput => ({ type: 'synced_block', data: { synced_from: { type: 'block_id', block_id: originalId } } }),
  unsupported: (): BlockInput => ({ type: 'unsupported', data: {} }),
  /** A block as Notion answered it (`GET /v1/blocks/{id}`), e.g. from test/fixtures/notion/. */
  recorded: (response: { type: string } & Record<string, unknown>): BlockInput => ({
    type: response.type,
    data: response[response.type] as Record<string, unknown>,
  }),
};

export const property = {
  select: (name: string) => ({ id: `sel-${name}`, type: 'select', select: { id: `opt-${name}`, name, color: 'blue' } }),
  multiSelect: (...names: string[]) => ({
    id: 'ms',
    type: 'multi_select',
    multi_select: names.map((name) => ({ id: `opt-${name}`, name, color: 'green' })),
  }),
  status: (name: string) => ({ id: 'st', type: 'status', status: { id: `st-${name}`, name, color: 'green' } }),
  text: (text: string) => ({ id: 'rt', type: 'rich_text', rich_text: [rt(text)] }),
  number: (value: number) => ({ id: 'num', type: 'number', number: value }),
  date: (start: string) => ({ id: 'date', type: 'date', date: { start, end: null, time_zone: null } }),
  checkbox: (checked: boolean) => ({ id: 'cb', type: 'checkbox', checkbox: checked }),
};

// ---- The server ----

interface StoredBlock {
  id: string;
  type: string;
  data: Record<string, unknown>;
  parent: { type: 'page_id'; page_id: string } | { type: 'block_id'; block_id: string };
  childIds: string[];
  createdAt: string;
}

interface StoredPage {
  id: string;
  title: string;
  parent: PageInput['parent'];
  properties: Record<string, unknown>;
  childIds: string[];
  createdBy: string;
  createdAt: string;
  editedAt: string;
  inTrash: boolean;
}

interface StoredDataSource {
  id: string;
  databaseId: string;
  title: string;
  createdAt: string;
  editedAt: string;
}

interface FailureRule {
  match: (request: NotionRequest) => boolean;
  response: FakeResponse;
  remaining: number;
}

const DEFAULT_TIME = '2024-01-01T00:00:00.000Z';
const BOT_ID = 'b0b00000-0000-4000-8000-000000000001';

export function notionError(status: number, code: string, message: string): FakeResponse {
  return { status, body: { object: 'error', status, code, message, request_id: 'fake-request' } };
}

export function rateLimited(retryAfterSeconds: number): FakeResponse {
  return {
    ...notionError(429, 'rate_limited', 'You have been rate limited. Please try again in a few minutes.'),
    headers: { 'retry-after': String(retryAfterSeconds) },
  };
}

export async function startFakeNotion(options: { token?: string; workspaceName?: string; maxPageSize?: number } = {}): Promise<FakeNotion> {
  const token = options.token ?? 'secret_fake';
  const maxPageSize = Math.min(100, options.maxPageSize ?? 100);
  const pages = new Map<string, StoredPage>();
  const blocks = new Map<string, StoredBlock>();
  const dataSources = new Map<string, StoredDataSource>();
  const users = new Map<string, string>();
  const requests: NotionRequest[] = [];
  let failures: FailureRule[] = [];
  let latencyMs = 0;
  let counter = 0;
  users.set(BOT_ID, 'Lore');

  const newId = (): string => {
    counter += 1;
    const hex = counter.toString(16).padStart(12, '0');
    return `0000f00d-0000-4000-8000-${hex}`;
  };

  const storeBlocks = (inputs: BlockInput[], parent: StoredBlock['parent'], createdAt: string): string[] =>
    inputs.map((input) => {
      const id = input.id ?? newId();
      const stored: StoredBlock = { id, type: input.type, data: input.data, parent, childIds: [], createdAt };
      blocks.set(id, stored);
      stored.childIds = storeBlocks(input.children ?? [], { type: 'block_id', block_id: id }, createdAt);
      return id;
    });

  const dropBlocks = (ids: string[]): void => {
    for (const id of ids) {
      const stored = blocks.get(id);
      if (!stored) continue;
      dropBlocks(stored.childIds);
      blocks.delete(id);
    }
  };

  const pageUrl = (page: StoredPage) =>
    `https://www.notion.so/${page.title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}-${page.id.replace(/-/g, '')}`;

  const pageJson = (page: StoredPage) => ({
    object: 'page',
    id: page.id,
    created_time: page.createdAt,
    last_edited_time: page.editedAt,
    created_by: { object: 'user', id: page.createdBy },
    last_edited_by: { object: 'user', id: page.createdBy },
    cover: null,
    icon: null,
    parent: !page.parent
      ? { type: 'workspace', workspace: true }
      : 'pageId' in page.parent
        ? { type: 'page_id', page_id: page.parent.pageId }
        : { type: 'data_source_id', data_source_id: page.parent.dataSourceId, database_id: dataSources.get(page.parent.dataSourceId)?.databaseId },
    in_trash: page.inTrash,
    archived: page.inTrash,
    is_locked: false,
    properties: { Name: { id: 'title', type: 'title', title: [rt(page.title)] }, ...page.properties },
    url: pageUrl(page),
    public_url: null,
  });

  const dataSourceJson = (source: StoredDataSource) => ({
    object: 'data_source',
    id: source.id,
    title: [rt(source.title)],
    description: [],
    parent: { type: 'database_id', database_id: source.databaseId },
    database_parent: { type: 'workspace', workspace: true },
    is_inline: false,
    in_trash: false,
    archived: false,
    created_time: source.createdAt,
    last_edited_time: source.editedAt,
    created_by: { object: 'user', id: BOT_ID },
    last_edited_by: { object: 'user', id: BOT_ID },
    properties: {},
    icon: null,
    cover: null,
    url: `https://www.notion.so/${source.databaseId.replace(/-/g, '')}`,
    public_url: null,
  });

  const blockJson = (stored: StoredBlock) => {
    let data = stored.data;
    // Like Notion's signed S3 links: a new signature on every read; the path (where the file name is) stays.
    if (data.type === 'file') {
      const file = data.file as { url?: string } | undefined;
      const path = file?.url ? new URL(file.url).origin + new URL(file.url).pathname : `https://files.example/${stored.id}`;
      data = {
        ...data,
        file: { url: `${path}?sig=${Math.random().toString(36).slice(2)}`, expiry_time: new Date(Date.now() + 3_600_000).toISOString() },
      };
    }
    const isSyncedCopy = stored.type === 'synced_block' && stored.data.synced_from !== null;
    return {
      object: 'block',
      id: stored.id,
      parent: stored.parent,
      created_time: stored.createdAt,
      last_edited_time: stored.createdAt,
      created_by: { object: 'user', id: BOT_ID },
      last_edited_by: { object: 'user', id: BOT_ID },
      has_children: stored.childIds.length > 0 || isSyncedCopy || stored.type === 'child_page',
      in_trash: false,
      archived: false,
      type: stored.type,
      [stored.type]: data,
    };
  };

  /** One page of `items`, cut at `start_cursor` (the id of the first item of the page, like Notion's). */
  const paginate = <T extends { id: string }>(
    items: T[],
    startCursor: unknown,
    pageSize: unknown,
  ): FakeResponse | { results: T[]; next_cursor: string | null; has_more: boolean } => {
    let start = 0;
    if (startCursor !== undefined && startCursor !== null) {
      start = items.findIndex((item) => item.id === startCursor);
      if (start < 0) return notionError(400, 'validation_error', 'body failed validation: start_cursor should be a valid cursor.');
    }
    const size = Math.min(maxPageSize, typeof pageSize === 'number' && pageSize > 0 ? pageSize : 100);
    const slice = items.slice(start, start + size);
    const next = items[start + size];
    return { results: slice, next_cursor: next ? next.id : null, has_more: next !== undefined };
  };

  const byEdited = (direction: unknown) => (a: { editedAt: string; id: string }, b: { editedAt: string; id: string }) => {
    const order = a.editedAt.localeCompare(b.editedAt) || a.id.localeCompare(b.id);
    return direction === 'ascending' ? order : -order;
  };

  const route = (request: NotionRequest): FakeResponse => {
    const { method, path, body, query } = request;
    let match: RegExpExecArray | null;

    if (method === 'POST' && path === '/v1/search') {
      const filter = (body.filter ?? {}) as { value?: string; in_trash?: boolean };
      const sort = body.sort as { direction?: string } | undefined;
      const trash = filter.in_trash === true;
      const text = typeof body.query === 'string' ? body.query.toLowerCase() : '';
      const items: { id: string; editedAt: string; json: () => unknown }[] = [];
      if (filter.value !== 'data_source') {
        for (const page of pages.values()) {
          if (page.inTrash !== trash || (text && !page.title.toLowerCase().includes(text))) continue;
          items.push({ id: page.id, editedAt: page.editedAt, json: () => pageJson(page) });
        }
      }
      if (filter.value !== 'page' && !trash) {
        for (const source of dataSources.values()) {
          if (text && !source.title.toLowerCase().includes(text)) continue;
          items.push({ id: source.id, editedAt: source.editedAt, json: () => dataSourceJson(source) });
        }
      }
      items.sort(byEdited(sort?.direction ?? 'descending'));
      const page = paginate(items, body.start_cursor, body.page_size);
      if ('status' in page) return page;
      return {
        status: 200,
        body: {
          object: 'list',
          results: page.results.map((item) => item.json()),
          next_cursor: page.next_cursor,
          has_more: page.has_more,
          type: 'page_or_data_source',
          page_or_data_source: {},
          request_id: 'fake-request',
        },
      };
    }

    if (method === 'POST' && (match = /^\/v1\/data_sources\/([^/]+)\/query$/.exec(path))) {
      const sourceId = match[1]!;
      if (!dataSources.has(sourceId))
        return notionError(
          404,
          'object_not_found',
          `Could not find data_source with ID: ${sourceId}. Make sure the relevant pages and databases are shared with your integration.`,
        );
      const entries = [...pages.values()]
        .filter(
          (page) =>
            page.parent && 'dataSourceId' in page.parent && page.parent.dataSourceId === sourceId && page.inTrash === (body.in_trash === true),
        )
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
      const page = paginate(entries, body.start_cursor, body.page_size);
      if ('status' in page) return page;
      return {
        status: 200,
        body: {
          object: 'list',
          results: page.results.map(pageJson),
          next_cursor: page.next_cursor,
          has_more: page.has_more,
          type: 'page_or_data_source',
          page_or_data_source: {},
          request_id: 'fake-request',
        },
      };
    }

    if (method === 'GET' && (match = /^\/v1\/blocks\/([^/]+)\/children$/.exec(path))) {
      const id = match[1]!;
      const page = pages.get(id);
      let stored = blocks.get(id);
      // A synced copy shows its original's content.
      if (stored?.type === 'synced_block' && stored.data.synced_from) {
        stored = blocks.get((stored.data.synced_from as { block_id: string }).block_id);
      }
      const childIds = page ? page.childIds : stored?.childIds;
      if (!childIds)
        return notionError(
          404,
          'object_not_found',
          `Could not find block with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
        );
      const children = childIds.map((childId) => blocks.get(childId)!);
      const slice = paginate(children, query.start_cursor, query.page_size ? Number(query.page_size) : undefined);
      if ('status' in slice) return slice;
      return {
        status: 200,
        body: {
          object: 'list',
          results: slice.results.map(blockJson),
          next_cursor: slice.next_cursor,
          has_more: slice.has_more,
          type: 'block',
          block: {},
          request_id: 'fake-request',
        },
      };
    }

    if (method === 'GET' && (match = /^\/v1\/pages\/([^/]+)$/.exec(path))) {
      const page = pages.get(match[1]!);
      if (!page) return notionError(404, 'object_not_found', `Could not find page with ID: ${match[1]}.`);
      return { status: 200, body: pageJson(page) };
    }

    if (method === 'GET' && (match = /^\/v1\/data_sources\/([^/]+)$/.exec(path))) {
      const source = dataSources.get(match[1]!);
      if (!source) return notionError(404, 'object_not_found', `Could not find data_source with ID: ${match[1]}.`);
      return { status: 200, body: dataSourceJson(source) };
    }

    if (method === 'GET' && path === '/v1/users/me') {
      return {
        status: 200,
        body: {
          object: 'user',
          id: BOT_ID,
          type: 'bot',
          name: 'Lore',
          avatar_url: null,
          bot: {
            owner: { type: 'workspace', workspace: true },
            workspace_id: 'fake-workspace',
            workspace_name: options.workspaceName ?? 'Acme',
            workspace_limits: { max_file_upload_size_in_bytes: 5_242_880 },
          },
        },
      };
    }

    if (method === 'GET' && (match = /^\/v1\/users\/([^/]+)$/.exec(path))) {
      const name = users.get(match[1]!);
      if (name === undefined) return notionError(404, 'object_not_found', `Could not find user with ID: ${match[1]}.`);
      return {
        status: 200,
        body: {
          object: 'user',
          id: match[1],
          type: 'person',
          name,
          avatar_url: null,
          person: { email: `${name.toLowerCase().replace(/\s+/g, '.')}@example.com` },
        },
      };
    }

    return notionError(400, 'invalid_request_url', `Invalid request URL: ${method} ${path}`);
  };

  const send = (res: ServerResponse, response: FakeResponse): void => {
    if (res.destroyed) return;
    res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
    res.end(JSON.stringify(response.body ?? {}));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: Record<string, unknown> = {};
    try {
      const raw = Buffer.concat(chunks).toString('utf8');
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return send(res, notionError(400, 'invalid_json', 'Error parsing JSON body.'));
    }
    const request: NotionRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      at: Date.now(),
    };
    requests.push(request);

    if (req.headers.authorization !== `Bearer ${token}`) return send(res, notionError(401, 'unauthorized', 'API token is invalid.'));
    if (!req.headers['notion-version']) return send(res, notionError(400, 'missing_version', 'Notion-Version header failed validation.'));

    const rule = failures.find((candidate) => candidate.remaining > 0 && candidate.match(request));
    if (rule) rule.remaining -= 1;
    const response = rule?.response ?? route(request);
    const delay = rule ? (rule.response.delayMs ?? 0) : latencyMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    send(res, response);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, notionError(500, 'internal_server_error', String(error))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const requirePage = (id: string): StoredPage => {
    const page = pages.get(id);
    if (!page) throw new Error(`fake Notion: no page ${id}`);
    return page;
  };
  const nextMinute = (iso: string) => new Date(Date.parse(iso) + 60_000).toISOString();

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addUser: (id, name) => users.set(id, name),
    addDataSource: ({ id, title, editedAt }) => {
      const sourceId = id ?? newId();
      dataSources.set(sourceId, {
        id: sourceId,
        databaseId: newId(),
        title,
        createdAt: editedAt ?? DEFAULT_TIME,
        editedAt: editedAt ?? DEFAULT_TIME,
      });
      return sourceId;
    },
    addPage: (input) => {
      const id = input.id ?? newId();
      const createdAt = input.createdAt ?? input.editedAt ?? DEFAULT_TIME;
      const page: StoredPage = {
        id,
        title: input.title,
        parent: input.parent,
        properties: input.properties ?? {},
        childIds: [],
        createdBy: input.createdBy ?? BOT_ID,
        createdAt,
        editedAt: input.editedAt ?? createdAt,
        inTrash: false,
      };
      page.childIds = storeBlocks(input.blocks ?? [], { type: 'page_id', page_id: id }, createdAt);
      pages.set(id, page);
      return id;
    },
    editPage: (id, change) => {
      const page = requirePage(id);
      if (change.title !== undefined) page.title = change.title;
      if (change.properties !== undefined) page.properties = change.properties;
      if (change.blocks !== undefined) {
        dropBlocks(page.childIds);
        page.childIds = storeBlocks(change.blocks, { type: 'page_id', page_id: id }, page.createdAt);
      }
      page.editedAt = change.editedAt ?? nextMinute(page.editedAt);
    },
    trashPage: (id, editedAt) => {
      const page = requirePage(id);
      page.inTrash = true;
      page.editedAt = editedAt ?? nextMinute(page.editedAt);
    },
    unsharePage: (id) => {
      dropBlocks(requirePage(id).childIds);
      pages.delete(id);
    },
    unshareDataSource: (id) => {
      dataSources.delete(id);
    },
    fail: (match, response, times = 1) => failures.push({ match, response, remaining: times }),
    clearFailures: () => {
      failures = [];
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
