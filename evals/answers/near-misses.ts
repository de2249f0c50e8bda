// The near-miss benchmark (`lore bench answers --near-misses`): every answerable question is asked again with its
// gold documents hidden from retrieval. What is left shares the question's words but, when none of the retrieved
// passages holds any of its facts, not its answer: the question has become unanswerable, a near miss written by
// nobody, and Lore should say it could not find it. Questions whose remaining passages still hold a fact (another
// page repeats it) are left out. It measures abstention on any corpus with gold files, not only on the handful of
// unanswerable questions a question set was written with.
import { containsRun, factTokens } from './fact-match.ts';
import type { BenchQuestion } from './question-set.ts';

export interface NearMissResult {
  id: string;
  abstained: boolean;
  /** Some retrieved passage still holds one of the question's facts: it is answerable without its gold files. */
  stillAnswerable: boolean;
}

export interface NearMissReport {
  /** Answerable questions asked with their gold documents hidden. */
  asked: number;
  /** Of those, the ones no retrieved passage holds a fact of: the near misses. */
  nearMisses: number;
  abstained: number;
  /** abstained / nearMisses; null when there were none. */
  abstention: number | null;
  /** Near misses Lore answered anyway. */
  answered: string[];
}

/** Whether any retrieved passage of an answer holds one of the question's facts. */
export function holdsAnyFact(contexts: ReadonlyArray<{ text: string }>, question: Pick<BenchQuestion, 'facts'>): boolean {
  const facts = question.facts.map(factTokens);
  return contexts.some((context) => {
    const tokens = factTokens(context.text);
    return facts.some((fact) => containsRun(tokens, fact));
  });
}

export function nearMissReport(results: readonly NearMissResult[]): NearMissReport {
  const misses = results.filter((r) => !r.stillAnswerable);
  const answered = misses.filter((r) => !r.abstained).map((r) => r.id);
  const abstained = misses.length - answered.length;
  return {
    asked: results.length,
    nearMisses: misses.length,
    abstained,
    abstention: misses.length > 0 ? abstained / misses.length : null,
    answered,
  };
}

export function formatNearMisses(report: NearMissReport): string {
  const share = report.abstention === null ? '-' : report.abstention.toFixed(3);
  const answered = report.answered.length > 0 ? `; answered anyway: ${report.answered.join(', ')}` : '';
  return `NEAR-MISSES asked=${report.asked} near-misses=${report.nearMisses} abstained=${report.abstained} (${share})${answered}`;
}
