import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ChatMetrics } from '../bot/conversation/conversation.ts';

// Prometheus metrics for GET /metrics. Each metric is declared where it is measured (the conversation layer, the
// answer service, the HTTP API, the sync service name theirs: lore_chat_answers_total, lore_stage_duration_seconds,
// …), so a new metric needs no change here; each is created on first use with the label names it was given.
// docs/operations.md lists them all, and docs/monitoring/ holds the dashboard and alert rules built on them.

/** Seconds: from a cached answer (well under 10 ms) to a slow model answer (tens of seconds). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class Metrics implements ChatMetrics {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();
  private readonly histograms = new Map<string, Histogram>();
  private readonly gauges = new Map<string, Gauge>();

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'lore_' });
  }

  increment(name: string, labels: Record<string, string> = {}, by = 1): void {
    let counter = this.counters.get(name);
    if (!counter) {
      counter = new Counter({ name, help: helpFor(name), labelNames: Object.keys(labels).sort(), registers: [this.registry] });
      this.counters.set(name, counter);
    }
    counter.inc(sorted(labels), by);
  }

  /** One observation of a histogram (latency in seconds unless `buckets` says otherwise). */
  observe(name: string, labels: Record<string, string>, value: number, buckets: number[] = LATENCY_BUCKETS): void {
    let histogram = this.histograms.get(name);
    if (!histogram) {
      histogram = new Histogram({ name, help: helpFor(name), labelNames: Object.keys(labels).sort(), buckets, registers: [this.registry] });
      this.histograms.set(name, histogram);
    }
    histogram.observe(sorted(labels), value);
  }

  set(name: string, labels: Record<string, string>, value: number): void {
    let gauge = this.gauges.get(name);
    if (!gauge) {
      gauge = new Gauge({ name, help: helpFor(name), labelNames: Object.keys(labels).sort(), registers: [this.registry] });
      this.gauges.set(name, gauge);
    }
    gauge.set(sorted(labels), value);
  }

  /** The Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** Labels in one order, whatever order the caller wrote them in, so each series prints the same way. */
function sorted(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function helpFor(name: string): string {
  return name
    .replace(/^lore_/, '')
    .replace(/_total$/, '')
    .replace(/_/g, ' ');
}
