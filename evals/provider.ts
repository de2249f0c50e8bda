// The promptfoo provider (`file://evals/provider.ts` in promptfoo.yaml): runs the real Lore answer pipeline
// in-process for each golden case and returns the answer with what grading needs: the retrieved contexts, the
// citations, token usage, cost and latency. The golden case travels in `vars.golden` (see golden-tests.ts).
import type { ApiProvider, CallApiContextParams, ProviderOptions, ProviderResponse } from 'promptfoo';
import type { Question } from '../rag/types.ts';
import type { AnswerRecord } from './answer-record.ts';
import { goldenFrom, type GoldenCase } from './golden/golden-case.ts';
import type { KnowledgeBases } from './knowledge-bases.ts';
import { closeSharedKnowledgeBases, sharedKnowledgeBases } from './shared-knowledge-bases.ts';
import { errorMessage } from '../rag/errors.ts';

export default class LoreProvider implements ApiProvider {
  private readonly providerId: string;

  constructor(
    options: ProviderOptions = {},
    private readonly knowledgeBases: () => KnowledgeBases = sharedKnowledgeBases,
    private readonly close: () => Promise<void> = closeSharedKnowledgeBases,
  ) {
    this.providerId = options.id ?? 'lore';
  }

  id(): string {
    return this.providerId;
  }

  async callApi(_prompt: string, context?: CallApiContextParams): Promise<ProviderResponse> {
    const golden = goldenFrom(context?.vars.golden);
    if (!golden) return { error: 'lore provider: the test case has no golden case in vars.golden (see evals/golden-tests.ts)' };
    try {
      const kb = await this.knowledgeBases().get(golden.knowledgeBase);
      const answer = await kb.pipeline.answer(questionOf(golden));
      const record: AnswerRecord = {
        answerId: answer.id,
        knowledgeBase: golden.knowledgeBase,
        mode: answer.mode,
        abstained: answer.abstained,
        confidence: answer.confidence,
        contexts: await Promise.all(answer.contexts.map(async (c) => ({ ...c, source: (await kb.runtime.chunks.getDocument(c.docId))?.source }))),
        citations: answer.citations,
        timings: answer.timings,
        notes: answer.notes,
      };
      const { inputTokens, outputTokens } = answer.usage;
      return {
        output: answer.answer,
        tokenUsage: { prompt: inputTokens, completion: outputTokens, total: inputTokens + outputTokens },
        cost: answer.costUsd,
        latencyMs: answer.latencyMs,
        metadata: record,
      };
    } catch (error) {
      return { error: `lore provider (${golden.id}): ${errorMessage(error)}` };
    }
  }

  async cleanup(): Promise<void> {
    await this.close();
  }
}

export function questionOf(golden: GoldenCase): Question {
  return {
    text: golden.question,
    ...(golden.history ? { history: golden.history } : {}),
    ...(golden.filters ? { filters: golden.filters } : {}),
    ...(golden.allowedSources ? { allowedSources: golden.allowedSources } : {}),
    asker: { platform: 'eval' },
  };
}
