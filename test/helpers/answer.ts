import type { Answer } from '../../rag/types.ts';

/** A complete Answer for tests that store, cache, grade or render one: one cited passage, extractive, free. */
export function makeAnswer(fields: Partial<Answer> = {}): Answer {
  return {
    id: 'a1',
    question: 'How long are backups kept?',
    answer: 'Backups are kept for 30 days [1].',
    citations: [{ n: 1, title: 'Policy', url: 'file:///kb/policy.md', source: 'files', docId: 'd1', chunkId: 'c1' }],
    contexts: [{ chunkId: 'c1', docId: 'd1', score: 0.9, text: 'Backups of the data directory are kept for at most 30 days.' }],
    mode: 'extractive',
    abstained: false,
    confidence: 0.9,
    latencyMs: 12,
    costUsd: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
    timings: { rewrite: 0, retrieve: 5, rerank: 2, generate: 5 },
    notes: [],
    ...fields,
  };
}
