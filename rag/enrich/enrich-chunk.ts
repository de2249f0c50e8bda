import { codeLanguage } from '../chunk/code-language.ts';
import type { ChunkMetadata, DraftChunk, MetadataValue, SourceDocument } from '../types.ts';
import { detectLanguage } from './detect-language.ts';
import { extractEntities } from './extract-entities.ts';
import { hasCode } from './has-code.ts';
import { toMetadataList } from './metadata-list.ts';
import { fleschReadingEase } from './readability.ts';
import { summarize, summarizeCode } from './summarize.ts';
import { matchTopics, type TopicTaxonomy } from './topics.ts';

export interface EnrichOptions {
  topics: TopicTaxonomy;
  /** ISO-8601 time of this indexing run. */
  indexedAt: string;
}

const HEADING_SEPARATOR = ' > ';
const MAX_HEADING_PATH_CHARS = 300;

/** The stored `headingPath` metadata back as the list of headings, outermost first. */
export function splitHeadingPath(headingPath: string | undefined): string[] {
  return headingPath ? headingPath.split(HEADING_SEPARATOR).filter((heading) => heading !== '') : [];
}

/**
 * The metadata stored with one chunk: where it comes from, what it is about and how it reads.
 * Source-specific `doc.metadata` entries are copied on, but never override these fields.
 */
export function enrichChunk(doc: SourceDocument, chunk: DraftChunk, ordinal: number, options: EnrichOptions): ChunkMetadata {
  const { text } = chunk;
  const isCode = doc.format === 'code';
  // Names in code are identifiers, not people or companies.
  const entities = extractEntities(text, { names: !isCode });
  const headingPath = truncate(chunk.headingPath.join(HEADING_SEPARATOR), MAX_HEADING_PATH_CHARS);
  return {
    ...extraMetadata(doc.metadata),
    source: doc.source,
    docId: doc.id,
    title: doc.title,
    url: doc.url,
    path: doc.path ?? '',
    extension: doc.extension,
    headingPath,
    ordinal,
    sizeBytes: doc.sizeBytes,
    modifiedAt: doc.modifiedAt ?? '',
    // Chroma compares only numbers with $gte/$lte, so date filters work on this epoch-ms twin (0 = unknown).
    modifiedAtMs: epochMs(doc.modifiedAt),
    indexedAt: options.indexedAt,
    wordCount: countWords(text),
    charCount: countCodePoints(text),
    hasCode: hasCode(text, doc.format),
    language: isCode ? (codeLanguage(doc.extension, doc.language) ?? (doc.extension.toLowerCase() || 'code')) : detectLanguage(text),
    readability: isCode ? 0 : fleschReadingEase(text),
    dates: toMetadataList(entities.dates),
    urls: toMetadataList(entities.urls, { maxItems: 5, maxChars: 500 }),
    emails: toMetadataList(entities.emails),
    people: toMetadataList(entities.people),
    organizations: toMetadataList(entities.organizations),
    topics: toMetadataList(matchTopics(`${headingPath}\n${text}`, options.topics)),
    summary: isCode ? summarizeCode(text) : summarize(text),
  };
}

function epochMs(iso: string | undefined): number {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isFinite(ms) ? ms : 0;
}

/** Scalars only (Chroma stores nothing else), whatever a connector put in at run time. */
function extraMetadata(metadata: SourceDocument['metadata']): Record<string, MetadataValue> {
  const extra: Record<string, MetadataValue> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) extra[key] = value;
  }
  return extra;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;

/** Whitespace-separated words with a letter or digit; CJK scripts use no spaces, so each of their characters counts. */
function countWords(text: string): number {
  let words = 0;
  for (const token of text.match(/\S+/g) ?? []) {
    const cjk = token.match(CJK)?.length ?? 0;
    const other = /[\p{L}\p{N}]/u.test(token.replace(CJK, '')) ? 1 : 0;
    words += cjk + other;
  }
  return words;
}

function countCodePoints(text: string): number {
  return text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
}

function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}
