import type { FakeGeneration, RecordedRequest } from '../../fakes/fake-gemini.ts';

/** Scripts the fake Gemini: reranking keeps the first-stage order, a rewrite returns `rewrite`, answers stream `answer`. */
export function script(answer: FakeGeneration, rewrite?: string): (request: RecordedRequest) => FakeGeneration {
  return (request) => {
    const instruction = request.systemInstruction ?? '';
    if (instruction.startsWith('You judge')) {
      const ids = [...(request.texts[0] ?? '').matchAll(/<passage id="(p\d+)">/g)].map((m) => m[1]!);
      return { chunks: [JSON.stringify({ scores: ids.map((id, i) => ({ id, score: Math.max(0, 10 - i) })) })] };
    }
    if (instruction.startsWith('You rewrite')) return { chunks: [rewrite ?? 'How long are backups kept?'] };
    return answer;
  };
}
