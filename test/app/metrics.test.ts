import { describe, expect, it } from 'vitest';
import { Metrics } from '../../app/metrics.ts';

describe('Metrics', () => {
  it('counts by name and labels in the Prometheus text format, creating each counter on first use', async () => {
    const metrics = new Metrics({ processMetrics: false });
    metrics.increment('lore_feedback_total', { platform: 'slack', rating: 'down' });
    metrics.increment('lore_feedback_total', { platform: 'slack', rating: 'down' });
    metrics.increment('lore_feedback_total', { rating: 'up', platform: 'discord' });
    const { contentType, body } = await metrics.render();
    expect(contentType).toMatch(/^text\/plain/);
    expect(body).toContain('# TYPE lore_feedback_total counter');
    expect(body).toContain('lore_feedback_total{platform="slack",rating="down"} 2');
    expect(body).toContain('lore_feedback_total{platform="discord",rating="up"} 1');
  });

  it('includes process metrics by default', async () => {
    expect((await new Metrics().render()).body).toContain('lore_process_cpu_seconds_total');
  });
});
