// Filters a question states in its own words: a source ("in Notion", "on GitHub", "from the uploaded files"), a
// date range ("since March 2024", "last week") and a repository ("in acme/api"). The phrases are taken out of the
// question when what is left still asks something, so "Notion" does not also weigh in as a search term.
//
// Source names only count as filters where they read as a place to look: with a qualifier ("the Notion pages"),
// after a looking verb ("search GitHub for…"), or at the edge of the question ("…in Notion?", "On GitHub, …").
// "How do I connect Notion to Slack?" is about Notion, not a request to search only there. "In the docs" names
// no source at all.
import type { QuestionFilters, SourceKind } from '../types.ts';
import { findDatePhrases } from './date-phrases.ts';
import { contentTerms } from './question-terms.ts';

export interface ExtractedFilters {
  /** Only the filters the question states. */
  filters: QuestionFilters;
  /** The question without the filter phrases, or unchanged when removing them would leave nothing to ask. */
  text: string;
  /** The phrases recognised, in order (for logs and explanations). */
  phrases: string[];
}

interface Found {
  start: number;
  end: number;
  text: string;
  apply: (filters: QuestionFilters) => void;
}

const SOURCE_NAMES: ReadonlyArray<readonly [SourceKind, string]> = [
  ['notion', String.raw`notion`],
  ['github', String.raw`git\s?hub`],
  [
    'upload',
    String.raw`(?:uploaded|attached)\s+(?:files?|documents?|docs|pdfs?)|uploads|attachments|(?:files?|documents?|docs)\s+(?:i|we|you)\s+uploaded`,
  ],
  ['files', String.raw`local\s+files|file\s+share|shared\s+drive`],
  ['web', String.raw`(?:web\s?site|web\s+pages?)`],
];
const NAME = SOURCE_NAMES.map(([, pattern]) => `(?:${pattern})`).join('|');
const NAMES = String.raw`(?:${NAME})(?:\s*(?:,|\bor\b|\band\b|/)\s*(?:the\s+)?(?:${NAME}))*`;
const QUALIFIER = String.raw`pages?|docs|documents?|workspace|wiki|databases?|issues?|pull\s+requests?|prs|discussions?|repos?|repositories|content`;
// Verbs that make any mention a place to look: "search Notion for…", "according to the GitHub issues".
const LOOK = String.raw`search(?:ing)?(?:\s+(?:in|on|through))?|look(?:ing)?\s+(?:in|on|at|through)|check(?:ing)?(?:\s+(?:in|on))?|according\s+to|based\s+on|only\s+(?:in|on|from)`;
const PLACE = String.raw`in|on|from|within|inside|across|at`;
const SOURCE_PHRASE = new RegExp(
  String.raw`\b(?:(?<look>${LOOK})|(?:${PLACE}))\s+(?:(?:the|our|my|your)\s+)?(?<names>${NAMES})(?:\s+(?<qualifier>${QUALIFIER}))?\b`,
  'giu',
);

const OWNER = String.raw`[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})`;
const REPO_NAME = String.raw`[A-Za-z0-9_-](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9_-])?`;
const REPO_PHRASE = new RegExp(
  String.raw`\b(?:(?<place>in|from|on|for|of)\s+(?:the\s+)?)?(?<label>repo(?:sitory)?\s+|github\.com/)?(?<repo>${OWNER}/${REPO_NAME})(?<suffix>\s+repo(?:sitory)?\b)?(?![\w/])`,
  'giu',
);
// Slash pairs that are not repositories.
const NOT_REPOSITORIES = new Set(
  'ci/cd and/or tcp/ip i/o input/output read/write on/off yes/no true/false client/server dev/prod staging/prod frontend/backend either/or'.split(
    ' ',
  ),
);
// "in feb/march", "mon/tue": months or weekdays side by side, not an owner and a repository.
const CALENDAR_WORD = String.raw`(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?`;
const CALENDAR_PAIR = new RegExp(String.raw`^${CALENDAR_WORD}/${CALENDAR_WORD}$`, 'i');
// "in src/utils" is a folder, not an owner; "docs/guide.md" is a file.
const FOLDER_OWNERS = new Set('src lib app apps test tests docs doc bin packages rag config scripts dist build public assets .github'.split(' '));
const FILE_EXTENSION = /\.(?:md|mdx|ts|tsx|js|jsx|mjs|cjs|py|go|rs|java|rb|json|ya?ml|toml|txt|html?|css|sh|pdf|docx?)$/i;

/** The filters `question` states, with `now` anchoring relative dates ("last week"). */
export function extractFilters(question: string, now: Date): ExtractedFilters {
  const found = [...sourcePhrases(question), ...repositoryPhrases(question), ...datePhrases(question, now)];
  const kept: Found[] = [];
  for (const phrase of found.sort((a, b) => a.start - b.start || b.end - a.end)) {
    if (!kept.some((other) => phrase.start < other.end && phrase.end > other.start)) kept.push(phrase);
  }
  const filters: QuestionFilters = {};
  for (const phrase of kept) phrase.apply(filters);
  if (filters.sources) filters.sources = [...new Set(filters.sources)];
  return { filters, text: withoutPhrases(question, kept), phrases: kept.map((phrase) => phrase.text) };
}

function sourcePhrases(question: string): Found[] {
  const found: Found[] = [];
  for (const match of question.matchAll(SOURCE_PHRASE)) {
    const groups = match.groups ?? {};
    const start = match.index;
    const end = start + match[0].length;
    const atEdge = isEdge(question, start, end);
    if (groups.look === undefined && groups.qualifier === undefined && !atEdge) continue;
    const sources = sourcesIn(groups.names ?? '');
    if (sources.length === 0) continue;
    found.push({ start, end, text: match[0], apply: (filters) => (filters.sources = [...(filters.sources ?? []), ...sources]) });
  }
  return found;
}

function sourcesIn(names: string): SourceKind[] {
  return SOURCE_NAMES.filter(([, pattern]) => new RegExp(String.raw`\b(?:${pattern})\b`, 'iu').test(names)).map(([kind]) => kind);
}

function repositoryPhrases(question: string): Found[] {
  const found: Found[] = [];
  for (const match of question.matchAll(REPO_PHRASE)) {
    const groups = match.groups ?? {};
    const repository = (groups.repo ?? '').toLowerCase();
    const [owner = ''] = repository.split('/');
    if (
      NOT_REPOSITORIES.has(repository) ||
      FOLDER_OWNERS.has(owner) ||
      FILE_EXTENSION.test(repository) ||
      /^\d+\/\d+$/.test(repository) ||
      CALENDAR_PAIR.test(repository)
    ) {
      continue;
    }
    const start = match.index;
    const end = start + match[0].length;
    // A bare "owner/name" after a preposition could be a path or a fraction: only at the question's edge.
    const labelled = groups.label !== undefined || groups.suffix !== undefined;
    if (!labelled && !(groups.place !== undefined && isEdge(question, start, end))) continue;
    found.push({ start, end, text: match[0], apply: (filters) => (filters.repository = repository) });
  }
  return found;
}

function datePhrases(question: string, now: Date): Found[] {
  return findDatePhrases(question, now).map(({ range, start, end, text }) => ({
    start,
    end,
    text,
    apply: (filters: QuestionFilters) => {
      // Several date phrases narrow each other ("in 2023, before June"): the latest start and earliest end win.
      if (range.after && (filters.modifiedAfter === undefined || range.after.toISOString() > filters.modifiedAfter)) {
        filters.modifiedAfter = range.after.toISOString();
      }
      if (range.before && (filters.modifiedBefore === undefined || range.before.toISOString() < filters.modifiedBefore)) {
        filters.modifiedBefore = range.before.toISOString();
      }
    },
  }));
}

/** True when the phrase opens the question (before a comma) or closes it (before end punctuation or a comma). */
function isEdge(question: string, start: number, end: number): boolean {
  const before = question.slice(0, start);
  const after = question.slice(end);
  const opens = /^[\s"'“(]*$/u.test(before) && /^\s*,/.test(after);
  const closes = /^[\s?!.…)"'”]*$/u.test(after) || /^\s*,/.test(after) || /^\s*(?:and|or|but)\b/i.test(after);
  return opens || closes || /,\s*$/.test(before);
}

/** The question with the phrases cut out and the seams tidied; the original if nothing would be left to ask. */
function withoutPhrases(question: string, phrases: readonly Found[]): string {
  if (phrases.length === 0) return question;
  let text = question;
  for (const phrase of [...phrases].sort((a, b) => b.start - a.start)) text = `${text.slice(0, phrase.start)} ${text.slice(phrase.end)}`;
  // "search Notion for the vacation policy" → "the vacation policy", not "for the vacation policy".
  if (phrases.some((phrase) => question.slice(0, phrase.start).trim() === '')) text = text.replace(/^\s*(?:for|about|regarding)\s+/i, '');
  const tidy = text
    .replace(/\s+/g, ' ')
    .replace(/\s+([?!.,;:])/g, '$1')
    .replace(/,\s*([?!.])/g, '$1')
    .replace(/([?!.,;:])[,;:]+/g, '$1')
    .replace(/^[\s,;:]+|[\s,;:]+$/g, '')
    // A conjunction left dangling at either end by the cut ("…and?").
    .replace(/\s+(?:and|or|but)([?!.]*)$/i, '$1')
    .trim();
  if (contentTerms(tidy).length === 0) return question;
  return /^\p{Lu}/u.test(question.trimStart()) ? tidy.charAt(0).toUpperCase() + tidy.slice(1) : tidy;
}
