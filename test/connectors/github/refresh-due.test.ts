import { describe, expect, it } from 'vitest';
import { refreshDue } from '../../../connectors/github/list-repository.ts';

// When a GitHub sync reads a repository's metadata again and lists its issues in full: the only way deleted and
// transferred issues are found, so it must happen at least once per refresh period, and on every --full sync.

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2024-05-02T12:00:00Z');
const known = { refreshedAt: '2024-05-02T00:00:00Z', defaultBranch: 'main', htmlUrl: 'https://github.com/acme/docs' };

describe('refreshDue', () => {
  it('is not due within the period after a refresh of a known repository', () => {
    expect(refreshDue(known, false, now, DAY)).toBe(false);
  });

  it('is due on a full sync, once the period has passed, and when the cursor misses what a listing needs', () => {
    expect(refreshDue(known, true, now, DAY)).toBe(true);
    expect(refreshDue({ ...known, refreshedAt: '2024-05-01T12:00:00Z' }, false, now, DAY)).toBe(true);
    expect(refreshDue({}, false, now, DAY)).toBe(true);
    expect(refreshDue({ ...known, defaultBranch: undefined }, false, now, DAY)).toBe(true);
    expect(refreshDue({ ...known, htmlUrl: undefined }, false, now, DAY)).toBe(true);
    expect(refreshDue({ ...known, refreshedAt: 'not a date' }, false, now, DAY)).toBe(true);
  });
});
