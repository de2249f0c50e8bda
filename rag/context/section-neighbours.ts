// A section longer than a chunk is indexed as several chunks, and a question often matches one of them while the
// sentence that answers it sits in the next: "About PPL" opens with the leave's length and goes on, one chunk later,
// to the agreement to come back; a "Usage" section's tip is found while its code example is in the chunk before.
// The neighbours of the best chunks within their section are read here; rag/context/assemble-context.ts joins them
// to the passages they continue, within an allowance of their own.
import { matchesFilter } from '../retrieve/metadata-filter.ts';
import type { Chunk, MetadataFilter, RetrievedChunk } from '../types.ts';

/** Where the neighbours are read from (the chunk store). */
export interface SectionChunks {
  chunksAt(docId: string, ordinals: readonly number[]): Promise<Chunk[]>;
}

/**
 * The chunks next to each of `chunks` (ordinal ± 1) in the same document and under the same heading path, in the
 * order of the chunk they continue, each once; never one of `chunks` itself, nor one outside `where` (the
 * question's scope and dates: a neighbour is shown only where its chunk would have been).
 */
export async function sectionNeighbours(chunks: readonly RetrievedChunk[], store: SectionChunks, where?: MetadataFilter): Promise<RetrievedChunk[]> {
  const taken = new Set(chunks.map((chunk) => chunk.id));
  const found = await Promise.all(chunks.map((chunk) => store.chunksAt(chunk.docId, [chunk.metadata.ordinal - 1, chunk.metadata.ordinal + 1])));
  const neighbours: RetrievedChunk[] = [];
  chunks.forEach((origin, i) => {
    for (const chunk of found[i] ?? []) {
      if (taken.has(chunk.id) || chunk.metadata.headingPath !== origin.metadata.headingPath) continue;
      if (where && !matchesFilter(chunk.metadata, where)) continue;
      taken.add(chunk.id);
      neighbours.push({ id: chunk.id, docId: chunk.docId, text: chunk.text, metadata: chunk.metadata, signals: {}, score: origin.score });
    }
  });
  return neighbours;
}
