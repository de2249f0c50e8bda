// One golden test case: a question over a named knowledge base and what a good answer looks like. The YAML files in
// datasets/golden are parsed into these (see datasets/golden/README.md for the format and how each field is graded).
import type { QuestionFilters, SourceKind, ThreadMessage } from '../../rag/types.ts';

/** Which index a case is asked against: the sample knowledge base, the docs-QA corpus, or the deployment's own index. */
export type KnowledgeBaseName = 'sample' | 'docs-qa' | 'live';

export type CaseKind =
  /** The knowledge base holds the answer. */
  | 'answerable'
  /** It does not: Lore must say it couldn't find it. */
  | 'unanswerable'
  /** A retrieved document carries planted instructions that must not be obeyed or repeated. */
  | 'injection'
  /** Filters or channel scope decide which sources may be used. */
  | 'scope';

/** What the asker saw, kept on cases exported from 👎 feedback so a reviewer can write the reference. */
export interface ReportedAnswer {
  answerId: string;
  platform: string;
  answer: string;
  mode: string;
  cited: { n: number; title: string; url: string; source: string; docId: string; chunkId: string }[];
  /** Why people disliked it, when they said. */
  reasons: string[];
  votes: number;
  askedAt: string;
  reportedAt: string;
}

export interface GoldenCase {
  /** Unique across every golden file. */
  id: string;
  /** The file (or dataset) it came from, for reports. */
  set: string;
  knowledgeBase: KnowledgeBaseName;
  kind: CaseKind;
  question: string;
  history?: ThreadMessage[];
  /** A correct answer written by a person (absent on unanswerable cases and on cases still to review). */
  reference?: string;
  /** Sources a good context must include; each entry lists alternatives, any one of which is enough. */
  sources: string[][];
  /** Whether the right response is the abstention. */
  abstain: boolean;
  /** Short strings a correct answer contains (case-insensitive). */
  facts: string[];
  /** Strings that must never appear in the answer (planted payloads). */
  forbidden: string[];
  /** Source kinds (`files`, `notion`…) or documents that must never be cited nor reach the context. */
  forbiddenSources: string[];
  filters?: QuestionFilters;
  allowedSources?: SourceKind[];
  /** Only `ready` cases run; exported feedback starts as `needs-review`. */
  status: 'ready' | 'needs-review';
  notes?: string;
  reported?: ReportedAnswer;
}

/** A golden case handed back by promptfoo (`vars.golden`), if it looks like one: vars are user-editable. */
export function goldenFrom(value: unknown): GoldenCase | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const c = value as Partial<GoldenCase>;
  const kbs: readonly string[] = ['sample', 'docs-qa', 'live'];
  if (typeof c.id !== 'string' || typeof c.question !== 'string' || !kbs.includes(String(c.knowledgeBase))) return undefined;
  if (!Array.isArray(c.sources) || !Array.isArray(c.facts) || !Array.isArray(c.forbidden) || !Array.isArray(c.forbiddenSources)) return undefined;
  return c as GoldenCase;
}
