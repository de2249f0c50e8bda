import { beforeAll, describe, expect, it } from 'vitest';
import { buildGapReport, parseSince, type GapReport } from '../../../app/report/gap-report.ts';
import { groupSimilar } from '../../../app/report/group-similar-questions.ts';
import type { SqlDatabase } from '../../../rag/contracts/sql-database.ts';
import { QueryLogSeeder } from '../../helpers/seed-query-log.ts';
import { forEachDialect } from '../../helpers/sql-stores.ts';

// The knowledge-gap report's figures against a query log and feedback seeded through the real stores, on SQLite and
// PostgreSQL alike: what counts as a question, the rates, the days and channels, the gaps and what was searched for
// them (with the reasons of the 👎s still standing), the documents, and the redaction of what it shows.

const NOW = new Date('2030-03-10T12:00:00Z');
const SINCE = new Date('2030-03-05T00:00:00Z');

async function seed(database: SqlDatabase): Promise<void> {
  await new QueryLogSeeder(database)
    .document({ id: 'vpn-guide', title: 'VPN guide', modifiedAt: '2029-01-01T00:00:00Z', indexedAt: '2030-03-01T00:00:00Z' })
    .document({ id: 'backups', title: 'Backup policy', modifiedAt: '2030-03-01T00:00:00Z', indexedAt: '2030-03-01T00:00:00Z' })
    .document({ id: 'onboarding', title: 'Onboarding', indexedAt: '2030-02-01T00:00:00Z' })
    .document({ id: 'legacy', title: 'Legacy wiki', indexedAt: '2029-06-01T00:00:00Z' })
    .ask({ id: 'q-old', at: '2030-03-01T09:00:00Z', question: 'How long are backups kept?', cites: ['backups'], handOff: {} })
    .ask({
      id: 'q1',
      at: '2030-03-05T09:00:00Z',
      question: 'How long are backups kept?',
      cites: ['backups'],
      costUsd: 0.001,
      ratings: [{ user: 'U1', rating: 'up' }],
    })
    .ask({ id: 'q2', at: '2030-03-05T10:00:00Z', question: 'Where is the backup policy?', cites: ['backups', 'vpn-guide'], costUsd: 0.002 })
    .ask({
      id: 'q3',
      at: '2030-03-06T08:00:00Z',
      question: 'How do I rotate the VPN certificate?',
      platform: 'discord',
      channelId: 'D-help',
      mode: 'abstained',
      cites: ['vpn-guide'],
      handOff: { resolved: true },
    })
    .ask({
      id: 'q4',
      at: '2030-03-06T09:00:00Z',
      question: 'how do I rotate the VPN certificate',
      mode: 'abstained',
      cites: ['vpn-guide'],
      handOff: {},
    })
    .ask({
      id: 'q5',
      at: '2030-03-08T09:00:00Z',
      question: 'Rotating the VPN certificate on a Mac?',
      platform: 'http',
      mode: 'abstained',
      cites: ['vpn-guide', 'onboarding'],
    })
    .ask({
      id: 'q6',
      at: '2030-03-08T10:00:00Z',
      question: 'What is the parental leave policy?',
      cites: ['vpn-guide'],
      costUsd: 0.0005,
      ratings: [
        { user: 'U4', rating: 'down', reason: 'nothing on leave' },
        { user: 'U2', rating: 'down', reason: 'talks about the VPN' },
        { user: 'U5', rating: 'down', reason: 'taken back', retracted: true },
        { user: 'U6', rating: 'down' },
        { user: 'U3', rating: 'up', retracted: true },
      ],
    })
    .ask({ id: 'q7', at: '2030-03-08T11:00:00Z', question: 'hello', mode: 'chitchat' })
    .verified({ id: 'v-old', at: '2030-03-01T10:00:00Z', answerId: 'q-old' })
    .verified({ id: 'v1', at: '2030-03-06T10:00:00Z', answerId: 'q3', revokedAt: '2030-03-07T10:00:00Z' })
    .verified({ id: 'v2', at: '2030-03-08T12:00:00Z', answerId: 'q6' })
    .ask({ id: 'q8', at: '2030-03-10T09:00:00Z', question: 'My token xoxb-1234567890-abcdefghij leaked, what now?', mode: 'abstained' })
    .written();
}

forEachDialect('the knowledge-gap report', (stores) => {
  let db: SqlDatabase;
  let report: GapReport;

  beforeAll(async () => {
    db = await (await stores.create()).connect();
    await seed(db);
    report = await buildGapReport(db, { since: SINCE, now: NOW, queryLogDays: 30 });
  });

  it('counts the questions of the window, without small talk, with answered, abstained and rated shares', () => {
    expect(report.window).toEqual({ since: SINCE.toISOString(), until: NOW.toISOString(), days: 6, queryLogDays: 30 });
    expect(report.totals).toEqual({
      questions: 7,
      smallTalk: 1,
      answered: { count: 3, rate: 3 / 7 },
      abstained: { count: 4, rate: 4 / 7 },
      // q3 and q4 were handed off to a person; q3's hand-off was marked resolved.
      handedOff: { count: 2, rate: 2 / 7, resolved: 1 },
      // q6's 👍 was taken back: only q1 keeps one.
      thumbsUp: { count: 1, rate: 1 / 7 },
      thumbsDown: { count: 1, rate: 1 / 7 },
      costUsd: 0.0035,
    });
    // One saved in the window and then revoked, one saved in the window, one before it.
    expect(report.verifiedAnswers).toEqual({ added: 2, revoked: 1 });
  });

  it('has every day of the window, empty days with no answer rate, and the questions of each day per channel', () => {
    expect(report.daily.map((day) => [day.date, day.questions, day.answered, day.answerRate])).toEqual([
      ['2030-03-05', 2, 2, 1],
      ['2030-03-06', 2, 0, 0],
      ['2030-03-07', 0, 0, null],
      ['2030-03-08', 2, 1, 0.5],
      ['2030-03-09', 0, 0, null],
      ['2030-03-10', 1, 0, 0],
    ]);
    expect(report.daily[1]!.byChannel).toEqual([
      { channel: 'discord:D-help', questions: 1 },
      { channel: 'slack:C-general', questions: 1 },
    ]);
    expect(report.daily.map((day) => [day.thumbsUp, day.thumbsDown, day.costUsd])).toEqual([
      [1, 0, 0.003],
      [0, 0, 0],
      [0, 0, 0],
      [0, 1, 0.0005],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(report.channels.map(({ channel, questions, answered, answerRate }) => [channel, questions, answered, answerRate])).toEqual([
      ['slack:C-general', 5, 3, 0.6],
      ['discord:D-help', 1, 0, 0],
      ['http', 1, 0, 0],
    ]);
  });

  it('groups the abstained and 👎 questions by similarity, largest gap first, with examples and what was searched', () => {
    expect(report.gaps.map((gap) => [gap.size, gap.abstained, gap.thumbsDown])).toEqual([
      [3, 3, 0],
      [1, 0, 1],
      [1, 1, 0],
    ]);
    const [vpn, leave] = report.gaps;
    expect(vpn!.examples.map((example) => example.question)).toEqual([
      'Rotating the VPN certificate on a Mac?',
      'how do I rotate the VPN certificate',
      'How do I rotate the VPN certificate?',
    ]);
    expect(vpn!.channels).toEqual(['discord:D-help', 'http', 'slack:C-general']);
    expect([vpn!.firstAskedAt, vpn!.lastAskedAt]).toEqual(['2030-03-06T08:00:00.000Z', '2030-03-08T09:00:00.000Z']);
    expect(vpn!.searched.map((document) => [document.title, document.times])).toEqual([
      ['VPN guide', 3],
      ['Onboarding', 1],
    ]);
    expect(leave!.examples).toEqual([
      {
        question: 'What is the parental leave policy?',
        askedAt: '2030-03-08T10:00:00.000Z',
        channel: 'slack:C-general',
        outcome: 'thumbs-down',
        // In the order they were given (one moment here, so by who gave them); not the one taken back.
        reasons: ['talks about the VPN', 'nothing on leave'],
      },
    ]);
  });

  it('ranks cited documents, lists the never cited and the stale ones, and does not count an abstention’s closest sources', async () => {
    const { documents } = report;
    expect(documents.indexed).toBe(4);
    // Two answers each; the VPN guide was cited last.
    expect(documents.mostCited.map((document) => [document.docId, document.citedBy, document.indexed])).toEqual([
      ['vpn-guide', 2, true],
      ['backups', 2, true],
    ]);
    expect(documents.staleCited).toMatchObject({ afterDays: 180, total: 1, documents: [{ docId: 'vpn-guide', updatedAt: '2029-01-01T00:00:00Z' }] });
    // Onboarding came back as a closest source of an abstention only.
    expect(documents.neverCited).toEqual({
      total: 2,
      documents: [
        { docId: 'legacy', title: 'Legacy wiki', source: 'files', url: 'https://docs.example/legacy', updatedAt: '2029-06-01T00:00:00Z' },
        { docId: 'onboarding', title: 'Onboarding', source: 'files', url: 'https://docs.example/onboarding', updatedAt: '2030-02-01T00:00:00Z' },
      ],
    });
    expect((await buildGapReport(db, { since: SINCE, now: NOW, queryLogDays: 30, staleAfterDays: 500 })).documents.staleCited.total).toBe(0);
  });

  it('redacts a secret a question carried, everywhere in the report', () => {
    expect(JSON.stringify(report)).not.toContain('xoxb-');
    expect(report.gaps[2]!.examples[0]!.question).toBe('My token [redacted] leaked, what now?');
  });

  it('starts by default where the query log’s retention starts, and refuses a window starting after now', async () => {
    const defaults = await buildGapReport(db, { now: NOW, queryLogDays: 30 });
    expect(defaults.window.since).toBe('2030-02-08T00:00:00.000Z');
    expect(defaults.totals.questions).toBe(8);
    await expect(buildGapReport(db, { since: new Date('2030-04-01T00:00:00Z'), now: NOW, queryLogDays: 30 })).rejects.toThrow(/after now/);
  });
});

describe('parseSince', () => {
  it('takes a date or a zoned time, and refuses anything else', () => {
    expect(parseSince('2030-03-05').toISOString()).toBe('2030-03-05T00:00:00.000Z');
    expect(parseSince('2030-03-05T10:00:00+02:00').toISOString()).toBe('2030-03-05T08:00:00.000Z');
    for (const bad of ['yesterday', '2030-03-05T10:00', '05/03/2030', '2030-13-45']) expect(() => parseSince(bad)).toThrow(/ISO date/);
  });
});

describe('groupSimilar', () => {
  const questions = [
    'How do I rotate the VPN certificate?',
    'What is the parental leave policy?',
    'rotating vpn certificates',
    'How many weeks of parental leave do we get?',
    'Where is the office?',
  ];

  it('puts paraphrases together and keeps unrelated questions apart, largest group first', () => {
    expect(groupSimilar(questions, (text) => text)).toEqual([
      ['How do I rotate the VPN certificate?', 'rotating vpn certificates'],
      ['What is the parental leave policy?', 'How many weeks of parental leave do we get?'],
      ['Where is the office?'],
    ]);
  });

  it('finds the same groups whatever order the questions come in', () => {
    const sets = (groups: string[][]) => groups.map((group) => [...group].sort().join(' | ')).sort();
    expect(sets(groupSimilar([...questions].reverse(), (text) => text))).toEqual(sets(groupSimilar(questions, (text) => text)));
  });
});
