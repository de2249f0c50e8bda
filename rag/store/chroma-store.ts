import { ChromaClient, type Collection, type Metadata, type Where } from 'chromadb';
import type { MetadataFilter, MetadataValue, VectorHit, VectorRecord, VectorStore } from '../types.ts';

// Chroma holds vectors only as a derived index: ids, vectors, chunk text and scalar metadata. We always
// pass our own embeddings (embeddingFunction: null): Chroma's default embedder would try to download a model.

const BATCH = 500;

export class ChromaStore implements VectorStore {
  private collection?: Collection;

  constructor(
    private readonly client: ChromaClient,
    private readonly name = 'lore',
  ) {}

  static fromUrl(url: string, name?: string): ChromaStore {
    const parsed = new URL(url);
    const ssl = parsed.protocol === 'https:';
    const port = parsed.port ? Number(parsed.port) : ssl ? 443 : 80;
    return new ChromaStore(new ChromaClient({ host: parsed.hostname, port, ssl }), name);
  }

  async heartbeat(): Promise<void> {
    await this.client.heartbeat();
  }

  async builtBy(): Promise<string | undefined> {
    const collection = await this.open();
    const embedder = collection.metadata?.embedder;
    return typeof embedder === 'string' ? embedder : undefined;
  }

  async reset(embedderId: string, dimension: number): Promise<void> {
    const existing = await this.client.listCollections();
    if (existing.some((c) => c.name === this.name)) await this.client.deleteCollection({ name: this.name });
    this.collection = await this.client.createCollection({
      name: this.name,
      embeddingFunction: null,
      metadata: { embedder: embedderId, dimension },
      configuration: { hnsw: { space: 'cosine' } },
    });
  }

  async upsert(records: VectorRecord[]): Promise<void> {
    const collection = await this.open();
    for (let i = 0; i < records.length; i += BATCH) {
      const batch = records.slice(i, i + BATCH);
      await collection.upsert({
        ids: batch.map((r) => r.id),
        embeddings: batch.map((r) => r.vector),
        documents: batch.map((r) => r.text),
        metadatas: batch.map((r) => r.metadata as Metadata),
      });
    }
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const collection = await this.open();
    for (let i = 0; i < ids.length; i += BATCH) await collection.delete({ ids: ids.slice(i, i + BATCH) });
  }

  async query(vector: number[], k: number, where?: MetadataFilter): Promise<VectorHit[]> {
    const collection = await this.open();
    const result = await collection.query({
      queryEmbeddings: [vector],
      nResults: k,
      where: where && (toChromaWhere(where) as Where),
      include: ['documents', 'metadatas', 'distances'],
    });
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
    const result = await collection.query({
      queryEmbeddings: [vector],
      nResults: k,
      where: where && (toChromaWhere(where) as Where),
      include: ['distances'],
    });
    const ids = result.ids[0] ?? [];
    return ids.map((id, i) => ({ id, score: 1 - (result.distances[0]?.[i] ?? 1) }));
  }

  async count(): Promise<number> {
    return (await this.open()).count();
  }

  private async open(): Promise<Collection> {
    this.collection ??= await this.client.getOrCreateCollection({
      name: this.name,
      embeddingFunction: null,
      configuration: { hnsw: { space: 'cosine' } },
    });
    return this.collection;
  }
}

/** Chroma wants exactly one key per filter object: several field conditions become an explicit $and. */
export function toChromaWhere(filter: MetadataFilter): MetadataFilter {
  if ('$and' in filter && Array.isArray(filter.$and)) return { $and: filter.$and.map(toChromaWhere) };
  if ('$or' in filter && Array.isArray(filter.$or)) return { $or: filter.$or.map(toChromaWhere) };
  const entries = Object.entries(filter);
  if (entries.length <= 1) return filter;
  return { $and: entries.map(([key, value]) => ({ [key]: value }) as MetadataFilter) };
}
