import type { Migration } from './migrate.ts';

// Lore's schema on PostgreSQL (DATABASE_URL), version for version the schema app/migrations.ts gives SQLite: the same
// tables, columns and keys, so that a store's portable SQL (rag/contracts/sql-database.ts) runs unchanged on both.
// What each column holds is said there. Append-only, like the SQLite list: a change is a new version, added to both
// lists under the same number (test/app/storage/migrate.test.ts compares the two schemas). Where the dialects differ:
// - no chunks_fts: PostgreSQL has no FTS5. Lore ranks lexically with its own in-memory BM25F index
//   (rag/retrieve/lexical-index.ts), mirrored from the chunks table by rowid on every replica; SQLite's FTS table
//   only serves ChunkStore.searchLexical.
// - every text column is COLLATE "C": SQLite compares text bytewise, and the stores' ordering and range queries on
//   ids and ISO-8601 timestamps rely on that whatever locale the database was created with.
// - REAL is DOUBLE PRECISION (PostgreSQL's REAL has 4 bytes, SQLite's 8), BLOB is BYTEA, and integers that can
//   pass 2^31 (epoch milliseconds, byte counts, chunk rowids) are BIGINT.
// - SQLite's implicit rowid, which query_log's readers order ties by, is an explicit identity column.
// - the index generation's triggers call one PL/pgSQL function.

const text = 'TEXT COLLATE "C"';

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE documents (
        id            ${text} PRIMARY KEY,
        source        ${text} NOT NULL,
        location      ${text} NOT NULL,
        title         ${text} NOT NULL,
        url           ${text} NOT NULL,
        content_hash  ${text} NOT NULL,
        fingerprint   ${text} NOT NULL,
        chunk_count   INTEGER NOT NULL,
        size_bytes    BIGINT NOT NULL,
        modified_at   ${text},
        indexed_at    ${text} NOT NULL
      );
      CREATE INDEX documents_source_location ON documents (source, location);

      -- rowid is handed out by the chunk store from a counter in settings and never reused, as on SQLite.
      CREATE TABLE chunks (
        rowid         BIGINT PRIMARY KEY,
        id            ${text} NOT NULL UNIQUE,
        doc_id        ${text} NOT NULL,
        ordinal       INTEGER NOT NULL,
        content_hash  ${text} NOT NULL,
        text          ${text} NOT NULL,
        metadata      ${text} NOT NULL
      );
      CREATE INDEX chunks_doc ON chunks (doc_id, ordinal);

      CREATE TABLE embeddings (
        embedder      ${text} NOT NULL,
        content_hash  ${text} NOT NULL,
        vector        BYTEA NOT NULL,
        PRIMARY KEY (embedder, content_hash)
      );

      CREATE TABLE settings (
        key   ${text} PRIMARY KEY,
        value ${text} NOT NULL
      );
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE answers (
        id            ${text} PRIMARY KEY,
        platform      ${text} NOT NULL,
        workspace_id  ${text},
        channel_id    ${text},
        thread_id     ${text},
        message_id    ${text},
        user_id       ${text},
        question      ${text} NOT NULL,
        answer        ${text} NOT NULL,
        mode          ${text} NOT NULL,
        citations     ${text} NOT NULL,
        confidence    DOUBLE PRECISION NOT NULL,
        latency_ms    INTEGER NOT NULL,
        cost_usd      DOUBLE PRECISION NOT NULL,
        created_at    ${text} NOT NULL
      );
      CREATE UNIQUE INDEX answers_message ON answers (platform, channel_id, message_id);
      CREATE INDEX answers_created ON answers (created_at);

      CREATE TABLE feedback (
        answer_id     ${text} NOT NULL REFERENCES answers (id),
        platform      ${text} NOT NULL,
        user_id       ${text} NOT NULL,
        rating        ${text} NOT NULL CHECK (rating IN ('up', 'down')),
        emoji         ${text} NOT NULL,
        channel_id    ${text},
        reason        ${text},
        created_at    ${text} NOT NULL,
        retracted_at  ${text},
        PRIMARY KEY (answer_id, user_id, rating)
      );
      CREATE INDEX feedback_created ON feedback (created_at);

      CREATE TABLE chat_events (
        platform      ${text} NOT NULL,
        event_id      ${text} NOT NULL,
        received_at   ${text} NOT NULL,
        PRIMARY KEY (platform, event_id)
      );
    `,
  },
  {
    version: 3,
    sql: `
      CREATE TABLE sync_state (
        source        ${text} PRIMARY KEY,
        cursor        ${text} NOT NULL DEFAULT '{}',
        last_sync_at  ${text},
        last_run_at   ${text},
        last_summary  ${text},
        last_error    ${text}
      );

      CREATE TABLE sync_locks (
        source        ${text} PRIMARY KEY,
        owner         ${text} NOT NULL,
        pid           INTEGER NOT NULL,
        host          ${text} NOT NULL,
        acquired_at   ${text} NOT NULL,
        expires_at    BIGINT NOT NULL
      );
    `,
  },
  {
    version: 4,
    sql: `
      CREATE TABLE query_log (
        rowid               BIGINT GENERATED ALWAYS AS IDENTITY,
        answer_id           ${text} PRIMARY KEY,
        created_at          ${text} NOT NULL,
        platform            ${text} NOT NULL,
        user_id             ${text},
        channel_id          ${text},
        question            ${text} NOT NULL,
        answer              ${text} NOT NULL,
        mode                ${text} NOT NULL,
        cached              INTEGER NOT NULL,
        abstained           INTEGER NOT NULL,
        confidence          DOUBLE PRECISION NOT NULL,
        latency_ms          INTEGER NOT NULL,
        cost_usd            DOUBLE PRECISION NOT NULL,
        input_tokens        INTEGER NOT NULL,
        output_tokens       INTEGER NOT NULL,
        model               ${text},
        citations           ${text} NOT NULL,
        timings             ${text} NOT NULL,
        faithfulness        DOUBLE PRECISION,
        citation_precision  DOUBLE PRECISION
      );
      CREATE INDEX query_log_created ON query_log (created_at);

      CREATE TABLE daily_spend (
        day       ${text} PRIMARY KEY,
        usd       DOUBLE PRECISION NOT NULL
      );

      INSERT INTO settings (key, value) VALUES ('index_generation', '0') ON CONFLICT (key) DO NOTHING;
      CREATE FUNCTION bump_index_generation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE settings SET value = (value::bigint + 1)::text WHERE key = 'index_generation';
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER documents_generation_insert AFTER INSERT ON documents
        FOR EACH ROW EXECUTE FUNCTION bump_index_generation();
      CREATE TRIGGER documents_generation_update AFTER UPDATE OF content_hash, chunk_count ON documents
        FOR EACH ROW EXECUTE FUNCTION bump_index_generation();
      CREATE TRIGGER documents_generation_delete AFTER DELETE ON documents
        FOR EACH ROW EXECUTE FUNCTION bump_index_generation();
    `,
  },
  {
    version: 5,
    sql: `
      CREATE TABLE answer_sources (
        answer_id         ${text} NOT NULL,
        doc_id            ${text} NOT NULL,
        citation          INTEGER NOT NULL,
        title             ${text} NOT NULL,
        platform          ${text} NOT NULL,
        workspace_id      ${text},
        channel_id        ${text} NOT NULL,
        scope_channel_id  ${text} NOT NULL,
        thread_id         ${text} NOT NULL,
        message_id        ${text} NOT NULL,
        chunks_version    ${text} NOT NULL,
        cited_at          ${text} NOT NULL,
        PRIMARY KEY (answer_id, doc_id)
      );
      CREATE INDEX answer_sources_cited ON answer_sources (cited_at);
      CREATE INDEX answer_sources_message ON answer_sources (platform, channel_id, message_id);

      CREATE TABLE stale_notices (
        platform      ${text} NOT NULL,
        channel_id    ${text} NOT NULL,
        thread_id     ${text} NOT NULL,
        notified_at   ${text} NOT NULL,
        PRIMARY KEY (platform, channel_id, thread_id)
      );
    `,
  },
  {
    version: 6,
    sql: `
      CREATE TABLE handoffs (
        id            ${text} PRIMARY KEY,
        answer_id     ${text} NOT NULL UNIQUE REFERENCES answers (id),
        platform      ${text} NOT NULL,
        channel_id    ${text} NOT NULL,
        thread_id     ${text} NOT NULL,
        message_id    ${text},
        requested_by  ${text} NOT NULL,
        reason        ${text} NOT NULL CHECK (reason IN ('abstained', 'thumbs_down')),
        responders    ${text} NOT NULL,
        created_at    ${text} NOT NULL,
        resolved_at   ${text},
        resolved_by   ${text}
      );
      CREATE INDEX handoffs_created ON handoffs (created_at);
    `,
  },
  {
    version: 7,
    sql: `
      CREATE TABLE verified_answers (
        id              ${text} PRIMARY KEY,
        platform        ${text} NOT NULL,
        workspace_id    ${text},
        channel_id      ${text} NOT NULL,
        scope           ${text} NOT NULL,
        channel_name    ${text} NOT NULL,
        thread_id       ${text} NOT NULL,
        message_id      ${text} NOT NULL,
        answer_id       ${text},
        question        ${text} NOT NULL,
        answer          ${text} NOT NULL,
        answered_by     ${text} NOT NULL,
        answered_by_name ${text} NOT NULL,
        answered_at     ${text} NOT NULL,
        saved_by        ${text} NOT NULL,
        saved_at        ${text} NOT NULL,
        edited_by       ${text},
        edited_at       ${text},
        revoked_by      ${text},
        revoked_at      ${text}
      );
      CREATE UNIQUE INDEX verified_answers_message ON verified_answers (platform, channel_id, message_id);
      CREATE INDEX verified_answers_saved ON verified_answers (saved_at);
    `,
  },
  {
    version: 8,
    sql: `
      CREATE TABLE leases (
        name          ${text} PRIMARY KEY,
        owner         ${text} NOT NULL,
        pid           INTEGER NOT NULL,
        host          ${text} NOT NULL,
        acquired_at   ${text} NOT NULL,
        expires_at    BIGINT NOT NULL
      );
    `,
  },
  {
    version: 9,
    sql: `
      CREATE TABLE help_offers (
        platform      ${text} NOT NULL,
        channel_id    ${text} NOT NULL,
        message_id    ${text} NOT NULL,
        user_id       ${text} NOT NULL,
        emoji         ${text} NOT NULL,
        message       ${text} NOT NULL,
        offered_at    ${text} NOT NULL,
        PRIMARY KEY (platform, channel_id, message_id)
      );
      CREATE INDEX help_offers_offered ON help_offers (offered_at);
    `,
  },
  {
    version: 10,
    sql: `
      CREATE TABLE answered_questions (
        platform          ${text} NOT NULL,
        channel_id        ${text} NOT NULL,
        message_id        ${text} NOT NULL,
        user_id           ${text} NOT NULL,
        question          ${text} NOT NULL,
        answer_message_id ${text} NOT NULL,
        answered_at       ${text} NOT NULL,
        PRIMARY KEY (platform, channel_id, message_id)
      );
      CREATE INDEX answered_questions_answered ON answered_questions (answered_at);
      CREATE TABLE handoff_offers (
        answer_id     ${text} PRIMARY KEY,
        offered_at    ${text} NOT NULL
      );
      CREATE INDEX handoff_offers_offered ON handoff_offers (offered_at);
      CREATE TABLE assistant_threads (
        channel_id    ${text} NOT NULL,
        thread_ts     ${text} NOT NULL,
        context       ${text} NOT NULL,
        saved_at      ${text} NOT NULL,
        titled_at     ${text},
        PRIMARY KEY (channel_id, thread_ts)
      );
      CREATE INDEX assistant_threads_saved ON assistant_threads (saved_at);
    `,
  },
];
