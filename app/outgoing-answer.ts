import { redactSecrets } from '../rag/cite/redact-secrets.ts';
import type { Answer } from '../rag/types.ts';

// The last step before an answer leaves Lore, on every surface (chat, HTTP, `lore ask`), in the cache and in the
// query log: a secret that slipped into the knowledge base is redacted from every text the answer carries, the
// message, the cited and closest sources' titles and the retrieved passages, whatever path the answer took
// (fresh, abstained, cached by an older version). Redaction is idempotent, so repeating the pipeline's own is free.
// An abstention's message lists the closest sources by title only when they are local files: a `file://` path
// opens nothing for a chat reader and shows the server's folder layout.

/** The answer as it may be shown, stored and logged. */
export function outgoingAnswer(answer: Answer): Answer {
  const text = answer.abstained ? withoutFileUrls(answer.answer) : answer.answer;
  return {
    ...answer,
    answer: redactSecrets(text).text,
    citations: answer.citations.map((citation) => ({ ...citation, title: redactSecrets(citation.title).text })),
    contexts: answer.contexts.map((context) => ({ ...context, text: redactSecrets(context.text).text })),
  };
}

/** `- Runbook: file:///srv/kb/runbook.md` becomes `- Runbook`. */
function withoutFileUrls(text: string): string {
  return text.replace(/:?[ \t]*<?file:\/\/[^\s>]*>?/gi, '');
}
