import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SOURCE_KINDS } from '../../rag/contracts/sources.ts';
import type { CaseKind, GoldenCase, KnowledgeBaseName } from './golden-case.ts';
import { docsQaCases } from './docs-qa-cases.ts';
import { LoreError } from '../../rag/errors.ts';

// Golden files are written by people and by `lore feedback export`: every field is checked, and an error names the
// file, the case and the field, so a typo never turns into a silently skipped or silently wrong test.

export class GoldenSetError extends LoreError {
  override readonly code: string = 'invalid_golden_set';
  override name = 'GoldenSetError';
}

const MAX_FILE_BYTES = 5 * 1024 * 1024;
const MAX_TEXT = 4_000;

const text = (max = MAX_TEXT) =>
  z
    .string()
    .trim()
    .min(1, { message: 'must not be empty' })
    .max(max, { message: `must be at most ${max} characters` });
const sourceKind = z.enum(SOURCE_KINDS, { message: `must be one of ${SOURCE_KINDS.join(', ')}` });
const stringList = z.array(text(300)).max(50).default([]);

const reportedSchema = z.object({
  answerId: z.string(),
  platform: z.string(),
  answer: z.string().max(20_000),
  mode: z.string(),
  cited: z
    .array(
      z.object({
        n: z.number(),
        title: z.string(),
        url: z.string(),
        source: z.string(),
        docId: z.string(),
        chunkId: z.string(),
      }),
    )
    .default([]),
  reasons: z.array(z.string()).default([]),
  votes: z.number().int().min(0),
  askedAt: z.string(),
  reportedAt: z.string(),
});

const caseSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, { message: 'must be lower-case letters, digits, dots, dashes (max 100)' }),
    kind: z.enum(['answerable', 'unanswerable', 'injection', 'scope'], { message: 'must be answerable, unanswerable, injection or scope' }),
    question: text(2_000),
    history: z
      .array(z.object({ role: z.enum(['user', 'assistant']), text: text() }))
      .max(20)
      .optional(),
    reference: text().optional(),
    sources: stringList,
    abstain: z.boolean().optional(),
    facts: stringList,
    forbidden: stringList,
    forbiddenSources: stringList,
    filters: z
      .object({ sources: z.array(sourceKind).min(1).optional() })
      .strict()
      .optional(),
    allowedSources: z.array(sourceKind).optional(),
    status: z.enum(['ready', 'needs-review']).default('ready'),
    notes: z.string().max(MAX_TEXT).optional(),
    reported: reportedSchema.optional(),
  })
  .strict();

const fileSchema = z
  .object({
    knowledgeBase: z.enum(['sample', 'docs-qa', 'live'], { message: 'must be sample, docs-qa or live' }),
    /** A BEIR-layout folder (answers.jsonl + qrels) whose questions become cases, relative to this file. */
    dataset: z.string().optional(),
    qrels: z.string().default('qrels/dev.tsv'),
    cases: z.array(z.unknown()).default([]),
  })
  .strict();

export interface GoldenSet {
  cases: GoldenCase[];
  /** Cases that are not `ready` (exported feedback awaiting review): listed, never run. */
  needsReview: GoldenCase[];
  files: string[];
}

/** Every `*.yaml` / `*.yml` file directly in `dir`, in name order. */
export function loadGoldenSet(dir: string): GoldenSet {
  let names: string[];
  try {
    names = fs
      .readdirSync(dir)
      .filter((name) => /\.ya?ml$/i.test(name))
      .sort();
  } catch (error) {
    throw new GoldenSetError(`golden set folder ${dir} cannot be read: ${(error as Error).message}`);
  }
  if (names.length === 0) throw new GoldenSetError(`golden set folder ${dir} has no .yaml files`);
  const all: GoldenCase[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    for (const goldenCase of loadGoldenFile(path.join(dir, name))) {
      const earlier = seen.get(goldenCase.id);
      if (earlier) throw new GoldenSetError(`${name}: case id "${goldenCase.id}" is already used in ${earlier}`);
      seen.set(goldenCase.id, name);
      all.push(goldenCase);
    }
  }
  return {
    cases: all.filter((c) => c.status === 'ready'),
    needsReview: all.filter((c) => c.status !== 'ready'),
    files: names,
  };
}

export function loadGoldenFile(file: string): GoldenCase[] {
  const name = path.basename(file);
  const stat = fs.statSync(file);
  if (stat.size > MAX_FILE_BYTES) throw new GoldenSetError(`${name}: ${stat.size} bytes, over the ${MAX_FILE_BYTES}-byte limit for a golden file`);
  let raw: unknown;
  try {
    raw = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new GoldenSetError(`${name}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const parsedFile = fileSchema.safeParse(raw);
  if (!parsedFile.success) throw new GoldenSetError(`${name}: ${describeIssue(parsedFile.error)}`);
  const { knowledgeBase, dataset, qrels, cases } = parsedFile.data;
  const set = name.replace(/\.ya?ml$/i, '');

  const parsed = cases.map((value, index) => parseCase(value, index, name, set, knowledgeBase));
  if (dataset) {
    const folder = path.resolve(path.dirname(file), dataset);
    try {
      parsed.push(...docsQaCases(folder, qrels, set, knowledgeBase));
    } catch (error) {
      throw new GoldenSetError(`${name}: dataset ${dataset}: ${(error as Error).message}`);
    }
  }
  return parsed;
}

function parseCase(value: unknown, index: number, file: string, set: string, knowledgeBase: KnowledgeBaseName): GoldenCase {
  const label = `${file}: case #${index + 1}${isRecord(value) && typeof value.id === 'string' ? ` (${value.id})` : ''}`;
  const result = caseSchema.safeParse(value);
  if (!result.success) throw new GoldenSetError(`${label}: ${describeIssue(result.error)}`);
  const c = result.data;
  const abstain = c.abstain ?? c.kind === 'unanswerable';
  const ready = c.status === 'ready';
  const problem = (message: string) => new GoldenSetError(`${label}: ${message}`);
  if (c.kind === 'unanswerable' && !abstain) throw problem('an unanswerable case must expect an abstention');
  if (ready && !abstain && !c.reference) throw problem('"reference" is required when an answer is expected');
  if (ready && !abstain && c.sources.length === 0) throw problem('"sources" is required when an answer is expected');
  return {
    id: c.id,
    set,
    knowledgeBase,
    kind: c.kind as CaseKind,
    question: c.question,
    ...(c.history ? { history: c.history } : {}),
    ...(c.reference ? { reference: c.reference } : {}),
    sources: c.sources.map(parseAlternatives),
    abstain,
    facts: c.facts,
    forbidden: c.forbidden,
    forbiddenSources: c.forbiddenSources,
    ...(c.filters?.sources ? { filters: { sources: c.filters.sources as GoldenCase['allowedSources'] } } : {}),
    ...(c.allowedSources ? { allowedSources: c.allowedSources as GoldenCase['allowedSources'] } : {}),
    status: c.status,
    ...(c.notes ? { notes: c.notes } : {}),
    ...(c.reported ? { reported: c.reported } : {}),
  };
}

/** `a.md | b.md` → ['a.md', 'b.md']: either document counts. */
function parseAlternatives(entry: string): string[] {
  return entry
    .split('|')
    .map((s) => s.trim())
    .filter(Boolean);
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'is invalid';
  const where = issue.path.length > 0 ? `"${issue.path.join('.')}" ` : '';
  return `${where}${issue.message}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
