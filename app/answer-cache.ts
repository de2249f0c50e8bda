import { createHash } from 'node:crypto';
import type { Answer, Question } from '../rag/types.ts';

// Answers are cached by what decides them: the normalised question, everything that scopes the search (sources,
// filters, upload scope, k) and the index version. A change to the index changes the version, so no answer built
// on the old index is served again. In one process the cache is memory; with REDIS_URL it is Redis, shared by
// every replica (redis-answer-cache.ts).

export interface AnswerCache {
  get(key: string): Promise<Answer | undefined>;
  set(key: string, answer: Answer, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The cache key of a question, or undefined when it must not be cached: a follow-up depends on its thread, so
 * two identical words in two threads can mean two different questions.
 */
export function answerCacheKey(question: Question, indexVersion: string): string | undefined {
  if (question.history && question.history.length > 0) return undefined;
  const text = normaliseQuestion(question.text);
  if (text === '') return undefined;
  const scope = {
    allowed: question.allowedSources ? [...question.allowedSources].sort() : null,
    upload: question.uploadScope ?? null,
    sources: question.filters?.sources ? [...question.filters.sources].sort() : null,
    after: question.filters?.modifiedAfter ?? null,
    before: question.filters?.modifiedBefore ?? null,
    repository: question.filters?.repository?.toLowerCase() ?? null,
    k: question.k ?? null,
  };
  const digest = createHash('sha256')
    .update(JSON.stringify([text, scope]))
    .digest('hex')
    .slice(0, 32);
  return `${indexVersion}:${digest}`;
}

/** Case, width, spacing and closing punctuation do not change a question. */
export function normaliseQuestion(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s?!.。？！]+$/u, '')
    .trim();
}

/** In-process cache: least recently used entries go first once `maxEntries` is reached. */
export class MemoryAnswerCache implements AnswerCache {
  private readonly entries = new Map<string, { answer: Answer; expires: number }>();

  constructor(
    private readonly maxEntries = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string): Promise<Answer | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expires <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.answer;
  }

  async set(key: string, answer: Answer, ttlMs: number): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, { answer, expires: this.now() + ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
