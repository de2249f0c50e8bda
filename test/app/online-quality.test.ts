import { describe, expect, it } from 'vitest';
import { Metrics } from '../../app/metrics.ts';
import { OnlineQuality } from '../../app/online-quality.ts';
import type { Answer } from '../../rag/types.ts';
import { makeAnswer } from '../helpers/answer.ts';
import pino from 'pino';

const CONTEXT = 'Backups of the data directory are kept for at most 30 days and are encrypted at rest.';

const answer = (text: string, extra: Partial<Answer> = {}): Answer =>
  makeAnswer({
    id: 'a',
    answer: text,
    contexts: [{ chunkId: 'c1', docId: 'd1', score: 0.9, text: CONTEXT }],
    mode: 'generative',
    ...extra,
  });

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

describe('OnlineQuality', () => {
  it('scores a supported answer 1 and an invented one low', () => {
    const { log } = capture();
    const quality = new OnlineQuality({ log });
    expect(quality.score(answer('Backups are kept for at most 30 days [1].'))).toEqual({ faithfulness: 1, citationPrecision: 1 });
    const invented = quality.score(answer('Backups are copied to a tape vault in Zurich every Friday [1].'));
    expect(invented.faithfulness).toBe(0);
    expect(invented.citationPrecision).toBe(0);
  });

  it('skips abstentions, small talk and cache hits', () => {
    const quality = new OnlineQuality({ log: capture().log });
    expect(quality.score(answer('I could not find this.', { mode: 'abstained', abstained: true }))).toEqual({});
    expect(quality.score(answer('Hello!', { mode: 'chitchat' }))).toEqual({});
    expect(quality.score(answer('Backups are kept for at most 30 days [1].', { cached: true }))).toEqual({});
    expect(quality.means()).toEqual({});
  });

  it('exports rolling means and logs one alert when a mean drops below the threshold, and a recovery', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const { log, lines } = capture();
    const quality = new OnlineQuality({ log, metrics, window: 4, minSamples: 4, alertBelow: 0.8 });
    for (let i = 0; i < 4; i++) quality.score(answer('Backups are kept for at most 30 days [1].'));
    expect(lines.filter((l) => l.alert)).toEqual([]);
    for (let i = 0; i < 3; i++) quality.score(answer('Backups are copied to a tape vault in Zurich every Friday [1].'));
    const alerts = lines.filter((l) => l.alert === 'online-quality' && l.level === 50);
    expect(alerts.map((a) => a.measure).sort()).toEqual(['citation_precision', 'faithfulness']);
    expect(quality.means().faithfulness).toBeCloseTo(0.25);
    const { body } = await metrics.render();
    expect(body).toContain('lore_online_faithfulness 0.25');
    expect(body).toContain('lore_online_quality_alerts_total{measure="faithfulness"} 1');
    for (let i = 0; i < 4; i++) quality.score(answer('Backups are kept for at most 30 days [1].'));
    expect(lines.filter((l) => l.alert === 'online-quality' && l.level === 30).length).toBe(2);
  });
});
