import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../app/database.ts';
import { QueryLog } from '../../app/query-log.ts';
import { SqliteSpendLedger } from '../../app/spend-ledger.ts';
import { makeAnswer } from '../helpers/answer.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const tmp = tempDir('lore-querylog-');
let db: Db | undefined;
afterEach(() => db?.close());

const answer = (id: string) =>
  makeAnswer({
    id,
    question: `question ${id}`,
    answer: 'Kept for 30 days [1].',
    citations: [{ n: 1, title: 'Policy', url: 'file:///policy.md', source: 'files', docId: 'files:policy.md', chunkId: 'c1' }],
    confidence: 0.8,
    costUsd: 0.001,
    usage: { inputTokens: 10, outputTokens: 2 },
    model: 'extractive',
  });

describe('QueryLog', () => {
  it('records answers with their feedback and prunes rows past the retention', () => {
    db = openDatabase(`${tmp.dir}/a`);
    let now = new Date('2030-01-01T00:00:00Z');
    const log = new QueryLog(db, 30, () => now);
    log.record({ answer: answer('old'), platform: 'slack' });
    now = new Date('2030-02-15T00:00:00Z');
    log.record({ answer: answer('new'), platform: 'http', userId: 'k1' });
    log.setScores('new', { faithfulness: 0.5, citationPrecision: 1 });
    db.prepare(
      `INSERT INTO answers (id, platform, channel_id, thread_id, message_id, user_id, question, answer, mode, citations, confidence, latency_ms, cost_usd, created_at)
       VALUES ('new', 'http', 'http', 'new', 'new', 'k1', 'q', 'a', 'extractive', '[]', 1, 1, 0, '2030-02-15')`,
    ).run();
    db.prepare(
      "INSERT INTO feedback (answer_id, platform, user_id, rating, emoji, created_at) VALUES ('new', 'http', 'k1', 'up', '👍', '2030-02-15')",
    ).run();
    const [latest, oldest] = log.recent();
    expect(latest).toMatchObject({
      answerId: 'new',
      platform: 'http',
      faithfulness: 0.5,
      citationPrecision: 1,
      feedback: { up: 1, down: 0 },
      model: 'extractive',
    });
    expect(latest!.citations[0]!.title).toBe('Policy');
    expect(oldest!.answerId).toBe('old');
    expect(log.prune()).toBe(1);
    expect(log.recent().map((q) => q.answerId)).toEqual(['new']);
  });
});

describe('SqliteSpendLedger', () => {
  it('adds up a day’s spend and keeps days apart, across reopening', async () => {
    db = openDatabase(`${tmp.dir}/b`);
    const ledger = new SqliteSpendLedger(db);
    await ledger.add('2030-01-01', 0.25);
    await ledger.add('2030-01-01', 0.5);
    await ledger.add('2030-01-02', 0.1);
    await ledger.add('2030-01-02', 0);
    db.close();
    db = openDatabase(`${tmp.dir}/b`);
    const reopened = new SqliteSpendLedger(db);
    expect(await reopened.total('2030-01-01')).toBeCloseTo(0.75);
    expect(await reopened.total('2030-01-02')).toBeCloseTo(0.1);
    expect(await reopened.total('2030-01-03')).toBe(0);
  });
});
