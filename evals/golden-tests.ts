// promptfoo's test cases (`tests: file://evals/golden-tests.ts` in promptfoo.yaml): every ready golden case becomes
// one test whose vars carry the case for the provider, with one assertion per metric that applies to it.
import path from 'node:path';
import type { TestCase } from 'promptfoo';
import type { GoldenCase } from './golden/golden-case.ts';
import { loadGoldenSet } from './golden/load-golden-set.ts';
import { evalRunSettings, graderMode } from '../app/config.ts';
import type { GraderMode, MetricName } from './metrics.ts';
import { REPO_ROOT } from './repo-root.ts';

export interface GoldenTestsConfig {
  /** Folder of golden YAML files, relative to the repository (default `datasets/golden`); env LORE_EVAL_GOLDEN_DIR wins. */
  goldenDir?: string;
  /** `offline`, `llm`, or `auto` (LLM when GEMINI_API_KEY is set; env LORE_EVAL_GRADER). */
  grader?: string;
}

const ASSERTIONS_FILE = path.join(REPO_ROOT, 'evals', 'assertions.ts');

/** The export of evals/assertions.ts that grades each metric. */
const ASSERTION_EXPORTS: Record<MetricName, string> = {
  faithfulness: 'faithfulness',
  'answer-relevance': 'answerRelevance',
  'context-recall': 'contextRecall',
  'citation-precision': 'citationPrecision',
  'abstention-accuracy': 'abstentionAccuracy',
  correctness: 'correctness',
  'context-relevance': 'contextRelevance',
  facts: 'facts',
  injection: 'injection',
  scope: 'scope',
};

export default async function goldenTests(config: GoldenTestsConfig = {}): Promise<TestCase[]> {
  const handed = evalRunSettings();
  const dir = path.resolve(REPO_ROOT, handed.goldenDir || config.goldenDir || 'datasets/golden');
  const mode = graderMode(config.grader ?? handed.grader);
  return loadGoldenSet(dir).cases.map((c) => testFor(c, mode));
}

/** The metrics that say something about this case. */
export function metricsFor(c: GoldenCase, mode: GraderMode): MetricName[] {
  const metrics: MetricName[] = ['abstention-accuracy'];
  if (!c.abstain) {
    metrics.push('faithfulness', 'answer-relevance', 'citation-precision');
    if (c.sources.length > 0 || (mode === 'llm' && c.reference)) metrics.push('context-recall');
    if (c.reference) metrics.push('correctness');
    if (mode === 'llm') metrics.push('context-relevance');
  }
  if (c.facts.length > 0) metrics.push('facts');
  if (c.forbidden.length > 0) metrics.push('injection');
  if (c.forbiddenSources.length > 0) metrics.push('scope');
  return metrics;
}

export function testFor(c: GoldenCase, mode: GraderMode): TestCase {
  return {
    description: c.id,
    vars: { question: c.question, golden: c },
    assert: metricsFor(c, mode).map((metric) => ({
      type: 'javascript' as const,
      value: `file://${ASSERTIONS_FILE}:${ASSERTION_EXPORTS[metric]}`,
      metric,
      config: { grader: mode },
    })),
    metadata: { caseId: c.id, set: c.set, kind: c.kind, knowledgeBase: c.knowledgeBase },
  };
}
