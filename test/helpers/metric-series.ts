import type { Metrics } from '../../app/metrics.ts';

/**
 * Every sample of one metric family from the Prometheus text exposition, keyed by sample name and labels in
 * sorted order: `lore_sync_runs_total{outcome="ok",source="web"}`; histogram buckets (`_bucket`) are left out.
 */
export async function metricSeries(metrics: Metrics, family: string): Promise<Record<string, number>> {
  const text = await metrics.registry.getSingleMetricAsString(family).catch(() => '');
  const samples: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1]!.endsWith('_bucket')) continue;
    const labels = [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => `${key}="${value}"`).sort();
    samples[`${match[1]}${labels.length > 0 ? `{${labels.join(',')}}` : ''}`] = Number(match[3]);
  }
  return samples;
}

/** One sample's value (undefined when the series does not exist): `metricValue(m, 'lore_sync_runs_total', { source: 'web', outcome: 'ok' })`. */
export async function metricValue(metrics: Metrics, sample: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const family = sample.replace(/_(count|sum)$/, '');
  const key = Object.entries(labels)
    .map(([name, value]) => `${name}="${value}"`)
    .sort()
    .join(',');
  const all = await metricSeries(metrics, metrics.registry.getSingleMetric(sample) ? sample : family);
  return all[key ? `${sample}{${key}}` : sample];
}
