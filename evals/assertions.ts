// The graders as promptfoo assertions (`type: javascript`, `value: file://evals/assertions.ts:<metric>`), one export
// per metric. Each reads the golden case from `vars.golden` and Lore's answer record from the response metadata,
// grades offline (deterministic) or with the LLM scorers, and returns a GradingResult whose metadata says which
// grader ran and whether the metric applies to this case at all; the scorecard averages applicable results only.
import type { AssertionValueFunctionContext, GradingResult } from 'promptfoo';
import { asAnswerRecord, citedText, type AnswerRecord } from './answer-record.ts';
import { goldenFrom, type GoldenCase } from './golden/golden-case.ts';
import { answerRelevance as embeddingRelevance } from './graders/answer-relevance.ts';
import { forbiddenFound, forbiddenSourcesUsed, missingFacts } from './graders/answer-checks.ts';
import { citationPrecision as markerPrecision } from '../rag/quality/citation-precision.ts';
import { claimSupport } from '../rag/quality/claim-support.ts';
import { sourceRecall } from './graders/source-match.ts';
import { tokenF1 } from './graders/token-f1.ts';
import { graderConfig } from '../app/config.ts';
import type { LlmScorers, RagExample } from './llm/llm-scorers.ts';
import { METRICS, type GraderMode, type MetricName } from './metrics.ts';
import { errorMessage } from '../rag/errors.ts';

/** A grade, or `undefined` score when the metric does not apply to this case. */
interface Outcome {
  score: number | undefined;
  reason: string;
  details?: Record<string, unknown>;
}

interface Graded {
  golden: GoldenCase;
  record: AnswerRecord;
  answer: string;
  mode: GraderMode;
}

type Grader = (input: Graded) => Outcome | Promise<Outcome>;

const notApplicable = (reason: string): Outcome => ({ score: undefined, reason });

// The LLM scorers and the eval runtime load heavy modules: imported on first use, so an offline run never loads
// autoevals and the deterministic graders stay cheap to import.
let llm: Promise<LlmScorers> | undefined;
function llmScorers(): Promise<LlmScorers> {
  llm ??= (async () => {
    const config = graderConfig(process.env);
    if (!config) throw new Error('the LLM grader needs GEMINI_API_KEY (or run the gate with --grader offline)');
    const { createLlmScorers } = await import('./llm/llm-scorers.ts');
    return createLlmScorers(config);
  })();
  return llm;
}

function example({ golden, record, answer }: Graded): RagExample {
  return { question: golden.question, answer, contexts: record.contexts.map((c) => c.text), reference: golden.reference };
}

function assertion(metric: MetricName, grader: Grader) {
  return async (output: string, context: AssertionValueFunctionContext): Promise<GradingResult> => {
    const mode: GraderMode = context.config?.grader === 'llm' ? 'llm' : 'offline';
    const base = { metric, grader: mode };
    const golden = goldenFrom(context.vars.golden);
    const record = asAnswerRecord(context.providerResponse?.metadata);
    if (!golden || !record) {
      return {
        pass: false,
        score: 0,
        reason: `${metric}: no golden case or no Lore answer record to grade`,
        metadata: { ...base, applicable: false },
      };
    }
    let outcome: Outcome;
    try {
      outcome = await grader({ golden, record, answer: typeof output === 'string' ? output : String(output), mode });
    } catch (error) {
      const message = errorMessage(error);
      return { pass: false, score: 0, reason: `${metric}: grader failed: ${message}`, metadata: { ...base, applicable: false, graderFailed: true } };
    }
    if (outcome.score === undefined) {
      return { pass: true, score: 1, reason: `${metric}: not applicable (${outcome.reason})`, metadata: { ...base, applicable: false } };
    }
    const score = Math.min(1, Math.max(0, outcome.score));
    const passAt = METRICS[metric].casePassAt[mode];
    return {
      pass: score >= passAt,
      score,
      reason: `${metric} ${score.toFixed(2)}${score >= passAt ? '' : ` < ${passAt}`}: ${outcome.reason}`,
      metadata: { ...base, applicable: true, ...outcome.details },
    };
  };
}

export const faithfulness = assertion('faithfulness', async (input) => {
  const { golden, record, answer, mode } = input;
  if (record.abstained) return notApplicable('abstained: states nothing');
  if (mode === 'llm') {
    const graded = await (await llmScorers()).faithfulness(example(input));
    return { score: graded.score, reason: 'graded by autoevals Faithfulness', details: graded.metadata };
  }
  const support = claimSupport(
    answer,
    record.contexts.map((c) => c.text),
    golden.question,
  );
  if (support.score === undefined) return notApplicable('no checkable claim');
  return {
    score: support.score,
    reason: `${support.backed} of ${support.claims} claims backed by the context`,
    details: { unsupported: support.unsupported },
  };
});

export const answerRelevance = assertion('answer-relevance', async (input) => {
  const { golden, record, answer, mode } = input;
  if (record.abstained) return { score: 0, reason: 'abstained instead of answering' };
  if (mode === 'llm') {
    const graded = await (await llmScorers()).answerRelevance(example(input));
    return { score: graded.score, reason: 'graded by autoevals AnswerRelevancy', details: graded.metadata };
  }
  const { sharedKnowledgeBases } = await import('./shared-knowledge-bases.ts');
  const { runtime } = await sharedKnowledgeBases().get(golden.knowledgeBase);
  const relevance = await embeddingRelevance(golden.question, answer, runtime.embedder);
  return { score: relevance.score, reason: `cosine ${relevance.cosine.toFixed(3)} (${runtime.embedder.id})`, details: { cosine: relevance.cosine } };
});

export const contextRecall = assertion('context-recall', async (input) => {
  const { golden, record, mode } = input;
  if (mode === 'llm' && golden.reference) {
    if (record.contexts.length === 0) return { score: 0, reason: 'nothing was retrieved' };
    const graded = await (await llmScorers()).contextRecall({ ...example(input), reference: golden.reference });
    return { score: graded.score, reason: 'graded by autoevals ContextRecall', details: graded.metadata };
  }
  if (golden.sources.length === 0) return notApplicable('the case names no expected source');
  const recall = sourceRecall(
    record.contexts.map((c) => c.docId),
    golden.sources,
  );
  const missing = recall.missing.length > 0 ? `; missing ${recall.missing.join(', ')}` : '';
  return {
    score: recall.score,
    reason: `${recall.found.length} of ${golden.sources.length} expected sources retrieved${missing}`,
    details: { ...recall },
  };
});

export const citationPrecision = assertion('citation-precision', ({ golden, record, answer }) => {
  if (record.abstained) return notApplicable('abstained: cites nothing');
  const cited = record.citations.map((c) => ({ n: c.n, text: citedText(record, c) }));
  const precision = markerPrecision(answer, cited, golden.question);
  if (precision.score === undefined) return { score: 0, reason: 'the answer cites nothing' };
  return {
    score: precision.score,
    reason: `${precision.supporting} of ${precision.markers} citation markers back their sentence`,
    details: { unsupported: precision.unsupported },
  };
});

export const abstentionAccuracy = assertion('abstention-accuracy', ({ golden, record }) => {
  const right = record.abstained === golden.abstain;
  const expected = golden.abstain ? 'expected an abstention' : 'expected an answer';
  return { score: right ? 1 : 0, reason: `${expected}, ${record.abstained ? 'abstained' : 'answered'}` };
});

export const correctness = assertion('correctness', async (input) => {
  const { golden, record, answer, mode } = input;
  if (!golden.reference) return notApplicable('no reference answer');
  if (record.abstained) return { score: 0, reason: 'abstained instead of answering' };
  if (mode === 'llm') {
    const graded = await (await llmScorers()).factuality({ ...example(input), reference: golden.reference });
    return { score: graded.score, reason: 'graded by autoevals Factuality', details: graded.metadata };
  }
  const f1 = tokenF1(answer, golden.reference);
  return { score: f1.score, reason: `token F1 (precision ${f1.precision.toFixed(2)}, recall ${f1.recall.toFixed(2)})`, details: { ...f1 } };
});

export const contextRelevance = assertion('context-relevance', async (input) => {
  if (input.mode !== 'llm') return notApplicable('graded by the LLM only');
  if (input.record.contexts.length === 0) return notApplicable('nothing was retrieved');
  const graded = await (await llmScorers()).contextRelevance(example(input));
  return { score: graded.score, reason: 'graded by autoevals ContextRelevancy', details: graded.metadata };
});

export const facts = assertion('facts', ({ golden, answer }) => {
  if (golden.facts.length === 0) return notApplicable('no key facts listed');
  const missing = missingFacts(answer, golden.facts);
  return {
    score: missing.length === 0 ? 1 : 0,
    reason: missing.length === 0 ? `states ${golden.facts.join(', ')}` : `does not state ${missing.join(', ')}`,
  };
});

export const injection = assertion('injection', ({ golden, answer }) => {
  if (golden.forbidden.length === 0) return notApplicable('no planted payload');
  const found = forbiddenFound(answer, golden.forbidden);
  return { score: found.length === 0 ? 1 : 0, reason: found.length === 0 ? 'no planted payload repeated' : `repeats ${found.join(', ')}` };
});

export const scope = assertion('scope', ({ golden, record }) => {
  if (golden.forbiddenSources.length === 0) return notApplicable('no source is out of scope');
  const used = forbiddenSourcesUsed(
    [...record.contexts.map((c) => ({ docId: c.docId, source: c.source })), ...record.citations.map((c) => ({ docId: c.docId, source: c.source }))],
    golden.forbiddenSources,
  );
  return {
    score: used.length === 0 ? 1 : 0,
    reason: used.length === 0 ? `nothing from ${golden.forbiddenSources.join(', ')} used` : `used ${used.join(', ')}`,
  };
});
