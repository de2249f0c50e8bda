import type { CitedDocument, DocumentRef, Figure, Gap, GapReport } from './gap-report.ts';
import { escapeHtml } from '../../rag/escape-html.ts';
import { lineChart, stackedBarChart } from './svg-charts.ts';

// The admin page of the knowledge-gap report: one HTML document rendered on the server, charts included, with no
// script at all. Every text comes from the report (already redacted) and is escaped here: questions are typed by
// anyone in any channel, and titles come from indexed documents, either of which can hold markup.

export const REPORT_STYLESHEET_PATH = '/admin/report.css';

const ANSWERED_COLOUR = '#2f7d4f';
const ABSTAINED_COLOUR = '#c0692b';
const RATE_COLOUR = '#2f5fb3';
const COST_COLOUR = '#7a4fb3';

function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

function dollars(value: number): string {
  return `$${value < 1 ? value.toFixed(4) : value.toFixed(2)}`;
}

function whole(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function figure(label: string, value: Figure, testId: string, note?: string): string {
  return `<div class="figure" data-testid="${testId}"><dt>${escapeHtml(label)}</dt><dd>${value.count} <span class="rate">(${percent(value.rate)})</span>${note ? `<span class="note">${escapeHtml(note)}</span>` : ''}</dd></div>`;
}

/** A link only for web addresses: a file:// path opens nothing in a browser, and a javascript: URL must never be one. */
function documentLink(document: Pick<DocumentRef, 'title' | 'url'>): string {
  const title = escapeHtml(document.title || document.url);
  return /^https?:\/\//i.test(document.url) ? `<a href="${escapeHtml(document.url)}" rel="noreferrer noopener">${title}</a>` : title;
}

function date(iso: string | null): string {
  return iso ? escapeHtml(iso.slice(0, 10)) : '—';
}

function gapItem(gap: Gap): string {
  const outcomes = [gap.abstained > 0 ? `${gap.abstained} abstained` : '', gap.thumbsDown > 0 ? `${gap.thumbsDown} 👎` : '']
    .filter(Boolean)
    .join(', ');
  const examples = gap.examples
    .map(
      (example) =>
        `<li><q>${escapeHtml(example.question)}</q> <span class="meta">${escapeHtml(example.channel)}, ${date(example.askedAt)}, ${example.outcome === 'abstained' ? 'abstained' : '👎'}</span>${example.reasons.map((reason) => `<div class="reason">“${escapeHtml(reason)}”</div>`).join('')}</li>`,
    )
    .join('');
  const searched =
    gap.searched.length === 0
      ? '<p class="searched">Searched: nothing close was found.</p>'
      : `<p class="searched">Searched and found closest: ${gap.searched.map((document) => `${documentLink(document)} (${document.times}×)`).join(', ')}</p>`;
  return `<li class="gap" data-testid="gap"><h3>${gap.size} question${gap.size === 1 ? '' : 's'} <span class="meta">${escapeHtml(outcomes)}; ${escapeHtml(gap.channels.join(', '))}; last ${date(gap.lastAskedAt)}</span></h3><ul class="examples">${examples}</ul>${searched}</li>`;
}

function citedRows(documents: readonly CitedDocument[]): string {
  return documents
    .map(
      (document) =>
        `<tr><td>${documentLink(document)}${document.indexed ? '' : ' <span class="note">(no longer indexed)</span>'}</td><td>${escapeHtml(document.source)}</td><td class="number">${document.citedBy}</td><td>${date(document.lastCitedAt)}</td><td>${date(document.updatedAt)}</td></tr>`,
    )
    .join('');
}

function citedTable(testId: string, documents: readonly CitedDocument[], empty: string): string {
  if (documents.length === 0) return `<p data-testid="${testId}">${escapeHtml(empty)}</p>`;
  return `<table data-testid="${testId}"><thead><tr><th>Document</th><th>Source</th><th>Answers citing it</th><th>Last cited</th><th>Last updated</th></tr></thead><tbody>${citedRows(documents)}</tbody></table>`;
}

function channelTable(report: GapReport): string {
  if (report.channels.length === 0) return '<p>No questions in this window.</p>';
  const rows = report.channels
    .map(
      (channel) =>
        `<tr><td>${escapeHtml(channel.channel)}</td><td class="number">${channel.questions}</td><td class="number">${channel.answered}</td><td class="number">${channel.abstained}</td><td class="number">${percent(channel.answerRate)}</td></tr>`,
    )
    .join('');
  const perDay = report.daily
    .flatMap((day) =>
      day.byChannel.map(
        (entry) => `<tr><td>${escapeHtml(day.date)}</td><td>${escapeHtml(entry.channel)}</td><td class="number">${entry.questions}</td></tr>`,
      ),
    )
    .join('');
  return `<table data-testid="channels"><thead><tr><th>Channel</th><th>Questions</th><th>Answered</th><th>Abstained</th><th>Answer rate</th></tr></thead><tbody>${rows}</tbody></table>
<details><summary>Questions per day per channel</summary><table data-testid="questions-per-day-per-channel"><thead><tr><th>Day</th><th>Channel</th><th>Questions</th></tr></thead><tbody>${perDay}</tbody></table></details>`;
}

/** The whole page. */
export function renderReportPage(report: GapReport): string {
  const { totals, daily, documents } = report;
  const labels = daily.map((day) => day.date);
  const questionsChart = stackedBarChart({ id: 'chart-questions', title: 'Questions per day, answered and abstained', labels, format: whole }, [
    { name: 'answered', colour: ANSWERED_COLOUR, values: daily.map((day) => day.answered) },
    { name: 'abstained', colour: ABSTAINED_COLOUR, values: daily.map((day) => day.abstained) },
  ]);
  const rateChart = lineChart(
    {
      id: 'chart-answer-rate',
      title: 'Answer rate per day (days without questions left blank)',
      labels,
      format: percent,
      max: 1,
      colour: RATE_COLOUR,
      name: 'answered',
    },
    daily.map((day) => day.answerRate),
  );
  const costChart = stackedBarChart({ id: 'chart-cost', title: 'Model cost per day (USD)', labels, format: dollars }, [
    { name: 'USD', colour: COST_COLOUR, values: daily.map((day) => day.costUsd) },
  ]);
  const notes = report.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('');
  const never = documents.neverCited;
  const neverList =
    never.total === 0
      ? '<p data-testid="never-cited">Every indexed document was cited at least once.</p>'
      : `<p>${never.total} of ${documents.indexed} indexed documents were never cited in this window${never.total > never.documents.length ? `; the first ${never.documents.length}` : ''}:</p><ul data-testid="never-cited">${never.documents.map((document) => `<li>${documentLink(document)} <span class="meta">${escapeHtml(document.source)}, updated ${date(document.updatedAt)}</span></li>`).join('')}</ul>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>Lore knowledge-gap report</title>
<link rel="stylesheet" href="${REPORT_STYLESHEET_PATH}">
</head>
<body>
<header><h1>Lore <span class="subtitle">knowledge-gap report</span></h1>
<p class="lede" data-testid="window">${date(report.window.since)} to ${date(report.window.until)} (${report.window.days} days, UTC), generated ${escapeHtml(report.generatedAt.slice(0, 16).replace('T', ' '))} UTC</p>
${notes ? `<ul class="notes">${notes}</ul>` : ''}</header>
<main>
<section aria-labelledby="totals-title"><h2 id="totals-title">Questions</h2>
<dl class="figures">
<div class="figure" data-testid="total-questions"><dt>Questions</dt><dd>${totals.questions} <span class="note">plus ${totals.smallTalk} small talk, not counted</span></dd></div>
${figure('Answered', totals.answered, 'total-answered')}
${figure('Abstained', totals.abstained, 'total-abstained')}
${figure('Handed off', totals.handedOff, 'total-handed-off', `${totals.handedOff.resolved} resolved`)}
${figure('👍', totals.thumbsUp, 'total-thumbs-up')}
${figure('👎', totals.thumbsDown, 'total-thumbs-down')}
<div class="figure" data-testid="total-cost"><dt>Cost</dt><dd>${dollars(totals.costUsd)}</dd></div>
<div class="figure" data-testid="verified-answers"><dt>Verified answers added</dt><dd>${report.verifiedAnswers.added}<span class="note">${report.verifiedAnswers.revoked} revoked since</span></dd></div>
</dl>
<figure>${questionsChart}<figcaption>Questions per day: answered and abstained.</figcaption></figure>
<figure>${rateChart}<figcaption>Share of the day's questions answered.</figcaption></figure>
${channelTable(report)}
</section>
<section aria-labelledby="gaps-title"><h2 id="gaps-title">Gaps</h2>
<p>Questions Lore abstained on or whose answer got a 👎, grouped by the words they share, largest groups first.</p>
${report.gaps.length === 0 ? '<p data-testid="no-gaps">No abstained or 👎 questions in this window.</p>' : `<ol class="gaps">${report.gaps.map(gapItem).join('')}</ol>`}
</section>
<section aria-labelledby="documents-title"><h2 id="documents-title">Documents</h2>
<h3>Most cited</h3>${citedTable('most-cited', documents.mostCited, 'No answer cited a document in this window.')}
<h3>Cited but not updated for ${documents.staleCited.afterDays} days</h3>${citedTable('stale-cited', documents.staleCited.documents, 'No cited document is that old.')}
<h3>Never cited</h3>${neverList}
</section>
<section aria-labelledby="cost-title"><h2 id="cost-title">Cost</h2>
<figure>${costChart}<figcaption>Language-model cost per day, from the query log.</figcaption></figure>
</section>
</main>
</body>
</html>
`;
}

/** The page's stylesheet, served from Lore's own origin (the Content-Security-Policy allows no inline style). */
export const REPORT_STYLESHEET = `
:root { font-family: system-ui, sans-serif; line-height: 1.45; }
body { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 .subtitle { font-weight: normal; opacity: 0.7; }
.lede, .meta, .note { opacity: 0.75; }
.note { display: block; font-size: 0.8rem; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: 0.75rem; }
.figure { border: 1px solid #8884; border-radius: 6px; padding: 0.5rem 0.75rem; }
.figure dt { font-size: 0.85rem; opacity: 0.8; }
.figure dd { margin: 0; font-size: 1.4rem; }
.figure .rate { font-size: 0.9rem; }
figure { margin: 1.5rem 0; }
svg.chart { max-width: 100%; height: auto; }
.legend { list-style: none; display: flex; gap: 1rem; padding: 0; margin: 0.25rem 0; font-size: 0.85rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid #8883; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.gap h3 { font-size: 1rem; margin-bottom: 0.25rem; }
.reason { font-size: 0.85rem; opacity: 0.8; margin-left: 1rem; }
`;
