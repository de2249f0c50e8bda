// An answer benchmark's questions: one JSON object per line (datasets/real-docs-dev/README.md, "Question format").
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { goldKey } from './gold-match.ts';
import { LoreError } from '../../rag/errors.ts';

export const QUESTION_KINDS = ['single', 'multi', 'none'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

const BenchQuestionSchema = z
  .object({
    id: z.string().trim().min(1),
    question: z.string().trim().min(1),
    kind: z.enum(QUESTION_KINDS),
    /** Paths relative to the corpus folder: one suffices for `single`, all are needed for `multi`. */
    gold: z.array(z.string().trim().min(1)).default([]),
    /** Short strings a correct answer contains. */
    facts: z.array(z.string().trim().min(1)).default([]),
    /** The reference answer (for `none`: what the corpus does and does not say). */
    answer: z.string().default(''),
  })
  .superRefine((q, ctx) => {
    if (q.kind === 'none') {
      if (q.gold.length > 0) ctx.addIssue({ code: 'custom', path: ['gold'], message: 'must be empty for a "none" question' });
      if (q.facts.length > 0) ctx.addIssue({ code: 'custom', path: ['facts'], message: 'must be empty for a "none" question' });
    } else {
      if (q.gold.length === 0) ctx.addIssue({ code: 'custom', path: ['gold'], message: `a "${q.kind}" question needs at least one gold file` });
      if (q.answer.trim() === '') ctx.addIssue({ code: 'custom', path: ['answer'], message: `a "${q.kind}" question needs a reference answer` });
    }
  });

export type BenchQuestion = z.infer<typeof BenchQuestionSchema>;

export class QuestionSetError extends LoreError {
  override readonly code: string = 'invalid_question_set';
}

/** Parses a question set; every problem is reported as `file:line: field: message`. */
export function parseQuestionSet(text: string, file = 'questions'): BenchQuestion[] {
  const questions: BenchQuestion[] = [];
  const problems: string[] = [];
  const lineOf = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.push(`${where}: not JSON (${(error as Error).message})`);
      return;
    }
    const parsed = BenchQuestionSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${where}: ${issue.path.join('.') || 'question'}: ${issue.message}`);
      return;
    }
    const earlier = lineOf.get(parsed.data.id);
    if (earlier !== undefined) {
      problems.push(`${where}: id "${parsed.data.id}" is already used on line ${earlier}`);
      return;
    }
    lineOf.set(parsed.data.id, index + 1);
    questions.push({ ...parsed.data, gold: parsed.data.gold.map(goldKey) });
  });
  if (problems.length > 0) throw new QuestionSetError(`invalid question set:\n  ${problems.slice(0, 20).join('\n  ')}`);
  if (questions.length === 0) throw new QuestionSetError(`${file}: no questions`);
  return questions;
}

export function loadQuestionSet(file: string): BenchQuestion[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new QuestionSetError(`cannot read the question set ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseQuestionSet(text, file);
}

/** Gold files the corpus folder does not have, as `id: path` (a question set written for another corpus). */
export function missingGoldFiles(questions: readonly BenchQuestion[], corpusDir: string): string[] {
  const missing: string[] = [];
  for (const q of questions) {
    for (const gold of q.gold) {
      if (!fs.existsSync(path.join(corpusDir, ...gold.split('/')))) missing.push(`${q.id}: ${gold}`);
    }
  }
  return missing;
}
