import type { RetrievedChunk, Retriever, SearchQuery } from '../types.ts';

/** Candidates asked for beyond `k`, so that hiding a document's chunks still leaves `k` to return. */
const HIDDEN_MARGIN = 40;

/**
 * A retriever that never returns the chunks of some documents, as if they were not indexed. The near-miss answer
 * benchmark hides each question's gold documents: what is left shares the question's words but not its answer,
 * and Lore should say it could not find it.
 */
export class WithoutDocuments implements Retriever {
  constructor(
    private readonly inner: Retriever,
    private readonly hidden: (docId: string) => boolean,
  ) {}

  async retrieve(query: SearchQuery, k: number): Promise<RetrievedChunk[]> {
    const found = await this.inner.retrieve(query, k + HIDDEN_MARGIN);
    return found.filter((chunk) => !this.hidden(chunk.docId)).slice(0, k);
  }
}
