import { describe, expect, it } from 'vitest';
import { citationPrecision } from '../../../rag/quality/citation-precision.ts';

const BACKUPS = 'Backups of the data directory are kept for at most 30 days.';
const SLACK = 'Copy the Bot User OAuth Token (it starts with xoxb-) into SLACK_BOT_TOKEN.';
const cited = [
  { n: 1, text: BACKUPS },
  { n: 2, text: SLACK },
];

describe('citation precision', () => {
  it('scores markers on the passages that back their sentences 1, and swapped markers 0', () => {
    const right = citationPrecision(
      'Backups of the data directory are kept for at most 30 days [1]. The Bot User OAuth Token goes into SLACK_BOT_TOKEN [2].',
      cited,
    );
    const swapped = citationPrecision(
      'Backups of the data directory are kept for at most 30 days [2]. The Bot User OAuth Token goes into SLACK_BOT_TOKEN [1].',
      cited,
    );
    expect(right).toMatchObject({ score: 1, markers: 2, supporting: 2 });
    expect(swapped).toMatchObject({ score: 0, markers: 2, supporting: 0 });
    expect(swapped.unsupported.map((u) => u.n)).toEqual([2, 1]);
  });

  it('counts a marker that names no passage as wrong', () => {
    expect(citationPrecision('Backups of the data directory are kept for at most 30 days [1][3].', cited)).toMatchObject({ score: 0.5, markers: 2 });
  });

  it('accepts two passages that each back part of a sentence', () => {
    const combined = citationPrecision(
      'Backups of the data directory are kept for at most 30 days and the Bot User OAuth Token goes into SLACK_BOT_TOKEN [1][2].',
      cited,
    );
    expect(combined.score).toBe(1);
  });

  it('has no score for an answer without markers', () => {
    expect(citationPrecision('Backups are kept for 30 days.', cited).score).toBeUndefined();
  });
});
