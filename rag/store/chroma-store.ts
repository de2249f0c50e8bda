import { ChromaClient, type Collection, type Metadata, type Where } from 'chromadb';
import type { MetadataFilter, MetadataValue, VectorHit, VectorRecord, VectorStore } from '../types.ts';
import { LoreError } from '../errors.ts';

// Chroma holds vectors only as a derived index: ids, vectors, chunk text and scalar metadata. We always
// pass our own embeddings (embeddingFunction: null): Chroma's default embedder would try to download a model.

const BATCH = 500;

/**
 * How many neighbours HNSW explores per search. Chroma's default (100) is no more than the candidates a hybrid search
 * asks for, so which chunks come back depended on the order batches were inserted in: two builds of one corpus
 * answered differently. Four times that finds the same top 100 every time, at a cost of milliseconds.
 */
export const SEARCH_EF = 400;
const HNSW = { space: 'cosine', ef_search: SEARCH_EF } as const;

/**
 * How long one Chroma call may take before the caller is given an error instead of waiting on: a hung Chroma must
 * not hold every question (a search degrades to lexical only) or a sync forever. Writes carry whole batches.
 */
export interface ChromaTimeouts {
  readMs: number;
  writeMs: number;
}

export const DEFAULT_CHROMA_TIMEOUTS: ChromaTimeouts = { readMs: 10_000, writeMs: 120_000 };

export class ChromaTimeoutError extends LoreError {
  override readonly code: string = 'timeout';
  override name = 'ChromaTimeoutError';
}

export class ChromaStore implements VectorStore {
  private collection?: Collection;

  constructor(
    private readonly client: ChromaClient,
    private readonly name = 'lore',
    private readonly timeouts: ChromaTimeouts = DEFAULT_CHROMA_TIMEOUTS,
  ) {}

  /**
   * A store at `url` (CHROMA_URL), path and credentials included: `https://user:pass@proxy.example.com/chroma` sends
   * HTTP Basic credentials, `https://:token@host` a bearer token, to every request under `/chroma`.
   */
  static fromUrl(url: string, name?: string, timeouts?: ChromaTimeouts): ChromaStore {
    return new ChromaStore(chromaClientFor(url), name, timeouts);
  }

  async heartbeat(): Promise<void> {
    await this.read('heartbeat', () => this.client.heartbeat());
  }

  async builtBy(): Promise<string | undefined> {
    const collection = await this.open();
    const embedder = collection.metadata?.embedder;
    return typeof embedder === 'string' ? embedder : undefined;
  }

  async reset(embedderId: string, dimension: number): Promise<void> {
    const existing = await this.read('listCollections', () => this.client.listCollections());
    if (existing.some((c) => c.name === this.name)) await this.write('deleteCollection', () => this.client.deleteCollection({ name: this.name }));
    this.collection = await this.write('createCollection', () =>
      this.client.createCollection({
        name: this.name,
        embeddingFunction: null,
        metadata: { embedder: embedderId, dimension },
        configuration: { hnsw: HNSW },
      }),
    );
  }

  async upsert(records: VectorRecord[]): Promise<void> {
    const collection = await this.open();
    for (let i = 0; i < records.length; i += BATCH) {
      const batch = records.slice(i, i + BATCH);
      await this.write('upsert', () =>
        collection.upsert({
          ids: batch.map((r) => r.id),
          embeddings: batch.map((r) => r.vector),
          documents: batch.map((r) => r.text),
          metadatas: batch.map((r) => r.metadata as Metadata),
        }),
      );
    }
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const collection = await this.open();
    for (let i = 0; i < ids.length; i += BATCH) await this.write('delete', () => collection.delete({ ids: ids.slice(i, i + BATCH) }));
  }

  async query(vector: number[], k: number, where?: MetadataFilter): Promise<VectorHit[]> {
    const collection = await this.open();
    const result = await this.read('query', () =>
      collection.query({
        queryEmbeddings: [vector],
        nResults: k,
        where: where && (toChromaWhere(where) as Where),
        include: ['documents', 'metadatas', 'distances'],
      }),
    );
    const ids = result.ids[0] ?? [];
    return ids.map((id, i) => ({
      id,
      // Cosine space: distance = 1 - cosine similarity.
      score: 1 - (result.distances[0]?.[i] ?? 1),
      text: result.documents[0]?.[i] ?? '',
      metadata: (result.metadatas[0]?.[i] ?? {}) as Record<string, MetadataValue>,
    }));
  }

  /**
   * Ids and cosine scores only. Asking Chroma for documents and metadata too costs it a SQLite read per
   * hit (about 50 ms for 100 hits here, against 9 ms without); retrieval reads them from the chunk store.
   */
  async nearest(vector: number[], k: number, where?: MetadataFilter): Promise<{ id: string; score: number }[]> {
    const collection = await this.open();
    const result = await this.read('query', () =>
      collection.query({
        queryEmbeddings: [vector],
        nResults: k,
        where: where && (toChromaWhere(where) as Where),
        include: ['distances'],
      }),
    );
    const ids = result.ids[0] ?? [];
    return ids.map((id, i) => ({ id, score: 1 - (result.distances[0]?.[i] ?? 1) }));
  }

  async count(): Promise<number> {
    const collection = await this.open();
    return this.read('count', () => collection.count());
  }

  private async open(): Promise<Collection> {
    if (this.collection) return this.collection;
    const collection = await this.read('getOrCreateCollection', () =>
      this.client.getOrCreateCollection({
        name: this.name,
        embeddingFunction: null,
        configuration: { hnsw: HNSW },
      }),
    );
    // A collection made before SEARCH_EF keeps Chroma's default until told: ef_search can change in place.
    if ((collection.configuration?.hnsw?.ef_search ?? 0) < SEARCH_EF) {
      await this.write('modify', () => collection.modify({ configuration: { hnsw: { ef_search: SEARCH_EF } } }));
    }
    this.collection = collection;
    return collection;
  }

  private read<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return withTimeout(operation, this.timeouts.readMs, call);
  }

  private write<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return withTimeout(operation, this.timeouts.writeMs, call);
  }
}

/** The call's result, or a ChromaTimeoutError once `ms` have passed (the request itself is left to finish). */
async function withTimeout<T>(operation: string, ms: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ChromaTimeoutError(`Chroma did not answer ${operation} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([call(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * ChromaClient builds its base URL as `<scheme>://<host>:<port>` and takes no path, so the path of CHROMA_URL (a
 * proxy that serves Chroma under `/chroma`) is placed after the port, where a URL has it. Credentials in the URL
 * become an Authorization header: fetch refuses a URL that carries them.
 */
export function chromaClientFor(url: string): ChromaClient {
  const parsed = new URL(url);
  const ssl = parsed.protocol === 'https:';
  const port = parsed.port || (ssl ? '443' : '80');
  const path = parsed.pathname.replace(/\/+$/, '');
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  const authorization = user ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : password ? `Bearer ${password}` : undefined;
  return new ChromaClient({
    host: parsed.hostname,
    // A string where the type says number: the client only ever writes it into the URL after the host.
    port: `${port}${path}` as unknown as number,
    ssl,
    ...(authorization ? { headers: { authorization } } : {}),
  });
}

/** Chroma wants exactly one key per filter object: several field conditions become an explicit $and. */
export function toChromaWhere(filter: MetadataFilter): MetadataFilter {
  if ('$and' in filter && Array.isArray(filter.$and)) return { $and: filter.$and.map(toChromaWhere) };
  if ('$or' in filter && Array.isArray(filter.$or)) return { $or: filter.$or.map(toChromaWhere) };
  const entries = Object.entries(filter);
  if (entries.length <= 1) return filter;
  return { $and: entries.map(([key, value]) => ({ [key]: value }) as MetadataFilter) };
}
