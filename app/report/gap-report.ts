import { redactSecrets } from '../../rag/cite/redact-secrets.ts';
import type { SqlDatabase } from '../../rag/contracts/sql-database.ts';
import type { Citation } from '../../rag/types.ts';
import { groupSimilar } from './group-similar-questions.ts';

// The knowledge-gap report (`lore report`, GET /admin/report): what people asked, per day and channel, how much
// of it Lore answered, where it abstained or was rated 👎 (grouped, the gaps), which documents carry the answers
// and which never do or have gone stale, and what it cost. It only reads: the query log (app/query-log.ts) and
// the feedback and documents tables their owners write. Every text in it went through the redaction every answer
// leaving Lore goes through: a secret pasted into a question must not reappear on an admin page. On the storage
// seam (issue 19), in SQL both dialects read alike: the 👎 reasons are gathered here rather than by SQLite's
// group_concat, and the hand-off flags come back as 0/1 from a CASE rather than as PostgreSQL's booleans.

/** A count and its share of the questions asked in the window (0 when nothing was asked). */
export interface Figure {
  count: number;
  rate: number;
}

/** Questions handed off to people, and how many of those hand-offs someone marked resolved. */
export interface HandOffFigure extends Figure {
  resolved: number;
}

export interface DayFigures {
  /** YYYY-MM-DD, UTC. */
  date: string;
  questions: number;
  answered: number;
  abstained: number;
  /** answered / questions; null on a day without questions (no rate, rather than a rate of 0). */
  answerRate: number | null;
  thumbsUp: number;
  thumbsDown: number;
  costUsd: number;
  /** Questions per channel that day, busiest first; days and channels without questions are left out. */
  byChannel: Array<{ channel: string; questions: number }>;
}

export interface ChannelFigures {
  /** `slack:C0123`, `discord:1234`, or the surface alone when there is no channel (`http`, `cli`). */
  channel: string;
  platform: string;
  channelId: string | null;
  questions: number;
  answered: number;
  abstained: number;
  answerRate: number;
}

export interface GapExample {
  question: string;
  askedAt: string;
  channel: string;
  outcome: 'abstained' | 'thumbs-down';
  /** What the 👎 said, when its giver said anything. */
  reasons: string[];
}

/** A document the search came back with for the questions of a gap: the closest sources, or what was cited. */
export interface SearchedDocument {
  docId: string;
  title: string;
  url: string;
  source: string;
  /** How many of the gap's questions it came back for. */
  times: number;
}

export interface Gap {
  /** Questions in the group. */
  size: number;
  abstained: number;
  thumbsDown: number;
  firstAskedAt: string;
  lastAskedAt: string;
  channels: string[];
  /** Up to five distinct questions, newest first. */
  examples: GapExample[];
  /** What Lore searched and found for them: the closest sources of an abstention, the citations of a 👎 answer. */
  searched: SearchedDocument[];
}

export interface DocumentRef {
  docId: string;
  title: string;
  source: string;
  url: string;
  /** When the document last changed upstream (or was last re-indexed when the source does not say); null: not indexed any more. */
  updatedAt: string | null;
}

export interface CitedDocument extends DocumentRef {
  /** Answers in the window that cited it. */
  citedBy: number;
  lastCitedAt: string;
  /** False when the document has since left the index (deleted upstream). */
  indexed: boolean;
}

export interface GapReport {
  generatedAt: string;
  window: { since: string; until: string; days: number; queryLogDays: number };
  totals: {
    /** Questions asked (small talk excluded: it never searches the knowledge base). */
    questions: number;
    smallTalk: number;
    answered: Figure;
    abstained: Figure;
    /** Questions handed off to a person ("Ask a person"), and how many of those were marked resolved. */
    handedOff: HandOffFigure;
    /** Questions whose answer has at least one 👍 (or 👎) that was not taken back. */
    thumbsUp: Figure;
    thumbsDown: Figure;
    costUsd: number;
  };
  daily: DayFigures[];
  channels: ChannelFigures[];
  /** Abstained and 👎 questions grouped by similarity, largest groups first. */
  gaps: Gap[];
  documents: {
    indexed: number;
    mostCited: CitedDocument[];
    neverCited: { total: number; documents: DocumentRef[] };
    staleCited: { afterDays: number; total: number; documents: CitedDocument[] };
  };
  /** People's replies saved as verified answers in the window, and how many of those were revoked since. */
  verifiedAnswers: { added: number; revoked: number };
  notes: string[];
}

export interface GapReportOptions {
  /** Start of the window (inclusive); default: the query log's retention before `now`, from the start of that day. */
  since?: Date;
  now?: Date;
  /** LORE_QUERY_LOG_DAYS: rows older than this are pruned, so an earlier `since` cannot find them. */
  queryLogDays: number;
  /** A cited document not changed for this many days is stale. */
  staleAfterDays?: number;
  /** Longest lists (gaps, documents) in the report. */
  limit?: number;
}

export const DEFAULT_STALE_AFTER_DAYS = 180;
const DEFAULT_LIMIT = 20;
const EXAMPLES_PER_GAP = 5;
const SEARCHED_PER_GAP = 3;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Gap questions compared pairwise: past this many, the newest are kept (and the report says so). */
const MAX_GAP_QUESTIONS = 5_000;

interface LogRow {
  answer_id: string;
  created_at: string;
  platform: string;
  channel_id: string | null;
  question: string;
  mode: string;
  abstained: number;
  cost_usd: number;
  citations: string;
  up: number;
  down: number;
  handed_off: number;
  resolved: number;
}

interface DocumentRow {
  id: string;
  source: string;
  title: string;
  url: string;
  modified_at: string | null;
  indexed_at: string;
}

interface LoggedQuestion {
  answerId: string;
  askedAt: string;
  date: string;
  channel: string;
  platform: string;
  channelId: string | null;
  question: string;
  abstained: boolean;
  costUsd: number;
  citations: Citation[];
  up: number;
  down: number;
  reasons: string[];
  handedOff: boolean;
  resolved: boolean;
}

/** `--since` and `?since=`: a date (`2026-11-01`, the start of that UTC day) or an ISO time with its zone. */
export function parseSince(value: string): Date {
  const ms = /^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2}))?$/.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN;
  if (!Number.isFinite(ms)) throw new Error(`since must be an ISO date such as 2026-11-01, got "${value}"`);
  return new Date(ms);
}

/** The report over the window, every text redacted. */
export async function buildGapReport(db: SqlDatabase, options: GapReportOptions): Promise<GapReport> {
  const now = options.now ?? new Date();
  const since = options.since ?? startOfDay(new Date(now.getTime() - options.queryLogDays * DAY_MS));
  if (since.getTime() > now.getTime()) throw new Error(`the report cannot start after now (since ${since.toISOString()})`);
  const staleAfterDays = options.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS;
  const limit = options.limit ?? DEFAULT_LIMIT;

  const { asked, smallTalk } = await readQuestions(db, since, now);
  const documents = await db.query<DocumentRow>('SELECT id, source, title, url, modified_at, indexed_at FROM documents ORDER BY title, id');
  const notes: string[] = [];
  if (now.getTime() - since.getTime() > options.queryLogDays * DAY_MS + DAY_MS) {
    notes.push(`the query log keeps ${options.queryLogDays} days (LORE_QUERY_LOG_DAYS): questions asked before that are no longer there to count`);
  }
  const gapQuestions = asked.filter((question) => question.abstained || question.down > 0);
  if (gapQuestions.length > MAX_GAP_QUESTIONS) {
    notes.push(`${gapQuestions.length} abstained or 👎 questions: the newest ${MAX_GAP_QUESTIONS} were grouped`);
  }

  const report: GapReport = {
    generatedAt: now.toISOString(),
    window: { since: since.toISOString(), until: now.toISOString(), days: daysBetween(since, now).length, queryLogDays: options.queryLogDays },
    totals: totalsOf(asked, smallTalk),
    daily: dailyFigures(asked, since, now),
    channels: channelFigures(asked),
    gaps: gapsOf(gapQuestions.slice(-MAX_GAP_QUESTIONS), limit),
    documents: documentFigures(asked, documents, now, staleAfterDays, limit),
    verifiedAnswers: await verifiedAdded(db, since, now),
    notes,
  };
  return redactStrings(report);
}

async function verifiedAdded(db: SqlDatabase, since: Date, until: Date): Promise<GapReport['verifiedAnswers']> {
  const [row] = await db.query<{ added: number; revoked: number }>(
    'SELECT count(*) AS added, count(revoked_at) AS revoked FROM verified_answers WHERE saved_at >= ? AND saved_at <= ?',
    [since.toISOString(), until.toISOString()],
  );
  return { added: row?.added ?? 0, revoked: row?.revoked ?? 0 };
}

async function readQuestions(db: SqlDatabase, since: Date, until: Date): Promise<{ asked: LoggedQuestion[]; smallTalk: number }> {
  const window = [since.toISOString(), until.toISOString()];
  // Ratings that were taken back (a reaction removed, an answer replaced after an edit) do not count.
  const rows = await db.query<LogRow>(
    `SELECT q.answer_id, q.created_at, q.platform, q.channel_id, q.question, q.mode, q.abstained, q.cost_usd, q.citations,
       (SELECT count(*) FROM feedback f WHERE f.answer_id = q.answer_id AND f.rating = 'up' AND f.retracted_at IS NULL) AS up,
       (SELECT count(*) FROM feedback f WHERE f.answer_id = q.answer_id AND f.rating = 'down' AND f.retracted_at IS NULL) AS down,
       CASE WHEN EXISTS (SELECT 1 FROM handoffs h WHERE h.answer_id = q.answer_id) THEN 1 ELSE 0 END AS handed_off,
       CASE WHEN EXISTS (SELECT 1 FROM handoffs h WHERE h.answer_id = q.answer_id AND h.resolved_at IS NOT NULL) THEN 1 ELSE 0 END AS resolved
     FROM query_log q WHERE q.created_at >= ? AND q.created_at <= ? ORDER BY q.created_at, q.rowid`,
    window,
  );
  const reasons = await downReasons(db, window);
  const asked: LoggedQuestion[] = [];
  let smallTalk = 0;
  for (const row of rows) {
    if (row.mode === 'chitchat') {
      smallTalk++;
      continue;
    }
    asked.push({
      answerId: row.answer_id,
      askedAt: row.created_at,
      date: row.created_at.slice(0, 10),
      channel: row.channel_id ? `${row.platform}:${row.channel_id}` : row.platform,
      platform: row.platform,
      channelId: row.channel_id,
      question: row.question,
      abstained: row.abstained === 1,
      costUsd: row.cost_usd,
      citations: JSON.parse(row.citations) as Citation[],
      up: row.up,
      down: row.down,
      reasons: reasons.get(row.answer_id) ?? [],
      handedOff: row.handed_off === 1,
      resolved: row.resolved === 1,
    });
  }
  return { asked, smallTalk };
}

/** What the 👎s still standing on the window's answers said, per answer, in the order they were given. */
async function downReasons(db: SqlDatabase, window: readonly string[]): Promise<Map<string, string[]>> {
  const rows = await db.query<{ answer_id: string; reason: string }>(
    `SELECT f.answer_id, f.reason FROM feedback f JOIN query_log q ON q.answer_id = f.answer_id
     WHERE q.created_at >= ? AND q.created_at <= ? AND f.rating = 'down' AND f.retracted_at IS NULL AND f.reason IS NOT NULL AND f.reason <> ''
     ORDER BY f.answer_id, f.created_at, f.user_id`,
    window,
  );
  const reasons = new Map<string, string[]>();
  for (const row of rows) {
    const said = reasons.get(row.answer_id);
    if (said) said.push(row.reason);
    else reasons.set(row.answer_id, [row.reason]);
  }
  return reasons;
}

function share(count: number, of: number): Figure {
  return { count, rate: of === 0 ? 0 : count / of };
}

function totalsOf(asked: readonly LoggedQuestion[], smallTalk: number): GapReport['totals'] {
  const total = asked.length;
  const abstained = asked.filter((question) => question.abstained).length;
  return {
    questions: total,
    smallTalk,
    answered: share(total - abstained, total),
    abstained: share(abstained, total),
    handedOff: {
      ...share(asked.filter((question) => question.handedOff).length, total),
      resolved: asked.filter((question) => question.resolved).length,
    },
    thumbsUp: share(asked.filter((question) => question.up > 0).length, total),
    thumbsDown: share(asked.filter((question) => question.down > 0).length, total),
    costUsd: sumCost(asked),
  };
}

function sumCost(questions: readonly LoggedQuestion[]): number {
  // Rounded to a millionth of a dollar: summing floats must not print 0.30000000000000004.
  return Math.round(questions.reduce((sum, question) => sum + question.costUsd, 0) * 1e6) / 1e6;
}

function dailyFigures(asked: readonly LoggedQuestion[], since: Date, until: Date): DayFigures[] {
  const byDate = groupBy(asked, (question) => question.date);
  return daysBetween(since, until).map((date) => {
    const day = byDate.get(date) ?? [];
    const answered = day.filter((question) => !question.abstained).length;
    const byChannel = [...groupBy(day, (question) => question.channel)]
      .map(([channel, questions]) => ({ channel, questions: questions.length }))
      .sort((a, b) => b.questions - a.questions || a.channel.localeCompare(b.channel));
    return {
      date,
      questions: day.length,
      answered,
      abstained: day.length - answered,
      answerRate: day.length === 0 ? null : answered / day.length,
      thumbsUp: day.filter((question) => question.up > 0).length,
      thumbsDown: day.filter((question) => question.down > 0).length,
      costUsd: sumCost(day),
      byChannel,
    };
  });
}

function channelFigures(asked: readonly LoggedQuestion[]): ChannelFigures[] {
  return [...groupBy(asked, (question) => question.channel)]
    .map(([channel, questions]) => {
      const answered = questions.filter((question) => !question.abstained).length;
      return {
        channel,
        platform: questions[0]!.platform,
        channelId: questions[0]!.channelId,
        questions: questions.length,
        answered,
        abstained: questions.length - answered,
        answerRate: answered / questions.length,
      };
    })
    .sort((a, b) => b.questions - a.questions || a.channel.localeCompare(b.channel));
}

function gapsOf(questions: readonly LoggedQuestion[], limit: number): Gap[] {
  return groupSimilar(questions, (question) => question.question)
    .slice(0, limit)
    .map((group) => {
      const newestFirst = [...group].reverse();
      const examples: GapExample[] = [];
      const seen = new Set<string>();
      for (const question of newestFirst) {
        const key = question.question.toLowerCase().replace(/\s+/g, ' ').trim();
        if (seen.has(key) || examples.length >= EXAMPLES_PER_GAP) continue;
        seen.add(key);
        examples.push({
          question: question.question,
          askedAt: question.askedAt,
          channel: question.channel,
          outcome: question.abstained ? 'abstained' : 'thumbs-down',
          reasons: question.reasons,
        });
      }
      return {
        size: group.length,
        abstained: group.filter((question) => question.abstained).length,
        thumbsDown: group.filter((question) => question.down > 0).length,
        firstAskedAt: group[0]!.askedAt,
        lastAskedAt: group[group.length - 1]!.askedAt,
        channels: [...new Set(group.map((question) => question.channel))].sort(),
        examples,
        searched: searchedFor(group),
      };
    });
}

/** The documents the questions of a gap came back with, most often first. */
function searchedFor(group: readonly LoggedQuestion[]): SearchedDocument[] {
  const found = new Map<string, SearchedDocument>();
  for (const question of group) {
    for (const citation of distinctDocuments(question.citations)) {
      const known = found.get(citation.docId);
      if (known) known.times++;
      else found.set(citation.docId, { docId: citation.docId, title: citation.title, url: citation.url, source: citation.source, times: 1 });
    }
  }
  return [...found.values()].sort((a, b) => b.times - a.times || a.title.localeCompare(b.title)).slice(0, SEARCHED_PER_GAP);
}

function distinctDocuments(citations: readonly Citation[]): Citation[] {
  const seen = new Set<string>();
  return citations.filter((citation) => !seen.has(citation.docId) && seen.add(citation.docId));
}

function documentFigures(
  asked: readonly LoggedQuestion[],
  documents: readonly DocumentRow[],
  now: Date,
  staleAfterDays: number,
  limit: number,
): GapReport['documents'] {
  const indexed = new Map(documents.map((row) => [row.id, row]));
  const cited = new Map<string, CitedDocument>();
  // An abstention lists the closest sources as citations: they did not answer anything, so they are not counted.
  for (const question of asked.filter((entry) => !entry.abstained)) {
    for (const citation of distinctDocuments(question.citations)) {
      const known = cited.get(citation.docId);
      if (known) {
        known.citedBy++;
        known.lastCitedAt = question.askedAt;
        continue;
      }
      const row = indexed.get(citation.docId);
      cited.set(citation.docId, {
        docId: citation.docId,
        title: row?.title ?? citation.title,
        source: row?.source ?? citation.source,
        url: row?.url ?? citation.url,
        updatedAt: row ? updatedAt(row) : null,
        citedBy: 1,
        lastCitedAt: question.askedAt,
        indexed: row !== undefined,
      });
    }
  }
  const staleBefore = new Date(now.getTime() - staleAfterDays * DAY_MS).toISOString();
  const byCitations = [...cited.values()].sort((a, b) => b.citedBy - a.citedBy || b.lastCitedAt.localeCompare(a.lastCitedAt));
  const stale = byCitations.filter((document) => document.indexed && document.updatedAt !== null && document.updatedAt < staleBefore);
  const never = documents.filter((row) => !cited.has(row.id));
  return {
    indexed: documents.length,
    mostCited: byCitations.slice(0, limit),
    neverCited: {
      total: never.length,
      documents: never
        .slice(0, limit)
        .map((row) => ({ docId: row.id, title: row.title, source: row.source, url: row.url, updatedAt: updatedAt(row) })),
    },
    staleCited: { afterDays: staleAfterDays, total: stale.length, documents: stale.slice(0, limit) },
  };
}

/** When a document last changed: its source's date when the source gives one, else when Lore last indexed new content. */
function updatedAt(row: DocumentRow): string {
  return row.modified_at ?? row.indexed_at;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function startOfDay(date: Date): Date {
  return new Date(`${date.toISOString().slice(0, 10)}T00:00:00.000Z`);
}

/** Every UTC date from `since` to `until`, both included. */
function daysBetween(since: Date, until: Date): string[] {
  const days: string[] = [];
  for (let day = startOfDay(since); day.getTime() <= until.getTime(); day = new Date(day.getTime() + DAY_MS)) {
    days.push(day.toISOString().slice(0, 10));
  }
  return days;
}

/** Every string in the report, through the redaction every answer leaving Lore goes through (rag/cite/redact-secrets.ts). */
function redactStrings<T>(value: T): T {
  if (typeof value === 'string') return redactSecrets(value).text as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactStrings(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactStrings(item)])) as T;
  }
  return value;
}
