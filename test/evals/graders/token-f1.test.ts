import { describe, expect, it } from 'vitest';
import { tokenF1 } from '../../../evals/graders/token-f1.ts';

const REFERENCE = 'Backups of the data directory are kept for at most 30 days.';

describe('token F1 against the reference', () => {
  it('scores the reference itself 1, a quoted answer high and an invented one near 0', () => {
    expect(tokenF1(REFERENCE, REFERENCE).score).toBe(1);
    const quoted = tokenF1('3.3 Backups of the data directory are kept for at most 30 days [1].', REFERENCE).score;
    const invented = tokenF1('Snapshots are replicated nightly to three regions and retained for one year [1].', REFERENCE).score;
    expect(quoted).toBeGreaterThan(0.8);
    expect(invented).toBeLessThan(0.1);
  });

  it('ignores citation markers and stopwords, and scores an abstention 0', () => {
    expect(tokenF1('The backups [1] are kept 30 days.', 'backups kept 30 days').score).toBe(1);
    expect(tokenF1("I couldn't find this in the knowledge base.", REFERENCE).score).toBe(0);
  });
});
