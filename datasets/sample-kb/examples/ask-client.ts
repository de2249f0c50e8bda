// Example: ask Lore a question over its HTTP API from a script.

export interface Citation {
  n: number;
  title: string;
  url: string;
}

export interface LoreAnswer {
  answer: string;
  citations: Citation[];
  abstained: boolean;
}

/** Sends one question to a running Lore and returns the cited answer. */
export async function askLore(question: string, baseUrl = 'http://localhost:8080'): Promise<LoreAnswer> {
  const response = await fetch(`${baseUrl}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question }),
  });
  if (!response.ok) throw new Error(`Lore answered ${response.status}`);
  return (await response.json()) as LoreAnswer;
}

/** Formats an answer with its numbered sources, the way the chat adapters do. */
export function formatAnswer(answer: LoreAnswer): string {
  const sources = answer.citations.map((c) => `[${c.n}] ${c.title} <${c.url}>`).join('\n');
  return sources ? `${answer.answer}\n\nSources:\n${sources}` : answer.answer;
}
