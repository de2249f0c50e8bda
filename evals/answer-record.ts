// What the provider hands promptfoo for one golden case, and what the graders and the scorecard read back: the
// answer Lore gave plus everything needed to judge it (the numbered context, the citations, mode, cost, timings).
import type { Answer, Citation } from '../rag/types.ts';
import type { KnowledgeBaseName } from './golden/golden-case.ts';

export interface RecordedContext {
  chunkId: string;
  docId: string;
  /** Source kind of the document (`files`, `notion`…). */
  source?: string;
  score: number;
  text: string;
}

export interface AnswerRecord {
  answerId: string;
  knowledgeBase: KnowledgeBaseName;
  mode: Answer['mode'];
  abstained: boolean;
  confidence: number;
  contexts: RecordedContext[];
  citations: Citation[];
  timings: Answer['timings'];
  notes: string[];
}

/** The context passage a citation points to (citations name the first chunk of their passage). */
export function citedText(record: AnswerRecord, citation: Pick<Citation, 'chunkId'>): string | undefined {
  return record.contexts.find((context) => context.chunkId === citation.chunkId)?.text;
}

/** Reads a record back from promptfoo's response metadata, refusing anything that is not one. */
export function asAnswerRecord(metadata: unknown): AnswerRecord | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const m = metadata as Partial<AnswerRecord>;
  if (typeof m.answerId !== 'string' || !Array.isArray(m.contexts) || !Array.isArray(m.citations) || typeof m.abstained !== 'boolean') {
    return undefined;
  }
  return m as AnswerRecord;
}
