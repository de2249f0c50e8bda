import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../app/database.ts';
import { ChatStore } from '../../../bot/conversation/chat-store.ts';
import type { Answer } from '../../../rag/types.ts';
import { makeAnswer } from '../../helpers/answer.ts';

function store(now: () => Date = () => new Date('2025-01-01T00:00:00Z')): { chat: ChatStore; db: Database.Database } {
  const db = new Database(':memory:');
  migrate(db);
  return { chat: new ChatStore(db, now), db };
}

const answer = (id: string): Answer =>
  makeAnswer({
    id,
    answer: 'At most 30 days [1].',
    citations: [{ n: 1, title: 'Policy', url: 'https://x.test/p', source: 'notion', docId: 'notion:p', chunkId: 'c1' }],
    contexts: [],
    confidence: 0.8,
    latencyMs: 120,
    timings: { rewrite: 0, retrieve: 0, rerank: 0, generate: 0 },
  });

describe('ChatStore', () => {
  it('claims each platform event id once', () => {
    const { chat } = store();
    expect(chat.claimEvent('slack', 'Ev1')).toBe(true);
    expect(chat.claimEvent('slack', 'Ev1')).toBe(false);
    expect(chat.claimEvent('discord', 'Ev1')).toBe(true);
  });

  it('finds a posted answer by its message, and whether a thread has one', () => {
    const { chat } = store();
    chat.saveAnswer({ answer: answer('a1'), platform: 'slack', channelId: 'C1', threadId: 'T1', messageId: 'M1', userId: 'U1' });
    expect(chat.findAnswerByMessage('slack', 'C1', 'M1')).toMatchObject({ id: 'a1', threadId: 'T1', citations: [{ chunkId: 'c1' }] });
    expect(chat.findAnswerByMessage('discord', 'C1', 'M1')).toBeUndefined();
    expect(chat.findAnswer('a1')?.question).toBe('How long are backups kept?');
    expect(chat.hasAnsweredInThread('slack', 'C1', 'T1')).toBe(true);
    expect(chat.hasAnsweredInThread('slack', 'C1', 'T2')).toBe(false);
  });

  it('replaces the answer posted in a message, keeping its id and withdrawing the ratings of the earlier words', () => {
    const { chat } = store();
    const posted = { platform: 'slack', channelId: 'C1', threadId: 'T1', messageId: 'M1', userId: 'U1' };
    chat.saveAnswer({ ...posted, answer: answer('a1') });
    chat.recordFeedback({ answerId: 'a1', platform: 'slack', userId: 'U2', rating: 'down', emoji: '-1', channelId: 'C1' });
    const edited = { ...answer('a2'), question: 'How long is the query log kept?', answer: '90 days [1].' };
    expect(chat.replaceAnswer({ ...posted, answer: edited })).toBe('a1');
    expect(chat.findAnswerByMessage('slack', 'C1', 'M1')).toMatchObject({ id: 'a1', question: 'How long is the query log kept?' });
    expect(chat.feedbackCounts()).toEqual([]);
    expect(chat.replaceAnswer({ ...posted, messageId: 'M2', answer: edited })).toBeUndefined();
  });

  it('records, re-activates and retracts ratings, keeps the reason of a 👎, and counts active ratings', () => {
    const { chat, db } = store();
    chat.saveAnswer({ answer: answer('a1'), platform: 'slack', channelId: 'C1', threadId: 'T1', messageId: 'M1', userId: 'U1' });
    const rate = (user: string, rating: 'up' | 'down', emoji: string) =>
      chat.recordFeedback({ answerId: 'a1', platform: 'slack', userId: user, rating, emoji, channelId: 'C1' });
    rate('U2', 'up', '+1');
    rate('U2', 'up', 'thumbsup');
    rate('U3', 'down', '-1');
    expect(chat.setFeedbackReason('a1', 'U2', 'not a down vote')).toBe(false);
    expect(chat.setFeedbackReason('a1', 'U3', 'wrong section')).toBe(true);
    expect(chat.feedbackCounts()).toEqual([
      { platform: 'slack', rating: 'down', count: 1 },
      { platform: 'slack', rating: 'up', count: 1 },
    ]);
    expect(chat.retractFeedback('a1', 'U2', 'up')).toBe(true);
    expect(chat.retractFeedback('a1', 'U2', 'up')).toBe(false);
    expect(chat.feedbackCounts()).toEqual([{ platform: 'slack', rating: 'down', count: 1 }]);
    rate('U2', 'up', '+1');
    const rows = db.prepare('SELECT user_id, rating, emoji, reason, retracted_at FROM feedback ORDER BY user_id').all();
    expect(rows).toEqual([
      { user_id: 'U2', rating: 'up', emoji: '+1', reason: null, retracted_at: null },
      { user_id: 'U3', rating: 'down', emoji: '-1', reason: 'wrong section', retracted_at: null },
    ]);
  });
});
