import type { Logger } from 'pino';
import { citationPrecision } from '../rag/quality/citation-precision.ts';
import { claimSupport } from '../rag/quality/claim-support.ts';
import type { Answer } from '../rag/types.ts';
import type { Metrics } from './metrics.ts';

// Online quality: the release gate's cheap offline graders (faithfulness = claims the context backs, citation
// precision = markers whose passage backs their sentence) score every live answer. Rolling means over the last
// `window` scored answers are exported as gauges; when one drops below `alertBelow` an alert is logged once, and
// again only after it has recovered.

export interface OnlineQualityOptions {
  metrics?: Metrics;
  log: Logger;
  /** Scored answers the rolling means cover (LORE_QUALITY_WINDOW). */
  window?: number;
  /** The alert threshold for both means (LORE_QUALITY_ALERT_BELOW). */
  alertBelow?: number;
  /** No alert before this many answers are scored: a few early answers say little. */
  minSamples?: number;
}

export interface AnswerScores {
  faithfulness?: number;
  citationPrecision?: number;
}

type Measure = 'faithfulness' | 'citation_precision';

export class OnlineQuality {
  private readonly samples: Record<Measure, number[]> = { faithfulness: [], citation_precision: [] };
  private readonly alerting: Record<Measure, boolean> = { faithfulness: false, citation_precision: false };
  private readonly window: number;
  private readonly alertBelow: number;
  private readonly minSamples: number;

  constructor(private readonly options: OnlineQualityOptions) {
    this.window = options.window ?? 100;
    this.alertBelow = options.alertBelow ?? 0.8;
    this.minSamples = Math.min(options.minSamples ?? 20, this.window);
  }

  /** Scores one answer (abstentions, small talk and cache hits state nothing new) and updates the means. */
  score(answer: Answer): AnswerScores {
    if (answer.cached || (answer.mode !== 'generative' && answer.mode !== 'extractive')) return {};
    const contexts = answer.contexts.map((c) => c.text);
    const faithfulness = claimSupport(answer.answer, contexts, answer.question).score;
    // Markers are renumbered to the citation list, so a marker's passage is found by its chunk, not its position.
    const cited = answer.citations.map((c) => ({ n: c.n, text: answer.contexts.find((context) => context.chunkId === c.chunkId)?.text }));
    const precision = citationPrecision(answer.answer, cited, answer.question).score;
    if (faithfulness !== undefined) this.add('faithfulness', faithfulness);
    if (precision !== undefined) this.add('citation_precision', precision);
    return { ...(faithfulness !== undefined ? { faithfulness } : {}), ...(precision !== undefined ? { citationPrecision: precision } : {}) };
  }

  /** The rolling means (undefined before the first scored answer). */
  means(): Partial<Record<Measure, number>> {
    const result: Partial<Record<Measure, number>> = {};
    for (const measure of Object.keys(this.samples) as Measure[]) {
      const values = this.samples[measure];
      if (values.length > 0) result[measure] = values.reduce((a, b) => a + b, 0) / values.length;
    }
    return result;
  }

  private add(measure: Measure, value: number): void {
    const values = this.samples[measure];
    values.push(value);
    if (values.length > this.window) values.shift();
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    this.options.metrics?.set(`lore_online_${measure}`, {}, mean);
    const low = values.length >= this.minSamples && mean < this.alertBelow;
    if (low && !this.alerting[measure]) {
      this.options.metrics?.increment('lore_online_quality_alerts_total', { measure });
      this.options.log.error(
        { alert: 'online-quality', measure, mean: round(mean), threshold: this.alertBelow, samples: values.length },
        `online ${measure.replace('_', ' ')} dropped below ${this.alertBelow}`,
      );
    } else if (!low && this.alerting[measure] && values.length >= this.minSamples) {
      this.options.log.info({ alert: 'online-quality', measure, mean: round(mean) }, `online ${measure.replace('_', ' ')} recovered`);
    }
    this.alerting[measure] = low;
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
