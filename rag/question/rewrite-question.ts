// Follow-ups in a thread ("and for Discord?") cannot be searched on their own: they are rewritten as standalone
// questions first. Gemini does this best when a key is configured; the heuristic rewriter is the offline default
// and the fallback whenever Gemini fails.
import type { ThreadMessage, TokenUsage } from '../types.ts';
import { rewriteFollowUp, type RewriteRule } from './rewrite-follow-up.ts';

export interface RewriteResult {
  /** The standalone question (the question itself when it already stands alone). */
  text: string;
  /** Tokens spent, when a model was called. */
  usage?: TokenUsage;
  /** The model that rewrote it, when one did. */
  model?: string;
  /** How the heuristic rewrote it, when the heuristic did. */
  rule?: RewriteRule;
  /** Why a model rewrite was abandoned for the heuristic one (for logs; the answer goes on regardless). */
  fallbackReason?: string;
}

export interface QuestionRewriter {
  /** `history` holds the earlier messages of the thread, oldest first, without the question itself. */
  rewrite(question: string, history: ThreadMessage[]): Promise<RewriteResult>;
}

/** Deterministic rules, no network: see `rewrite-follow-up.ts`. */
export class HeuristicRewriter implements QuestionRewriter {
  async rewrite(question: string, history: ThreadMessage[]): Promise<RewriteResult> {
    const { text, rule } = rewriteFollowUp(question, history);
    return { text, rule };
  }
}
