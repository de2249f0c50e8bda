import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import type { ChatMetrics } from '../bot/conversation/conversation.ts';

// Prometheus metrics for GET /metrics. Counters are declared where they are counted (the conversation layer names
// them: lore_chat_answers_total, lore_feedback_total, …), so a new counter needs no change here; each is created on
// its first increment with the label names it was given.

export class Metrics implements ChatMetrics {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'lore_' });
  }

  increment(name: string, labels: Record<string, string>): void {
    let counter = this.counters.get(name);
    if (!counter) {
      counter = new Counter({ name, help: helpFor(name), labelNames: Object.keys(labels).sort(), registers: [this.registry] });
      this.counters.set(name, counter);
    }
    // Labels in one order, whatever order the caller wrote them in, so each series prints the same way.
    counter.inc(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1))));
  }

  /** The Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

function helpFor(name: string): string {
  return name.replace(/^lore_/, '').replace(/_total$/, '').replace(/_/g, ' ');
}
