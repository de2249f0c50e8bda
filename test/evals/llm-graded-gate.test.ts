import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GateResult } from '../../app/commands/eval.ts';
import { defaultGeneration, startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.ts';
import { defaultToolArguments, startFakeOpenAi, type FakeOpenAi } from '../fakes/fake-openai.ts';
import { runLore } from '../helpers/run-lore.ts';
import { tempDir } from '../helpers/temp-dir.ts';

// The Gemini-graded path end to end: `lore eval` with a key runs promptfoo, the provider answers with the Gemini
// SDK (against the local Gemini fake) and the assertions grade with autoevals through the openai SDK against a
// local OpenAI-compatible fake standing in for Gemini's `/v1beta/openai/` endpoint.

const QUESTION = 'How long are backups of the data directory kept?';
const GOLDEN = `knowledgeBase: sample
cases:
  - id: backups
    kind: answerable
    question: ${QUESTION}
    reference: Backups of the data directory are kept for at most 30 days.
    sources: [sample-kb/data-handling-policy.txt]
`;

const tmp = tempDir('lore-llm-gate-');
let gemini: FakeGemini;
let grader: FakeOpenAi;

beforeAll(async () => {
  gemini = await startFakeGemini({ apiKey: 'test-key' });
  // The answer is streamed; Gemini reranking (generateContent) gets the default reply and falls back to fusion.
  gemini.setGenerator((request) =>
    request.method === 'streamGenerateContent'
      ? { chunks: ['Backups of the data directory are kept for at most 30 days [1].'] }
      : defaultGeneration(),
  );
  grader = await startFakeOpenAi({ apiKey: 'test-key' });
  grader.setToolHandler((tool, request) => {
    if (tool === 'judge_statements')
      return {
        faithfulness: [
          { statement: 'kept 30 days', verdict: 1, reason: 'x' },
          { statement: 'at most', verdict: 0, reason: 'y' },
        ],
      };
    if (tool === 'generate_question') return { question: QUESTION, noncommittal: 0 };
    return defaultToolArguments(tool, request);
  });
  fs.mkdirSync(path.join(tmp.dir, 'golden'));
  fs.writeFileSync(path.join(tmp.dir, 'golden', 'cases.yaml'), GOLDEN);
  fs.writeFileSync(path.join(tmp.dir, 'thresholds.json'), JSON.stringify({ atLeast: { faithfulness: 0.5, 'answer-relevance': 0.9 } }));
});
afterAll(async () => {
  await grader?.close();
  await gemini?.close();
  tmp.cleanup();
});

describe('the gate graded by an LLM through an OpenAI-compatible endpoint', () => {
  it('runs autoevals scorers with the injected client and carries their scores into the scorecard', async () => {
    const reports = path.join(tmp.dir, 'reports');
    const run = await runLore(
      ['eval', '--json', '--golden', path.join(tmp.dir, 'golden'), '--thresholds', path.join(tmp.dir, 'thresholds.json'), '--reports', reports],
      {
        LORE_DATA_DIR: path.join(tmp.dir, 'data'),
        LORE_EMBEDDER: 'gemini',
        GEMINI_API_KEY: 'test-key',
        GEMINI_BASE_URL: gemini.url,
        LORE_GRADER_BASE_URL: grader.url,
        LORE_GRADER_MODEL: 'gemini-grader-test',
      },
    );
    expect(run.stderr).toMatch(/GATE PASSED/);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as GateResult;
    const { metrics } = result.scorecard;
    expect(result.scorecard.grader).toBe('llm');
    expect(metrics.faithfulness).toMatchObject({ mean: 0.5, method: 'autoevals Faithfulness' });
    expect(metrics['answer-relevance']!.mean).toBeCloseTo(1, 5);
    expect(metrics.correctness).toMatchObject({ mean: 1, method: 'autoevals Factuality' });
    expect(metrics['context-recall']).toMatchObject({ mean: 1, method: 'autoevals ContextRecall' });
    expect(metrics['context-relevance']).toMatchObject({ mean: 0 });
    // Deterministic graders still run next to the LLM ones, and say so.
    expect(metrics['citation-precision']!.method).toMatch(/deterministic/);

    // Every grading call went to the injected endpoint, with the key and the configured model.
    const tools = new Set(grader.requests.map((r) => r.tool).filter(Boolean));
    expect([...tools].sort()).toEqual(['extract_sentences', 'extract_statements', 'generate_question', 'judge_statements', 'select_choice']);
    expect(grader.requests.every((r) => r.apiKey === 'test-key')).toBe(true);
    expect(grader.requests.filter((r) => r.kind === 'chat').every((r) => r.chat!.model === 'gemini-grader-test')).toBe(true);
    expect(grader.requests.some((r) => r.kind === 'embeddings' && r.embeddings!.encoding_format === 'base64')).toBe(true);

    // promptfoo's own results carry the per-metric scores of each case.
    const output = JSON.parse(fs.readFileSync(path.join(reports, 'promptfoo-results.json'), 'utf8')) as {
      results: { results: { namedScores: Record<string, number>; response: { cost: number; latencyMs: number } }[] };
    };
    const [only] = output.results.results;
    expect(only!.namedScores).toMatchObject({ faithfulness: 0.5, correctness: 1, 'abstention-accuracy': 1 });
    expect(only!.response.cost).toBeGreaterThan(0);
    expect(only!.response.latencyMs).toBeGreaterThan(0);
  }, 180_000);
});
