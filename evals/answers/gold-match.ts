// Which documents an answer points at, in the order a reader meets them, as paths relative to the corpus folder,
// so they compare with a question's gold files ("handbook/pages/leave.md"). Lore names a file document by its
// docId (`files:/abs/path`) and its url (`file:///abs/path#anchor`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the benchmark reads of an answer: the fields `lore ask --json` prints. */
export interface AnswerReferences {
  citations?: ReadonlyArray<{ url?: string; docId?: string }>;
  contexts?: ReadonlyArray<{ docId?: string }>;
}

/** The absolute file path a docId, file:// url or absolute path names; undefined for anything else. */
export function referencedFile(reference: string | undefined): string | undefined {
  if (!reference) return undefined;
  if (reference.startsWith('files:')) return path.resolve(reference.slice('files:'.length));
  if (/^file:/i.test(reference)) {
    try {
      const url = new URL(reference);
      url.hash = '';
      url.search = '';
      return fileURLToPath(url);
    } catch {
      return undefined;
    }
  }
  return path.isAbsolute(reference) ? path.resolve(reference) : undefined;
}

/** A gold path as the question set writes it, in the form `documentKey` gives: forward slashes, no `./`. */
export function goldKey(gold: string): string {
  return path.posix.normalize(gold.replace(/\\/g, '/')).replace(/^\.\//, '');
}

/**
 * The document a reference stands for: its path relative to `corpusDir` (forward slashes) when it is a file
 * inside it, else the reference itself (a document outside the corpus still takes a rank).
 */
export function documentKey(reference: string, corpusDir: string): string {
  const file = referencedFile(reference);
  if (!file) return reference;
  const relative = path.relative(path.resolve(corpusDir), file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return file;
  return relative.split(path.sep).join('/');
}

/**
 * The distinct documents an answer references: its citations in order, then its contexts in order. A citation
 * is known by its docId, or by its url when it has no docId.
 */
export function referencedDocuments(answer: AnswerReferences, corpusDir: string): string[] {
  const references = [...(answer.citations ?? []).map((c) => c.docId || c.url), ...(answer.contexts ?? []).map((c) => c.docId)];
  const documents: string[] = [];
  for (const reference of references) {
    if (!reference) continue;
    const key = documentKey(reference, corpusDir);
    if (!documents.includes(key)) documents.push(key);
  }
  return documents;
}

/** 1-based rank of the gold file among the referenced documents; undefined when it is not referenced. */
export function goldRank(documents: readonly string[], gold: string): number | undefined {
  const index = documents.indexOf(goldKey(gold));
  return index < 0 ? undefined : index + 1;
}
