import type { SourceKind } from '../../rag/types.ts';

// What Lore says it is doing while it answers, where a platform shows a status line (Slack's assistant threads).
// The pipeline reports no steps of its own, so the words follow what the conversation sees: first it searches the
// sources the asker's channel may see, then text arrives, which the pipeline checks against the passages it cites.

const SOURCE_NAMES: Readonly<Record<SourceKind, string>> = {
  files: 'the files',
  upload: 'uploads',
  notion: 'Notion',
  github: 'GitHub',
  web: 'web pages',
  verified: 'verified answers',
};

/** "searching Notion and GitHub…": the sources a question may be answered from, by name. */
export function searchingStatus(sources: readonly SourceKind[]): string {
  return sources.length === 0 ? 'searching…' : `searching ${sourceNames(sources)}…`;
}

/** "Notion, GitHub and the files": sources by name, as a reader says them ('' for none). */
export function sourceNames(sources: readonly SourceKind[]): string {
  const names = sources.map((source) => SOURCE_NAMES[source]);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** Once the answer is being written: every sentence is checked against the passage it cites before it is shown. */
export const CHECKING_STATUS = 'checking the sources…';
