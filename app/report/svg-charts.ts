// Charts for the report page, drawn on the server as inline SVG: the page loads no script and nothing from another
// origin, so it works under the same Content-Security-Policy as the playground (default-src 'self'). Colours and
// sizes are SVG presentation attributes, never `style` attributes, which that policy would block. Every mark has
// a <title> (a tooltip, and what a screen reader reads), and each chart a text alternative.

import { escapeHtml } from '../../rag/escape-html.ts';

export interface BarSeries {
  name: string;
  colour: string;
  values: readonly number[];
}

export interface ChartFrame {
  /** data-testid of the <svg>, for tests and anchors. */
  id: string;
  /** What the chart shows, in words: its accessible name. */
  title: string;
  /** One label per x position (a date). */
  labels: readonly string[];
  format: (value: number) => string;
}

const WIDTH = 720;
const HEIGHT = 220;
const PLOT = { left: 48, right: 12, top: 12, bottom: 28 };
const PLOT_WIDTH = WIDTH - PLOT.left - PLOT.right;
const PLOT_HEIGHT = HEIGHT - PLOT.top - PLOT.bottom;
const AXIS_COLOUR = '#8a8f98';
/** At most this many date labels under the x axis; the others are in the marks' titles. */
const MAX_X_LABELS = 8;

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Bars side by side across the plot: the x of each slot's left edge and the slot width. */
function slots(count: number): { x: (index: number) => number; width: number } {
  const width = PLOT_WIDTH / Math.max(count, 1);
  return { x: (index) => PLOT.left + index * width, width };
}

function yOf(value: number, max: number): number {
  return PLOT.top + PLOT_HEIGHT - (max === 0 ? 0 : (value / max) * PLOT_HEIGHT);
}

/** A round number at or above `value` with 1, 2 or 5 as its first digit, so the axis reads well. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * magnitude >= value) ?? 10;
  return step * magnitude;
}

function axes(frame: ChartFrame, max: number): string {
  const ticks = [0, max / 2, max]
    .map((value) => {
      const y = round(yOf(value, max));
      return `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y}" y2="${y}" stroke="${AXIS_COLOUR}" stroke-opacity="0.35"/><text x="${PLOT.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11" fill="currentColor">${escapeHtml(frame.format(value))}</text>`;
    })
    .join('');
  const { x, width } = slots(frame.labels.length);
  const every = Math.max(1, Math.ceil(frame.labels.length / MAX_X_LABELS));
  const labels = frame.labels
    .map((label, index) =>
      index % every === 0
        ? `<text x="${round(x(index) + width / 2)}" y="${HEIGHT - 8}" text-anchor="middle" font-size="11" fill="currentColor">${escapeHtml(label.slice(5))}</text>`
        : '',
    )
    .join('');
  return `<g class="axes">${ticks}${labels}</g>`;
}

function svg(frame: ChartFrame, body: string, legend: string): string {
  return `<svg data-testid="${escapeHtml(frame.id)}" class="chart" role="img" aria-label="${escapeHtml(frame.title)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(frame.title)}</title>${body}</svg>${legend}`;
}

function legendOf(entries: ReadonlyArray<{ name: string; colour: string }>): string {
  const items = entries
    .map(
      ({ name, colour }) =>
        `<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${escapeHtml(colour)}"/></svg> ${escapeHtml(name)}</li>`,
    )
    .join('');
  return `<ul class="legend">${items}</ul>`;
}

/** Stacked bars, one stack per label: each series a segment, the first at the bottom. */
export function stackedBarChart(frame: ChartFrame, series: readonly BarSeries[]): string {
  const totals = frame.labels.map((_, index) => series.reduce((sum, entry) => sum + (entry.values[index] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const { x, width } = slots(frame.labels.length);
  const gap = Math.min(2, width * 0.2);
  const bars = frame.labels
    .map((label, index) => {
      let base = 0;
      const segments = series
        .map((entry) => {
          const value = entry.values[index] ?? 0;
          if (value <= 0) return '';
          const top = yOf(base + value, max);
          const height = yOf(base, max) - top;
          base += value;
          return `<rect class="bar" data-series="${escapeHtml(entry.name)}" x="${round(x(index) + gap / 2)}" y="${round(top)}" width="${round(width - gap)}" height="${round(height)}" fill="${escapeHtml(entry.colour)}"><title>${escapeHtml(`${label}: ${frame.format(value)} ${entry.name}`)}</title></rect>`;
        })
        .join('');
      return segments;
    })
    .join('');
  return svg(frame, `${axes(frame, max)}<g class="bars">${bars}</g>`, legendOf(series));
}

/** A line through the values; a null value (nothing to measure that day) breaks the line rather than drawing 0. */
export function lineChart(frame: ChartFrame & { max: number; colour: string; name: string }, values: readonly (number | null)[]): string {
  const { x, width } = slots(frame.labels.length);
  const centre = (index: number) => x(index) + width / 2;
  const runs: string[][] = [];
  let run: string[] = [];
  const points = values
    .map((value, index) => {
      if (value === null) {
        if (run.length > 0) runs.push(run);
        run = [];
        return '';
      }
      const at = `${round(centre(index))},${round(yOf(value, frame.max))}`;
      run.push(at);
      const [cx, cy] = at.split(',');
      return `<circle class="point" cx="${cx}" cy="${cy}" r="3" fill="${escapeHtml(frame.colour)}"><title>${escapeHtml(`${frame.labels[index]}: ${frame.format(value)}`)}</title></circle>`;
    })
    .join('');
  if (run.length > 0) runs.push(run);
  const lines = runs
    .filter((line) => line.length > 1)
    .map((line) => `<polyline class="line" points="${line.join(' ')}" fill="none" stroke="${escapeHtml(frame.colour)}" stroke-width="2"/>`)
    .join('');
  return svg(frame, `${axes(frame, frame.max)}<g class="lines">${lines}</g><g class="points">${points}</g>`, legendOf([frame]));
}
