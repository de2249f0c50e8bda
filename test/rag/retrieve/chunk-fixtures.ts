import type { StoredDocument } from '../../../rag/store/chunk-store.ts';
import type { Chunk, ChunkMetadata, SourceKind } from '../../../rag/types.ts';

export interface FixtureDoc {
  id: string;
  title?: string;
  source?: SourceKind;
  /** One string per chunk, or [headingPath, text] pairs. */
  chunks: (string | [string, string])[];
  extra?: Record<string, string | number | boolean>;
}

/** A stored document and its chunks with just enough metadata for retrieval. */
export function fixtureDocument(doc: FixtureDoc): { stored: StoredDocument; chunks: Chunk[] } {
  const source = doc.source ?? 'files';
  const title = doc.title ?? doc.id;
  const chunks = doc.chunks.map((entry, ordinal): Chunk => {
    const [headingPath, text] = typeof entry === 'string' ? ['', entry] : entry;
    const metadata = {
      source,
      docId: doc.id,
      title,
      url: `file:///${doc.id}`,
      path: doc.id,
      extension: 'md',
      headingPath,
      ordinal,
      modifiedAtMs: 0,
      ...doc.extra,
    } as unknown as ChunkMetadata;
    return { id: `${doc.id}#${ordinal}`, docId: doc.id, ordinal, text, contentHash: `${doc.id}:${ordinal}:${text.length}`, metadata };
  });
  const stored: StoredDocument = {
    id: doc.id,
    source,
    location: `/kb/${doc.id}`,
    title,
    url: `file:///${doc.id}`,
    contentHash: doc.id,
    fingerprint: doc.id,
    chunkCount: chunks.length,
    sizeBytes: 1,
    indexedAt: '2026-01-01T00:00:00Z',
  };
  return { stored, chunks };
}
