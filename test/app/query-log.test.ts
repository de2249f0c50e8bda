import { expect, it } from 'vitest';
import { QueryLog } from '../../app/query-log.ts';
import { ChatStore } from '../../bot/conversation/chat-store.ts';
import { makeAnswer } from '../helpers/answer.ts';
import { forEachDialect } from '../helpers/sql-stores.ts';

// The query log on SQLite and PostgreSQL alike: every answer logged with its feedback, flags read back as booleans,
// an answer logged again replacing its row, and rows past the retention pruned.

const answer = (id: string, fields: Parameters<typeof makeAnswer>[0] = {}) =>
  makeAnswer({
    id,
    question: `question ${id}`,
    answer: 'Kept for 30 days [1].',
    citations: [{ n: 1, title: 'Policy', url: 'file:///policy.md', source: 'files', docId: 'files:policy.md', chunkId: 'c1' }],
    confidence: 0.8,
    costUsd: 0.001,
    usage: { inputTokens: 10, outputTokens: 2 },
    model: 'extractive',
    ...fields,
  });

forEachDialect('QueryLog', (stores) => {
  async function logAt(start: string) {
    const db = await (await stores.create()).connect();
    const clock = { now: new Date(start) };
    return { log: new QueryLog(db, 30, () => clock.now), chat: new ChatStore(db, () => clock.now), clock };
  }

  it('records answers with their active feedback and grader scores, newest first, and prunes rows past the retention', async () => {
    const { log, chat, clock } = await logAt('2030-01-01T00:00:00Z');
    await log.record({ answer: answer('old'), platform: 'slack' });
    clock.now = new Date('2030-02-15T00:00:00Z');
    await log.record({ answer: answer('new', { latencyMs: 12.6 }), platform: 'http', userId: 'k1' });
    await log.setScores('new', { faithfulness: 0.5, citationPrecision: 1 });
    await chat.saveAnswer({ answer: answer('new'), platform: 'http', channelId: 'http', threadId: 'new', messageId: 'new', userId: 'k1' });
    await chat.recordFeedback({ answerId: 'new', platform: 'http', userId: 'k1', rating: 'up', emoji: '👍', channelId: 'http' });
    await chat.recordFeedback({ answerId: 'new', platform: 'http', userId: 'k2', rating: 'down', emoji: '👎', channelId: 'http' });
    await chat.retractFeedback('new', 'k2', 'down');

    const [latest, oldest] = await log.recent();
    expect(latest).toMatchObject({
      answerId: 'new',
      platform: 'http',
      faithfulness: 0.5,
      citationPrecision: 1,
      feedback: { up: 1, down: 0 },
      model: 'extractive',
      latencyMs: 13,
      confidence: 0.8,
      costUsd: 0.001,
    });
    expect(latest!.citations[0]!.title).toBe('Policy');
    expect(oldest!.answerId).toBe('old');
    expect(oldest!.faithfulness).toBeUndefined();
    expect(await log.prune()).toBe(1);
    expect((await log.recent()).map((query) => query.answerId)).toEqual(['new']);
  });

  it('reads the cached and abstained flags back as booleans', async () => {
    const { log } = await logAt('2030-01-01T00:00:00Z');
    await log.record({ answer: answer('plain'), platform: 'slack' });
    await log.record({ answer: answer('flags', { cached: true, abstained: true, mode: 'abstained', model: undefined }), platform: 'slack' });
    const byId = new Map((await log.recent()).map((query) => [query.answerId, query]));
    expect(byId.get('plain')).toMatchObject({ cached: false, abstained: false });
    expect(byId.get('flags')).toMatchObject({ cached: true, abstained: true, mode: 'abstained' });
    expect(byId.get('flags')!.model).toBeUndefined();
  });

  it('replaces the row of an answer logged again, and orders answers of one millisecond by when they were logged', async () => {
    const { log, clock } = await logAt('2030-01-01T00:00:00Z');
    await log.record({ answer: answer('a'), platform: 'slack' });
    await log.record({ answer: answer('b'), platform: 'slack' });
    await log.setScores('a', { faithfulness: 0.9 });
    expect((await log.recent()).map((query) => query.answerId)).toEqual(['b', 'a']);
    clock.now = new Date('2030-01-01T00:00:01Z');
    await log.record({ answer: answer('a', { question: 'asked again' }), platform: 'discord', channelId: 'D1' });
    const rows = await log.recent();
    expect(rows.map((query) => [query.answerId, query.platform, query.question])).toEqual([
      ['a', 'discord', 'asked again'],
      ['b', 'slack', 'question b'],
    ]);
    expect(rows[0]!.faithfulness).toBeUndefined();
    expect(rows[0]!.createdAt).toBe('2030-01-01T00:00:01.000Z');
    expect((await log.recent(1)).map((query) => query.answerId)).toEqual(['a']);
  });
});
