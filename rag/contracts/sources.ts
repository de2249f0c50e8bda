// The sources Lore knows, named once. Every list of sources (the command line's choices, the HTTP API's enum,
// chat commands, channel configuration, the golden sets) derives from these, so a new source is one new
// connector file plus its name here.

/**
 * Every source a document can come from: the synced ones, `upload` (files shared in chat or over HTTP) and `verified`
 * (a person's reply in a chat thread, saved as the answer to its question).
 */
export const SOURCE_KINDS = ['files', 'upload', 'notion', 'github', 'web', 'verified'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/**
 * Sources whose documents belong to one place (a chat channel, an API key), recorded as the chunk metadata
 * `uploadScope`: a question sees them only when it carries the same scope.
 */
export const PLACE_SCOPED_SOURCES = ['upload', 'verified'] as const satisfies readonly SourceKind[];

/** The sources a sync brings up to date (uploads are indexed as they arrive, never synced). */
export const SYNC_SOURCES = ['files', 'notion', 'github', 'web'] as const satisfies readonly SourceKind[];
export type SyncSource = (typeof SYNC_SOURCES)[number];

/** What `lore sync` and `/lore sync` may name: one source, or `all` of the configured ones. */
export const SYNC_TARGETS = [...SYNC_SOURCES, 'all'] as const;
export type SyncTarget = (typeof SYNC_TARGETS)[number];

/** Whether `value` names a source. */
export function isSourceKind(value: string): value is SourceKind {
  return (SOURCE_KINDS as readonly string[]).includes(value);
}
