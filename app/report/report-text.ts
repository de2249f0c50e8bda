import type { Figure, GapReport } from './gap-report.ts';

// The knowledge-gap report as `lore report` prints it for a person in a terminal: the figures, the days that had
// questions, the gaps with their examples and what was searched, and the documents worth a look. The charts are
// the admin page's; `--json` has everything.

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

function share(label: string, figure: Figure): string {
  return `${label} ${figure.count} (${percent(figure.rate)})`;
}

export function reportText(report: GapReport): string {
  const { totals, window } = report;
  const lines: string[] = [
    `Lore knowledge-gap report, ${window.since.slice(0, 10)} to ${window.until.slice(0, 10)} (${window.days} day${window.days === 1 ? '' : 's'}, UTC)`,
    ...report.notes.map((note) => `note: ${note}`),
    '',
    `questions ${totals.questions} (plus ${totals.smallTalk} small talk, not counted): ${[
      share('answered', totals.answered),
      share('abstained', totals.abstained),
      share('handed off', totals.handedOff),
      share('👍', totals.thumbsUp),
      share('👎', totals.thumbsDown),
    ].join(', ')}; cost $${totals.costUsd.toFixed(4)}`,
    `handed off to a person: ${totals.handedOff.count}, of which ${totals.handedOff.resolved} marked resolved`,
    `verified answers added: ${report.verifiedAnswers.added} (${report.verifiedAnswers.revoked} revoked since)`,
    '',
    'per day (days with questions):',
  ];
  for (const day of report.daily.filter((entry) => entry.questions > 0)) {
    const channels = day.byChannel.map((entry) => `${entry.channel} ${entry.questions}`).join(', ');
    lines.push(
      `  ${day.date}  ${String(day.questions).padStart(4)} asked  ${percent(day.answerRate ?? 0).padStart(6)} answered  👍 ${day.thumbsUp} 👎 ${day.thumbsDown}  $${day.costUsd.toFixed(4)}  ${channels}`,
    );
  }
  lines.push('', 'gaps (abstained or 👎, grouped by similarity, largest first):');
  if (report.gaps.length === 0) lines.push('  none');
  for (const [index, gap] of report.gaps.entries()) {
    lines.push(`  ${index + 1}. ${gap.size} question(s), ${gap.abstained} abstained, ${gap.thumbsDown} 👎, in ${gap.channels.join(', ')}`);
    for (const example of gap.examples) lines.push(`     - "${example.question}"${example.reasons.map((reason) => ` (👎: ${reason})`).join('')}`);
    lines.push(`     searched: ${gap.searched.map((document) => `${document.title} (${document.times}×)`).join(', ') || 'nothing close found'}`);
  }
  const { documents } = report;
  lines.push('', `documents: ${documents.indexed} indexed, ${documents.neverCited.total} never cited in this window`, 'most cited:');
  for (const document of documents.mostCited) lines.push(`  ${String(document.citedBy).padStart(4)}  ${document.title} (${document.source})`);
  lines.push(`cited but not updated for ${documents.staleCited.afterDays} days: ${documents.staleCited.total}`);
  for (const document of documents.staleCited.documents)
    lines.push(`  ${document.title} (updated ${document.updatedAt?.slice(0, 10)}, cited ${document.citedBy}×)`);
  return `${lines.join('\n')}\n`;
}
