import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../app/database.ts';
import type { GapReport } from '../../../app/report/gap-report.ts';
import { sqliteDatabase } from '../../../app/storage/sqlite-database.ts';
import { runLore } from '../../helpers/run-lore.ts';
import { QueryLogSeeder } from '../../helpers/seed-query-log.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

// `lore report` as a script calls it: the real command line in a child process over a data directory whose query
// log and feedback were written by the real stores. `--json` is a contract (README, "Command line"): its shape is
// pinned here; people's output goes to stderr.

const tmp = tempDir('lore-report-cli-');
const dataDir = path.join(tmp.dir, 'data');
// Recent enough to fall inside the default window (LORE_QUERY_LOG_DAYS, 30 days) whenever the test runs.
const today = new Date().toISOString().slice(0, 10);
const yesterday = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);

beforeAll(async () => {
  const db = sqliteDatabase(openDatabase(dataDir));
  try {
    await new QueryLogSeeder(db)
      .document({ id: 'backups', title: 'Backup policy', indexedAt: `${yesterday}T00:00:00Z` })
      .ask({
        id: 'a1',
        at: `${yesterday}T09:00:00Z`,
        question: 'How long are backups kept?',
        cites: ['backups'],
        costUsd: 0.002,
        ratings: [{ user: 'U1', rating: 'up' }],
      })
      .ask({ id: 'a2', at: `${today}T00:00:01Z`, question: 'How do I rotate the VPN certificate?', mode: 'abstained', channelId: 'C-help' })
      .written();
  } finally {
    await db.close();
  }
});
afterAll(() => tmp.cleanup());

describe('lore report', () => {
  it('prints the whole report as one JSON object on stdout with --json', async () => {
    const run = await runLore(['report', '--json'], { LORE_DATA_DIR: dataDir });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as GapReport;
    expect(Object.keys(report).sort()).toEqual([
      'channels',
      'daily',
      'documents',
      'gaps',
      'generatedAt',
      'notes',
      'totals',
      'verifiedAnswers',
      'window',
    ]);
    expect(report.window).toMatchObject({ days: 31, queryLogDays: 30 });
    expect(report.totals).toMatchObject({
      questions: 2,
      answered: { count: 1, rate: 0.5 },
      abstained: { count: 1, rate: 0.5 },
      handedOff: { count: 0, rate: 0, resolved: 0 },
      thumbsUp: { count: 1, rate: 0.5 },
      costUsd: 0.002,
    });
    expect(report.daily.slice(-2).map((day) => [day.date, day.questions, day.answerRate, day.costUsd])).toEqual([
      [yesterday, 1, 1, 0.002],
      [today, 1, 0, 0],
    ]);
    expect(report.daily.at(-1)!.byChannel).toEqual([{ channel: 'slack:C-help', questions: 1 }]);
    expect(report.gaps).toEqual([
      {
        size: 1,
        abstained: 1,
        thumbsDown: 0,
        firstAskedAt: `${today}T00:00:01.000Z`,
        lastAskedAt: `${today}T00:00:01.000Z`,
        channels: ['slack:C-help'],
        examples: [
          {
            question: 'How do I rotate the VPN certificate?',
            askedAt: `${today}T00:00:01.000Z`,
            channel: 'slack:C-help',
            outcome: 'abstained',
            reasons: [],
          },
        ],
        searched: [],
      },
    ]);
    expect(report.documents).toMatchObject({
      indexed: 1,
      mostCited: [{ docId: 'backups', citedBy: 1 }],
      neverCited: { total: 0 },
      staleCited: { afterDays: 180 },
    });
    expect(report.verifiedAnswers).toEqual({ added: 0, revoked: 0 });
    expect(run.stderr).toBe('');
  });

  it('moves the window with --since and tells people the gaps on stderr', async () => {
    const run = await runLore(['report', '--since', today], { LORE_DATA_DIR: dataDir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${today} to ${today} (1 day, UTC)`);
    expect(run.stderr).toContain('questions 1 (plus 0 small talk, not counted): answered 0 (0.0%), abstained 1 (100.0%)');
    expect(run.stderr).toContain('1. 1 question(s), 1 abstained, 0 👎, in slack:C-help');
    expect(run.stderr).toContain('- "How do I rotate the VPN certificate?"');
  });

  it('refuses a --since that is not a date, and a data directory without a database', async () => {
    const bad = await runLore(['report', '--since', 'last week', '--json'], { LORE_DATA_DIR: dataDir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/since must be an ISO date/);
    expect(bad.stdout).toBe('');
    const empty = await runLore(['report'], { LORE_DATA_DIR: path.join(tmp.dir, 'nowhere') });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/no Lore database/);
  });
});
