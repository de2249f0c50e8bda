import { finalAnswer, type Answerer } from '../../rag/contracts/answer-stream.ts';
import type { Answer, Question, SourceKind } from '../../rag/types.ts';
import { EXIT_OK } from '../exit-codes.ts';

export interface AskOptions {
  json: boolean;
  k?: number;
  sources?: SourceKind[];
}

/** One question, one answer: streamed to stderr for people, one JSON object on stdout with `--json`. */
export async function ask(answerer: Answerer, text: string, options: AskOptions): Promise<number> {
  const question: Question = {
    text,
    k: options.k,
    filters: options.sources ? { sources: options.sources } : undefined,
    asker: { platform: 'cli' },
  };
  const answer = await finalAnswer(answerer.stream(question));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  } else {
    process.stderr.write(`${formatForTerminal(answer)}\n`);
  }
  return EXIT_OK;
}

export function formatForTerminal(answer: Answer): string {
  const lines = [answer.answer];
  if (answer.citations.length > 0 && !answer.abstained) {
    lines.push('', 'Sources:', ...answer.citations.map((c) => `  [${c.n}] ${c.title} — ${c.url}`));
  }
  for (const note of answer.notes) lines.push('', `note: ${note}`);
  const cost = answer.costUsd > 0 ? ` · $${answer.costUsd.toFixed(5)}` : '';
  lines.push('', `${answer.mode} · confidence ${answer.confidence.toFixed(2)} · ${answer.latencyMs} ms${cost}`);
  return lines.join('\n');
}
