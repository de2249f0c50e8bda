import fs from 'node:fs';
import path from 'node:path';
import { loadQrels } from '../retrieval/beir-dataset.ts';
import type { GoldenCase, KnowledgeBaseName } from './golden-case.ts';

// A BEIR-style QA set as golden cases: the question and reference answer from answers.jsonl, the judged sections
// from the qrels as the expected sources. Only questions with both an answer and judgements become cases.

export function docsQaCases(folder: string, qrelsFile: string, set: string, knowledgeBase: KnowledgeBaseName): GoldenCase[] {
  const qrels = loadQrels(path.join(folder, qrelsFile));
  const answersFile = path.join(folder, 'answers.jsonl');
  const cases: GoldenCase[] = [];
  fs.readFileSync(answersFile, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let row: { _id?: unknown; question?: unknown; answer?: unknown };
      try {
        row = JSON.parse(line) as typeof row;
      } catch (error) {
        throw new Error(`answers.jsonl:${i + 1}: not valid JSON (${(error as Error).message})`);
      }
      if (typeof row._id !== 'string' || typeof row.question !== 'string' || typeof row.answer !== 'string') {
        throw new Error(`answers.jsonl:${i + 1}: expected {"_id", "question", "answer"} strings`);
      }
      const judged = qrels.get(row._id);
      if (!judged || judged.size === 0) return;
      cases.push({
        id: `docs-qa-${row._id.toLowerCase()}`,
        set,
        knowledgeBase,
        kind: 'answerable',
        question: row.question,
        reference: row.answer,
        sources: [...judged.keys()].map((docId) => [docId]),
        abstain: false,
        facts: [],
        forbidden: [],
        forbiddenSources: [],
        status: 'ready',
      });
    });
  if (cases.length === 0) throw new Error(`no question in ${answersFile} has judgements in ${qrelsFile}`);
  return cases;
}
