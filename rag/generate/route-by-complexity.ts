// Model routing: a cheap model answers simple lookups ("how long are backups kept?"), the stronger one answers
// questions that need reasoning across passages (comparisons, explanations, multi-part or follow-up questions).
// Both are ordinary Generators, so either can be Gemini, and cost lands on the model that actually answered.
import type { GenerationEvent, GenerationRequest, Generator } from '../types.ts';

export interface ModelRoutes {
  simple: Generator;
  complex: Generator;
  /** Which route a request takes; default `isComplexQuestion`. */
  isComplex?: (request: GenerationRequest) => boolean;
  /** Told which generator answered each request (for metrics). */
  onRoute?: (route: 'simple' | 'complex', generatorId: string) => void;
}

/** Words that ask for reasoning rather than a lookup. */
const REASONING_CUES =
  /\b(why|compare[sd]?|comparison|difference|differ|versus|vs\.?|trade-?offs?|pros and cons|explain|step[- ]by[- ]step|walk me through|should (i|we)|recommend|best way|implications?|impact|summari[sz]e|overview|relationship|how does .+ work)\b/i;
/** A lookup is short; beyond this many words the question usually carries conditions or several parts. */
const LONG_QUESTION_WORDS = 25;

/**
 * True when a question needs the stronger model: reasoning cues, several parts, a long question, a follow-up. The
 * passages do not decide it: retrieval always brings several documents, whether the answer needs them or not.
 */
export function isComplexQuestion(request: GenerationRequest): boolean {
  const question = request.question.trim();
  const words = question.split(/\s+/).filter(Boolean).length;
  if (words > LONG_QUESTION_WORDS) return true;
  if (REASONING_CUES.test(question)) return true;
  // "What is X and how do I Y?" — two questions in one.
  if ((question.match(/\?/g) ?? []).length > 1) return true;
  return (request.history?.length ?? 0) > 0;
}

export class RoutingGenerator implements Generator {
  readonly id: string;

  constructor(private readonly routes: ModelRoutes) {
    this.id = `${routes.simple.id}|${routes.complex.id}`;
  }

  generate(request: GenerationRequest): AsyncIterable<GenerationEvent> {
    const complex = (this.routes.isComplex ?? isComplexQuestion)(request);
    const generator = complex ? this.routes.complex : this.routes.simple;
    this.routes.onRoute?.(complex ? 'complex' : 'simple', generator.id);
    return generator.generate(request);
  }
}
