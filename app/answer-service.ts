import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AnswerPipeline } from '../rag/answer-question.ts';
import { finalAnswer, type AnswerEvent, type Answerer } from '../rag/contracts/answer-stream.ts';
import type { Answer, Question } from '../rag/types.ts';
import { answerCacheKey, type AnswerCache } from './answer-cache.ts';
import type { Metrics } from './metrics.ts';
import { outgoingAnswer } from './outgoing-answer.ts';
import type { OnlineQuality } from './online-quality.ts';
import type { QueryLog } from './query-log.ts';
import { utcDay, type SpendLedger } from './spend-ledger.ts';
import { errorMessage } from '../rag/errors.ts';

// Every question, from every surface (Slack, Discord, HTTP, the playground), is answered here: the answer cache,
// the daily budget, the query log, metrics and online quality wrap the one RAG pipeline, so each surface gets
// them all by asking through this service.

export interface AnswerServiceOptions {
  /** The configured pipeline (Gemini when keyed). */
  pipeline: AnswerPipeline;
  /** Answers once the daily budget is spent: the same retrieval, the extractive answerer, no model calls. */
  extractive: AnswerPipeline;
  /** Names the index; part of every cache key. */
  indexVersion: () => Promise<string>;
  cache?: { store: AnswerCache; ttlMs: number };
  budget?: { dailyUsd: number; ledger: SpendLedger };
  queryLog?: QueryLog;
  quality?: OnlineQuality;
  metrics?: Metrics;
  log: Logger;
  now?: () => Date;
}

/** Told to the reader when the budget cut in. */
export function budgetNote(dailyUsd: number): string {
  return `Today's language-model budget ($${dailyUsd.toFixed(2)}) is spent: this answer is extractive, quoted from the sources.`;
}

export class AnswerService implements Answerer {
  private readonly log: Logger;

  constructor(private readonly options: AnswerServiceOptions) {
    this.log = options.log;
  }

  answer(question: Question): Promise<Answer> {
    return finalAnswer(this.stream(question));
  }

  async *stream(question: Question): AsyncGenerator<AnswerEvent> {
    const started = performance.now();
    const platform = question.asker?.platform ?? 'unknown';
    const { cache, metrics } = this.options;

    const key = cache ? answerCacheKey(question, await this.options.indexVersion()) : undefined;
    if (cache && key) {
      const hit = await cache.store.get(key).catch((error: unknown) => {
        this.failed('cache', error, 'reading the answer cache failed; answering afresh');
        return undefined;
      });
      if (hit) {
        metrics?.increment('lore_answer_cache_total', { result: 'hit' });
        const answer: Answer = {
          ...outgoingAnswer(hit),
          id: randomUUID(),
          question: question.text,
          cached: true,
          costUsd: 0,
          usage: { inputTokens: 0, outputTokens: 0 },
          timings: { rewrite: 0, retrieve: 0, rerank: 0, generate: 0 },
          latencyMs: Math.round(performance.now() - started),
        };
        await this.record(answer, question);
        yield { type: 'delta', text: answer.answer };
        yield { type: 'answer', answer };
        return;
      }
    }
    metrics?.increment('lore_answer_cache_total', { result: key ? 'miss' : 'bypass' });

    const overBudget = await this.overBudget();
    const pipeline = overBudget ? this.options.extractive : this.options.pipeline;
    if (overBudget) metrics?.increment('lore_budget_cutover_total', { platform });
    let degraded = overBudget;
    let answer: Answer | undefined;
    try {
      for await (const event of pipeline.stream(question)) {
        if (event.type === 'restart') degraded = true;
        if (event.type !== 'answer') {
          yield event;
          continue;
        }
        answer = outgoingAnswer(event.answer);
        if (overBudget && answer.mode !== 'chitchat') answer = { ...answer, notes: [budgetNote(this.options.budget!.dailyUsd), ...answer.notes] };
      }
    } catch (error) {
      this.failed('pipeline', error, 'answering failed');
      metrics?.increment('lore_answers_total', { platform, mode: 'failed', cached: 'false' });
      throw error;
    }
    if (!answer) throw new Error('the answer pipeline ended without an answer');
    if (degraded && !overBudget) metrics?.increment('lore_errors_total', { kind: 'llm_fallback' });

    await this.spend(answer.costUsd);
    // A degraded answer (model failed, budget spent) is not what this question deserves once things recover.
    if (cache && key && !degraded && answer.mode !== 'chitchat') {
      await cache.store.set(key, answer, cache.ttlMs).catch((error: unknown) => this.failed('cache', error, 'writing the answer cache failed'));
    }
    await this.record(answer, question);
    yield { type: 'answer', answer };
  }

  private async overBudget(): Promise<boolean> {
    const { budget, metrics } = this.options;
    if (!budget) return false;
    try {
      const spent = await budget.ledger.total(utcDay(this.now()));
      metrics?.set('lore_budget_spent_usd', {}, spent);
      return spent >= budget.dailyUsd;
    } catch (error) {
      // Without the ledger the budget cannot be checked; answering as configured beats refusing to answer.
      this.failed('budget', error, 'reading the daily spend failed; answering as configured');
      return false;
    }
  }

  private async spend(usd: number): Promise<void> {
    const { budget } = this.options;
    if (!budget || !(usd > 0)) return;
    await budget.ledger.add(utcDay(this.now()), usd).catch((error: unknown) => this.failed('budget', error, 'recording the spend failed'));
  }

  /** Query log, metrics and online quality: bookkeeping never fails an answer. */
  private async record(answer: Answer, question: Question): Promise<void> {
    const { metrics, queryLog, quality } = this.options;
    const platform = question.asker?.platform ?? 'unknown';
    const cached = answer.cached ? 'true' : 'false';
    try {
      // Logged before the answer is handed on, as when the log was synchronous: a reader of the log finds it.
      await queryLog?.record({ answer, platform, userId: question.asker?.userId, channelId: question.asker?.channelId });
    } catch (error) {
      this.failed('query_log', error, 'writing the query log failed');
    }
    if (metrics) {
      metrics.increment('lore_answers_total', { platform, mode: answer.mode, cached });
      if (answer.abstained) metrics.increment('lore_abstentions_total', { platform });
      metrics.observe('lore_answer_duration_seconds', { platform, cached }, answer.latencyMs / 1000);
      if (!answer.cached && answer.mode !== 'chitchat') {
        for (const [stage, ms] of Object.entries(answer.timings)) metrics.observe('lore_stage_duration_seconds', { stage }, ms / 1000);
        const top = answer.contexts[0]?.score;
        if (top !== undefined) metrics.observe('lore_retrieval_top_score', {}, top, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
        if (answer.model) metrics.increment('lore_model_answers_total', { model: answer.model });
        metrics.increment('lore_llm_tokens_total', { direction: 'input' }, answer.usage.inputTokens);
        metrics.increment('lore_llm_tokens_total', { direction: 'output' }, answer.usage.outputTokens);
        metrics.increment('lore_llm_cost_usd_total', {}, answer.costUsd);
        metrics.observe('lore_answer_cost_usd', {}, answer.costUsd, [0, 0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05]);
      }
    }
    if (quality && !answer.cached) {
      // Graded after the answer is on its way: the graders cost milliseconds the reader should not wait for.
      setImmediate(() => {
        try {
          const scores = quality.score(answer);
          if (scores.faithfulness !== undefined || scores.citationPrecision !== undefined) {
            queryLog?.setScores(answer.id, scores).catch((error: unknown) => this.failed('query_log', error, 'writing the answer scores failed'));
          }
        } catch (error) {
          this.failed('online_quality', error, 'scoring the answer failed');
        }
      });
    }
  }

  private failed(kind: string, error: unknown, message: string): void {
    this.options.metrics?.increment('lore_errors_total', { kind });
    this.log.warn({ err: errorMessage(error), kind }, message);
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}
