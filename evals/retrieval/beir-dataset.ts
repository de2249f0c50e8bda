import fs from 'node:fs';

// The BEIR layout: corpus.jsonl ({_id, title, text}), queries.jsonl ({_id, text}), qrels TSV
// (query-id, corpus-id, score, with a header row). Only what retrieval scoring needs is read.

export interface BeirDocument {
  id: string;
  title: string;
  text: string;
  /** The raw JSON line: a change to it is a change to the document. */
  line: string;
}

export interface BeirQuery {
  id: string;
  text: string;
}

/** query id -> document id -> graded relevance (> 0 means relevant). */
export type Qrels = ReadonlyMap<string, ReadonlyMap<string, number>>;

export function loadCorpus(file: string): BeirDocument[] {
  return readJsonLines(file).map(({ value, line, lineNo }) => {
    const id = stringField(value, '_id', file, lineNo);
    const text = typeof value.text === 'string' ? value.text : '';
    const title = typeof value.title === 'string' ? value.title : '';
    return { id, title, text, line };
  });
}

export function loadQueries(file: string): BeirQuery[] {
  return readJsonLines(file).map(({ value, lineNo }) => ({
    id: stringField(value, '_id', file, lineNo),
    text: stringField(value, 'text', file, lineNo),
  }));
}

export function loadQrels(file: string): Qrels {
  const qrels = new Map<string, Map<string, number>>();
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const [queryId, docId, score] = line.split('\t');
    if (i === 0 && Number.isNaN(Number(score))) return; // header row
    const grade = Number(score);
    if (!queryId || !docId || !Number.isFinite(grade)) throw new Error(`${file}:${i + 1}: expected query-id<TAB>corpus-id<TAB>score`);
    if (grade <= 0) return;
    let judged = qrels.get(queryId);
    if (!judged) qrels.set(queryId, (judged = new Map()));
    judged.set(docId, grade);
  });
  return qrels;
}

function readJsonLines(file: string): { value: Record<string, unknown>; line: string; lineNo: number }[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, i) => {
      if (!line.trim()) return [];
      try {
        return [{ value: JSON.parse(line) as Record<string, unknown>, line, lineNo: i + 1 }];
      } catch (error) {
        throw new Error(`${file}:${i + 1}: not valid JSON (${(error as Error).message})`);
      }
    });
}

function stringField(value: Record<string, unknown>, key: string, file: string, lineNo: number): string {
  const field = value[key];
  if (typeof field === 'string' && field !== '') return field;
  if (typeof field === 'number') return String(field);
  throw new Error(`${file}:${lineNo}: missing "${key}"`);
}
