// What Lore says in reply to its commands, in Markdown (each platform renders it).
import { SYNC_TARGETS, type SyncTarget } from '../../rag/contracts/sources.ts';
import type { SourceStatus, SourceSyncReport, SyncProgress } from '../../rag/contracts/sync.ts';

export const HELP_TEXT = [
  "**Lore** answers questions from your team's knowledge, with numbered links to its sources.",
  '',
  '- **Ask**: mention me with a question, in a channel or a thread (in a thread I use the earlier messages), or send me a direct message.',
  '- **Rate an answer**: react with 👍 or 👎. After a 👎 you can tell me, in one line, what was wrong.',
  '- **Teach me a file**: share it in a message that mentions me with "learn" or "add" (or send it to me directly). It is searchable in that channel only.',
  '- `/lore status`: how much is indexed and when each source was last synced.',
  `- \`/lore sync [${SYNC_TARGETS.join('|')}]\`: bring sources up to date (admins only).`,
  '- `/lore help`: this message.',
].join('\n');

export function formatStatus(statuses: SourceStatus[], now = new Date()): string {
  const documents = statuses.reduce((sum, s) => sum + s.documents, 0);
  const chunks = statuses.reduce((sum, s) => sum + s.chunks, 0);
  const lines = [`**Index**: ${plural(documents, 'document')}, ${plural(chunks, 'passage')}.`];
  for (const status of statuses) {
    if (!status.configured && status.documents === 0) {
      lines.push(`- **${status.source}**: not configured`);
      continue;
    }
    const synced =
      status.source === 'upload'
        ? status.lastSyncAt
          ? `last file added ${formatAge(status.lastSyncAt, now)}`
          : 'no files shared yet'
        : status.lastSyncAt
          ? `last synced ${formatAge(status.lastSyncAt, now)}`
          : 'never synced';
    const running = status.running ? ' — **syncing now**' : '';
    lines.push(`- **${status.source}**: ${plural(status.documents, 'document')}, ${plural(status.chunks, 'passage')}, ${synced}${running}`);
  }
  return lines.join('\n');
}

export function formatSyncStarted(target: SyncTarget, sources: string[]): string {
  const what = target === 'all' ? `all sources (${sources.join(', ')})` : `**${target}**`;
  return `Syncing ${what}… I'll report progress here and a summary when it's done.`;
}

export function formatSyncProgress(progress: SyncProgress): string {
  if (progress.phase === 'listing') return `**${progress.source}**: listing documents…${progress.message ? ` (${progress.message})` : ''}`;
  if (progress.phase === 'done') return `**${progress.source}**: done.`;
  return `**${progress.source}**: indexed ${progress.done} of ${progress.total} documents…`;
}

const MAX_FAILURES_SHOWN = 5;

export function formatSyncReport(reports: SourceSyncReport[]): string {
  if (reports.length === 0) return 'Sync finished: no source is configured to sync.';
  const failedAny = reports.some((r) => r.failed.length > 0);
  const lines = [failedAny ? 'Sync finished, with failures:' : 'Sync finished:'];
  for (const r of reports) {
    const seconds = (r.durationMs / 1000).toFixed(1);
    lines.push(
      `- **${r.source}**: ${r.added} added, ${r.updated} updated, ${r.deleted} deleted, ${r.failed.length} failed (${r.unchanged} unchanged, ${seconds} s)`,
    );
    for (const failure of r.failed.slice(0, MAX_FAILURES_SHOWN)) lines.push(`  - ${failure.path}: ${failure.error}`);
    if (r.failed.length > MAX_FAILURES_SHOWN) lines.push(`  - …and ${r.failed.length - MAX_FAILURES_SHOWN} more (see the logs)`);
  }
  return lines.join('\n');
}

/** "3 min ago", "2 h ago", "5 days ago". */
export function formatAge(iso: string, now = new Date()): string {
  const ms = now.getTime() - Date.parse(iso);
  if (!Number.isFinite(ms)) return 'at an unknown time';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
