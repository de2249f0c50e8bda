import { redactSecrets } from '../rag/cite/redact-secrets.ts';
import type { Answer } from '../rag/types.ts';

// The last step before an answer leaves Lore, on every surface (chat, HTTP, `lore ask`), in the cache and in the
// query log: a secret that slipped into the knowledge base is redacted from every text the answer carries, the
// message, the cited and closest sources' titles and the retrieved passages, whatever path the answer took
// (fresh, abstained, cached by an older version). Redaction is idempotent, so repeating the pipeline's own is free.

/** The answer as it may be shown, stored and logged. */
export function outgoingAnswer(answer: Answer): Answer {
  return {
    ...answer,
    answer: redactSecrets(answer.answer).text,
    citations: answer.citations.map((citation) => ({ ...citation, title: redactSecrets(citation.title).text })),
    contexts: answer.contexts.map((context) => ({ ...context, text: redactSecrets(context.text).text })),
  };
}
