import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmScorers, type LlmScorers } from '../../../evals/llm/llm-scorers.ts';
import { defaultToolArguments, startFakeOpenAi, type FakeOpenAi } from '../../fakes/fake-openai.ts';

// autoevals' real scorers, through the real openai SDK, against a local OpenAI-compatible fake standing in for
// Gemini's endpoint: what is sent (model, key, forced functions, base64 embeddings) and how the replies are scored.

const EXAMPLE = {
  question: 'How long are backups of the data directory kept?',
  answer: 'Backups of the data directory are kept for at most 30 days [1].',
  contexts: ['3.3 Backups of the data directory are kept for at most 30 days.'],
  reference: 'Backups are kept for at most 30 days.',
};

let fake: FakeOpenAi;
let scorers: LlmScorers;
beforeAll(async () => {
  fake = await startFakeOpenAi({ apiKey: 'grader-key' });
  scorers = createLlmScorers(
    { apiKey: 'grader-key', baseUrl: fake.url, model: 'gemini-2.5-flash', embedModel: 'gemini-embedding-001' },
    { maxRetries: 2 },
  );
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.setToolHandler(undefined);
});

describe('autoevals scorers graded through an OpenAI-compatible endpoint', () => {
  it('scores faithfulness from the verdicts the grader gives each extracted statement', async () => {
    fake.setToolHandler((tool, request) =>
      tool === 'judge_statements'
        ? {
            faithfulness: [
              { statement: 'a', verdict: 1, reason: 'in context' },
              { statement: 'b', verdict: 0, reason: 'invented' },
            ],
          }
        : defaultToolArguments(tool, request),
    );
    const graded = await scorers.faithfulness(EXAMPLE);
    expect(graded.score).toBe(0.5);
    expect(fake.requests.map((r) => r.tool)).toEqual(['extract_statements', 'judge_statements']);
    for (const request of fake.requests) {
      expect(request.apiKey).toBe('grader-key');
      expect(request.chat!.model).toBe('gemini-2.5-flash');
      expect(request.path).toBe('/v1beta/openai/chat/completions');
    }
    expect(fake.requests[1]!.chat!.messages[0]!.content).toContain(EXAMPLE.contexts[0]);
  });

  it('scores answer relevance from regenerated questions and base64 embeddings of the configured model', async () => {
    fake.setToolHandler((tool, request) =>
      tool === 'generate_question' ? { question: EXAMPLE.question, noncommittal: 0 } : defaultToolArguments(tool, request),
    );
    const graded = await scorers.answerRelevance(EXAMPLE);
    expect(graded.score).toBeCloseTo(1, 5);
    const embeddings = fake.requests.filter((r) => r.kind === 'embeddings');
    expect(embeddings.length).toBeGreaterThan(0);
    expect(embeddings.every((r) => r.embeddings!.model === 'gemini-embedding-001' && r.embeddings!.encoding_format === 'base64')).toBe(true);

    fake.setToolHandler((tool, request) =>
      tool === 'generate_question' ? { question: 'Who won the 1998 World Cup?', noncommittal: 0 } : defaultToolArguments(tool, request),
    );
    expect((await scorers.answerRelevance(EXAMPLE)).score).toBeLessThan(0.5);
    fake.setToolHandler((tool, request) =>
      tool === 'generate_question' ? { question: EXAMPLE.question, noncommittal: 1 } : defaultToolArguments(tool, request),
    );
    expect((await scorers.answerRelevance(EXAMPLE)).score).toBe(0);
  });

  it('scores context recall, context relevance and factuality from the grader’s judgements', async () => {
    fake.setToolHandler((tool, request) => {
      if (tool === 'extract_statements')
        return {
          statements: [
            { statement: 'kept 30 days', attributed: 1, reason: 'x' },
            { statement: 'encrypted', attributed: 0, reason: 'y' },
          ],
        };
      if (tool === 'extract_sentences') return { sentences: [{ sentence: EXAMPLE.contexts[0], reasons: ['answers it'] }] };
      if (tool === 'select_choice') return { reasons: 'disagrees', choice: 'D' };
      return defaultToolArguments(tool, request);
    });
    expect((await scorers.contextRecall(EXAMPLE)).score).toBe(0.5);
    expect((await scorers.contextRelevance(EXAMPLE)).score).toBe(1);
    expect((await scorers.factuality(EXAMPLE)).score).toBe(0);
  });

  it('retries a rate-limited call after the Retry-After the endpoint asks for', async () => {
    fake.queue({ status: 429, headers: { 'retry-after-ms': '50' }, body: { error: { message: 'quota', type: 'rate_limit' } } });
    const graded = await scorers.factuality(EXAMPLE);
    expect(graded.score).toBe(1);
    expect(fake.requests.filter((r) => r.tool === 'select_choice')).toHaveLength(2);
  });

  it('fails with a clear error when the endpoint refuses the key', async () => {
    const wrong = createLlmScorers(
      { apiKey: 'wrong', baseUrl: fake.url, model: 'gemini-2.5-flash', embedModel: 'gemini-embedding-001' },
      { maxRetries: 0 },
    );
    await expect(wrong.factuality(EXAMPLE)).rejects.toThrow(/401/);
  });
});
