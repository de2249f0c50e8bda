// One SearchQuery from everything that shapes a search: the standalone question, the filters the asker set
// explicitly, the filters stated in the question, query expansion, and the channel's scope.
//
// Scope is a hard limit, not a preference: whatever sources the question or the asker name, only those the
// channel may see are searched. When none is left, `where` matches nothing (`source: {$in: []}`) and `emptyScope`
// is set: the caller must not search at all (Chroma rejects an empty `$in`) and should answer that the requested
// source isn't available in this channel, naming `blockedSources`. Uploaded files are scoped further, to the
// channel they were shared in (`uploadScope`).
import { PLACE_SCOPED_SOURCES } from '../contracts/sources.ts';
import type { MetadataFilter, Question, QuestionFilters, SearchQuery, SourceKind } from '../types.ts';
import { expandShorthand } from './analyze-question.ts';
import { expandQuery } from './expand-query.ts';
import { extractFilters } from './extract-filters.ts';

export interface BuiltSearchQuery extends SearchQuery {
  /** The filters in force: explicit ones, and for fields they leave open, those stated in the question. */
  filters: QuestionFilters;
  /** Sources the question or the asker named that this channel may not see; they are not searched. */
  blockedSources: SourceKind[];
  /** No source is left to search: skip retrieval and say the requested source isn't available here. */
  emptyScope: boolean;
  /**
   * The same search without the dates and repository read from the question's words (scope and explicit filters
   * kept), when there were any: what to search when those leave nothing.
   */
  widened?: SearchQuery;
}

/**
 * Builds the query retrieval runs. Date filters compare `modifiedAtMs` (epoch ms; Chroma's range operators take
 * numbers only), which enrichment stores next to `modifiedAt`; documents with an unknown date (0) never match a
 * date filter. A repository filter matches the `repository` metadata (`owner/name`, lower case) that GitHub
 * content carries, and implies the GitHub source.
 */
export function buildSearchQuery(question: Question, standaloneText: string, now: Date): BuiltSearchQuery {
  const extracted = extractFilters(standaloneText, now);
  // A model rewrite may drop a stated filter ("…in Notion?"): the asker's own words are the fallback.
  const original = question.text === standaloneText ? extracted : extractFilters(question.text, now);
  const stated = { ...original.filters, ...definedOnly(extracted.filters) };
  // Explicit filters (flags, API fields) are deliberate; words in the question are an interpretation.
  const filters: QuestionFilters = { ...stated, ...definedOnly(question.filters ?? {}) };

  const allowed = question.allowedSources;
  const requested = requestedSources(filters);
  const searched = searchedSources(filters, allowed);
  const blockedSources = allowed === undefined || requested === undefined ? [] : requested.filter((source) => !allowed.includes(source));
  const where = whereFor(filters, searched, question.uploadScope);

  // Dates and repositories read from the question's words are an interpretation ("in March" may be when the baby
  // is due): when they leave nothing to search, the search is worth running again without them.
  // "pw manager" is searched as "password manager": documents spell out what chat abbreviates.
  const searchText = expandShorthand(extracted.text);
  const expansions = expandQuery(searchText);
  const explicit = question.filters ?? {};
  const read = (field: 'modifiedAfter' | 'modifiedBefore' | 'repository') => stated[field] !== undefined && explicit[field] === undefined;
  const interpreted = read('modifiedAfter') || read('modifiedBefore') || read('repository');
  let widened: SearchQuery | undefined;
  if (interpreted) {
    const { modifiedAfter, modifiedBefore, repository } = explicit;
    const kept: QuestionFilters = definedOnly({ ...filters, modifiedAfter, modifiedBefore, repository });
    const keptWhere = whereFor(kept, searchedSources(kept, allowed), question.uploadScope);
    widened = { text: searchText, expansions, ...(keptWhere !== undefined ? { where: keptWhere } : {}) };
  }

  return {
    text: searchText,
    expansions,
    ...(where !== undefined ? { where } : {}),
    filters,
    blockedSources,
    emptyScope: searched !== undefined && searched.length === 0,
    ...(widened !== undefined ? { widened } : {}),
  };
}

/** The sources the filters name; a repository implies GitHub. */
function requestedSources(filters: QuestionFilters): SourceKind[] | undefined {
  return filters.sources ?? (filters.repository !== undefined ? ['github'] : undefined);
}

/** What is searched: the sources requested, or all, within what the channel may see. */
function searchedSources(filters: QuestionFilters, allowed: readonly SourceKind[] | undefined): SourceKind[] | undefined {
  const requested = requestedSources(filters);
  return allowed === undefined ? requested : (requested ?? [...allowed]).filter((source) => allowed.includes(source));
}

function whereFor(
  filters: QuestionFilters,
  searched: readonly SourceKind[] | undefined,
  uploadScope: string | undefined,
): MetadataFilter | undefined {
  const conditions: MetadataFilter[] = [];
  if (searched !== undefined) conditions.push({ source: { $in: [...new Set(searched)] } });
  const after = filters.modifiedAfter === undefined ? undefined : epochMs(filters.modifiedAfter, 'modifiedAfter');
  const before = filters.modifiedBefore === undefined ? undefined : epochMs(filters.modifiedBefore, 'modifiedBefore');
  // `modifiedAtMs` 0 means "unknown": a date filter asks for dated documents, so a bound of 1 keeps those out.
  if (after !== undefined || before !== undefined) conditions.push({ modifiedAtMs: { $gte: Math.max(after ?? 1, 1) } });
  // One operator per condition: Chroma rejects `{$gte, $lte}` together. `modifiedBefore` is exclusive.
  if (before !== undefined) conditions.push({ modifiedAtMs: { $lte: before - 1 } });
  if (filters.repository !== undefined) conditions.push({ repository: { $eq: filters.repository.toLowerCase() } });
  // A file shared in one channel, or a reply saved there as a verified answer, is answered from in that channel only:
  // other channels' never reach the context.
  const scoped = PLACE_SCOPED_SOURCES.filter((source) => searched === undefined || searched.includes(source));
  if (uploadScope !== undefined && scoped.length > 0) {
    const elsewhere: MetadataFilter[] = scoped.map((source) => ({ source: { $ne: source } }));
    conditions.push({ $or: [elsewhere.length === 1 ? elsewhere[0]! : { $and: elsewhere }, { uploadScope: { $eq: uploadScope } }] });
  }
  return conditions.length === 0 ? undefined : conditions.length === 1 ? conditions[0] : { $and: conditions };
}

function definedOnly(filters: QuestionFilters): QuestionFilters {
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)) as QuestionFilters;
}

function epochMs(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new RangeError(`filters.${field} must be an ISO date, got ${JSON.stringify(iso)}`);
  return ms;
}
