// Append-only: a released migration is never edited, a change is a new version.
export const migrations: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      -- One row per indexed document; a row is written only after all its chunks are stored, so a
      -- missing or stale row is exactly what an interrupted ingest must redo.
      CREATE TABLE documents (
        id            TEXT PRIMARY KEY,
        source        TEXT NOT NULL,
        location      TEXT NOT NULL,
        title         TEXT NOT NULL,
        url           TEXT NOT NULL,
        content_hash  TEXT NOT NULL,
        fingerprint   TEXT NOT NULL,
        chunk_count   INTEGER NOT NULL,
        size_bytes    INTEGER NOT NULL,
        modified_at   TEXT,
        indexed_at    TEXT NOT NULL
      );
      CREATE INDEX documents_source_location ON documents (source, location);

      CREATE TABLE chunks (
        rowid         INTEGER PRIMARY KEY,
        id            TEXT NOT NULL UNIQUE,
        doc_id        TEXT NOT NULL,
        ordinal       INTEGER NOT NULL,
        content_hash  TEXT NOT NULL,
        text          TEXT NOT NULL,
        metadata      TEXT NOT NULL
      );
      CREATE INDEX chunks_doc ON chunks (doc_id, ordinal);

      -- BM25 over title, headings and text; rows mirror chunks by rowid.
      CREATE VIRTUAL TABLE chunks_fts USING fts5(
        title, headings, text,
        tokenize = 'porter unicode61 remove_diacritics 2'
      );

      -- Vectors by embedder and content hash: unchanged text is never embedded twice.
      CREATE TABLE embeddings (
        embedder      TEXT NOT NULL,
        content_hash  TEXT NOT NULL,
        vector        BLOB NOT NULL,
        PRIMARY KEY (embedder, content_hash)
      ) WITHOUT ROWID;

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
];
