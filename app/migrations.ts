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
  {
    version: 2,
    sql: `
      -- Every answer Lore posts, so that a reaction on the message can be traced to the question and the
      -- chunks it cited (feedback), and 👎 answers can become regression tests (lore feedback export).
      CREATE TABLE answers (
        id            TEXT PRIMARY KEY,
        platform      TEXT NOT NULL,          -- slack | discord | http | cli
        workspace_id  TEXT,
        channel_id    TEXT,
        thread_id     TEXT,
        message_id    TEXT,                   -- the platform message holding the answer (set once posted)
        user_id       TEXT,
        question      TEXT NOT NULL,
        answer        TEXT NOT NULL,
        mode          TEXT NOT NULL,
        citations     TEXT NOT NULL,          -- JSON: [{n, title, url, source, docId, chunkId}]
        confidence    REAL NOT NULL,
        latency_ms    INTEGER NOT NULL,
        cost_usd      REAL NOT NULL,
        created_at    TEXT NOT NULL
      );
      CREATE UNIQUE INDEX answers_message ON answers (platform, channel_id, message_id);
      CREATE INDEX answers_created ON answers (created_at);

      -- One row per (answer, user, reaction); removing the reaction sets retracted_at instead of deleting,
      -- so the history of opinions is kept.
      CREATE TABLE feedback (
        answer_id     TEXT NOT NULL REFERENCES answers (id),
        platform      TEXT NOT NULL,
        user_id       TEXT NOT NULL,
        rating        TEXT NOT NULL CHECK (rating IN ('up', 'down')),
        emoji         TEXT NOT NULL,
        channel_id    TEXT,
        reason        TEXT,
        created_at    TEXT NOT NULL,
        retracted_at  TEXT,
        PRIMARY KEY (answer_id, user_id, rating)
      );
      CREATE INDEX feedback_created ON feedback (created_at);

      -- Platform event ids already handled: Slack re-delivers an event it thinks was lost, and a retry
      -- must never produce a second answer, even across a restart.
      CREATE TABLE chat_events (
        platform      TEXT NOT NULL,
        event_id      TEXT NOT NULL,
        received_at   TEXT NOT NULL,
        PRIMARY KEY (platform, event_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    sql: `
      -- What each source's last sync left behind. The cursor is committed only by a sync that finished without
      -- failures, so an interrupted or partly failed sync is redone from the previous cursor and converges.
      CREATE TABLE sync_state (
        source        TEXT PRIMARY KEY,
        cursor        TEXT NOT NULL DEFAULT '{}',  -- JSON: the connector's SyncCursor (flat strings)
        last_sync_at  TEXT,                        -- the last sync that finished without failures
        last_run_at   TEXT,                        -- the last sync that finished, failures or not
        last_summary  TEXT,                        -- JSON IndexSummary of the last finished sync
        last_error    TEXT                         -- why the last sync stopped, when it did not finish
      );

      -- One sync per source at a time, across processes: a row is the lock. The holder pushes expires_at
      -- forward while it runs; a row whose holder died (expired, or its pid is gone on this host) is taken over.
      CREATE TABLE sync_locks (
        source        TEXT PRIMARY KEY,
        owner         TEXT NOT NULL,               -- random token of the holding sync
        pid           INTEGER NOT NULL,
        host          TEXT NOT NULL,
        acquired_at   TEXT NOT NULL,
        expires_at    INTEGER NOT NULL             -- epoch ms
      );
    `,
  },
  {
    version: 4,
    sql: `
      -- Every question answered, on every surface (chat, HTTP, playground), cached or not: what was asked, what
      -- came back and at what cost. Pruned after LORE_QUERY_LOG_DAYS. Feedback joins through answer_id.
      CREATE TABLE query_log (
        answer_id           TEXT PRIMARY KEY,
        created_at          TEXT NOT NULL,
        platform            TEXT NOT NULL,
        user_id             TEXT,
        channel_id          TEXT,
        question            TEXT NOT NULL,
        answer              TEXT NOT NULL,
        mode                TEXT NOT NULL,
        cached              INTEGER NOT NULL,
        abstained           INTEGER NOT NULL,
        confidence          REAL NOT NULL,
        latency_ms          INTEGER NOT NULL,
        cost_usd            REAL NOT NULL,
        input_tokens        INTEGER NOT NULL,
        output_tokens       INTEGER NOT NULL,
        model               TEXT,
        citations           TEXT NOT NULL,      -- JSON: [{n, title, url, source, docId, chunkId}]
        timings             TEXT NOT NULL,      -- JSON: {rewrite, retrieve, rerank, generate}
        faithfulness        REAL,               -- online offline-grader scores; NULL when nothing was checkable
        citation_precision  REAL
      );
      CREATE INDEX query_log_created ON query_log (created_at);

      -- Language-model spend per UTC day, for LORE_DAILY_BUDGET_USD (a Redis counter replaces it with REDIS_URL).
      CREATE TABLE daily_spend (
        day       TEXT PRIMARY KEY,             -- YYYY-MM-DD, UTC
        usd       REAL NOT NULL
      );

      -- Any change to the indexed documents, by any process, bumps the index generation: answers cached
      -- against the old index are never served again.
      INSERT OR IGNORE INTO settings (key, value) VALUES ('index_generation', '0');
      CREATE TRIGGER documents_generation_insert AFTER INSERT ON documents BEGIN
        UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'index_generation';
      END;
      CREATE TRIGGER documents_generation_update AFTER UPDATE OF content_hash, chunk_count ON documents BEGIN
        UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'index_generation';
      END;
      CREATE TRIGGER documents_generation_delete AFTER DELETE ON documents BEGIN
        UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'index_generation';
      END;
    `,
  },
  {
    version: 5,
    sql: `
      -- The documents each answer posted in a chat thread cited, where it was posted, and the version of each
      -- document's passages the answer saw (a hash of its chunk ids, which change exactly when a passage's text
      -- does), so that a sync that really changes or removes one can say so in the thread (stale-source notices,
      -- app/stale-sources.ts). Kept 30 days.
      CREATE TABLE answer_sources (
        answer_id         TEXT NOT NULL,
        doc_id            TEXT NOT NULL,
        citation          INTEGER NOT NULL,     -- the answer's [n] for the document (its first)
        title             TEXT NOT NULL,
        platform          TEXT NOT NULL,
        workspace_id      TEXT,
        channel_id        TEXT NOT NULL,
        scope_channel_id  TEXT NOT NULL,        -- the channel whose configuration applies (a Discord thread's parent)
        thread_id         TEXT NOT NULL,
        message_id        TEXT NOT NULL,        -- Lore's message holding the answer (an edited question's answer replaces it)
        chunks_version    TEXT NOT NULL,        -- '' when the document is not indexed
        cited_at          TEXT NOT NULL,
        PRIMARY KEY (answer_id, doc_id)
      );
      CREATE INDEX answer_sources_cited ON answer_sources (cited_at);
      CREATE INDEX answer_sources_message ON answer_sources (platform, channel_id, message_id);

      -- The last stale-source notice in each thread: at most one a day.
      CREATE TABLE stale_notices (
        platform      TEXT NOT NULL,
        channel_id    TEXT NOT NULL,
        thread_id     TEXT NOT NULL,
        notified_at   TEXT NOT NULL,
        PRIMARY KEY (platform, channel_id, thread_id)
      );
    `,
  },
  {
    version: 6,
    sql: `
      -- "Ask a person" (issue 17, item 2): one hand-off per answer Lore could not give (an abstention, or after a
      -- 👎), the responders it mentioned (configured ids), and its outcome once someone marked it resolved.
      CREATE TABLE handoffs (
        id            TEXT PRIMARY KEY,
        answer_id     TEXT NOT NULL UNIQUE REFERENCES answers (id),
        platform      TEXT NOT NULL,
        channel_id    TEXT NOT NULL,
        thread_id     TEXT NOT NULL,
        message_id    TEXT,                   -- Lore's message mentioning the responders (set once posted)
        requested_by  TEXT NOT NULL,
        reason        TEXT NOT NULL CHECK (reason IN ('abstained', 'thumbs_down')),
        responders    TEXT NOT NULL,          -- JSON: {group?, users}
        created_at    TEXT NOT NULL,
        resolved_at   TEXT,
        resolved_by   TEXT
      );
      CREATE INDEX handoffs_created ON handoffs (created_at);
    `,
  },
  {
    version: 7,
    sql: `
      -- Verified answers (issue 17, item 3): a person's reply in a thread Lore took part in, saved by the asker or an
      -- admin as the answer to the question Lore was asked there. Indexed as the \`verified\` source (document id
      -- \`verified:<id>\`), seen only in the channel it came from; revoking removes it from the index, keeps the row.
      CREATE TABLE verified_answers (
        id              TEXT PRIMARY KEY,
        platform        TEXT NOT NULL,
        workspace_id    TEXT,
        channel_id      TEXT NOT NULL,          -- where the reply was written (a Discord thread: itself)
        scope           TEXT NOT NULL,          -- who may find it: \`<platform>:<channel>\`, as uploads are scoped
        channel_name    TEXT NOT NULL,
        thread_id       TEXT NOT NULL,
        message_id      TEXT NOT NULL,          -- the person's reply
        answer_id       TEXT,                   -- Lore's answer in the thread, whose question this answers
        question        TEXT NOT NULL,          -- as Lore understood it
        answer          TEXT NOT NULL,          -- the reply (edited by an admin, maybe)
        answered_by     TEXT NOT NULL,
        answered_by_name TEXT NOT NULL,
        answered_at     TEXT NOT NULL,
        saved_by        TEXT NOT NULL,
        saved_at        TEXT NOT NULL,
        edited_by       TEXT,
        edited_at       TEXT,
        revoked_by      TEXT,
        revoked_at      TEXT
      );
      CREATE UNIQUE INDEX verified_answers_message ON verified_answers (platform, channel_id, message_id);
      CREATE INDEX verified_answers_saved ON verified_answers (saved_at);
    `,
  },
  {
    version: 8,
    sql: `
      -- Named leases (issue 19): one holder at a time of a duty that processes or replicas share (the Discord gateway
      -- connection), taken over automatically when its holder dies. A row is the lease, as in sync_locks: the holder
      -- pushes expires_at forward while it lives; a row that expired, or whose pid is gone on this host, is taken
      -- by the next one to ask (rag/store/leases.ts).
      CREATE TABLE leases (
        name          TEXT PRIMARY KEY,
        owner         TEXT NOT NULL,               -- random token of the holder
        pid           INTEGER NOT NULL,
        host          TEXT NOT NULL,
        acquired_at   TEXT NOT NULL,
        expires_at    INTEGER NOT NULL             -- epoch ms
      );
    `,
  },
  {
    version: 9,
    sql: `
      -- Support-channel questions Lore offered help on (reacted with the channel's offer-help emoji), answered if the
      -- asker adds the same reaction: in the store rather than in a process's memory, so that the reaction is taken
      -- up whichever replica Slack or Discord delivers it to, and only once (issue 19).
      CREATE TABLE help_offers (
        platform      TEXT NOT NULL,
        channel_id    TEXT NOT NULL,
        message_id    TEXT NOT NULL,
        user_id       TEXT NOT NULL,               -- the asker: only their reaction takes the offer up
        emoji         TEXT NOT NULL,               -- JSON: the ChatEmoji Lore reacted with
        message       TEXT NOT NULL,               -- JSON: the IncomingMessage to answer
        offered_at    TEXT NOT NULL,
        PRIMARY KEY (platform, channel_id, message_id)
      );
      CREATE INDEX help_offers_offered ON help_offers (offered_at);
    `,
  },
  {
    version: 10,
    sql: `
      -- Chat state that lived in one process's memory and broke when Slack delivered the follow-up event to another
      -- replica (issue 19). Questions Lore answered, kept for the edit window, so that an edit reaching any replica
      -- is answered in place of the earlier answer (bot/conversation/chat-store.ts).
      CREATE TABLE answered_questions (
        platform          TEXT NOT NULL,
        channel_id        TEXT NOT NULL,
        message_id        TEXT NOT NULL,           -- the question's message
        user_id           TEXT NOT NULL,           -- the asker: only their edit is answered again
        question          TEXT NOT NULL,           -- its text as first asked, to tell a real change from a touch-up
        answer_message_id TEXT NOT NULL,
        answered_at       TEXT NOT NULL,
        PRIMARY KEY (platform, channel_id, message_id)
      );
      CREATE INDEX answered_questions_answered ON answered_questions (answered_at);
      -- "Ask a person" offered after a 👎: one offer per answer a day, claimed by one insert whichever replica the
      -- 👎 reached (bot/conversation/hand-off-store.ts).
      CREATE TABLE handoff_offers (
        answer_id     TEXT PRIMARY KEY,
        offered_at    TEXT NOT NULL
      );
      CREATE INDEX handoff_offers_offered ON handoff_offers (offered_at);
      -- Slack's assistant panel threads: the channel the person is viewing beside the panel (Bolt's thread context),
      -- which scopes their questions, and whether the thread has been titled (bot/slack/assistant-thread-store.ts).
      CREATE TABLE assistant_threads (
        channel_id    TEXT NOT NULL,
        thread_ts     TEXT NOT NULL,
        context       TEXT NOT NULL,               -- JSON: Slack's assistant thread context
        saved_at      TEXT NOT NULL,
        titled_at     TEXT,                        -- set once, by the replica that titles the thread
        PRIMARY KEY (channel_id, thread_ts)
      );
      CREATE INDEX assistant_threads_saved ON assistant_threads (saved_at);
    `,
  },
];
