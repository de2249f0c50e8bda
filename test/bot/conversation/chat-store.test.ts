import { expect, it } from 'vitest';
import type { IncomingMessage } from '../../../bot/conversation/chat-platform.ts';
import { ChatStore, HELP_OFFER_MS, type QuestionRef } from '../../../bot/conversation/chat-store.ts';
import { isSameEmoji, offerHelpEmoji } from '../../../bot/conversation/offer-help-emoji.ts';
import type { SqlDatabase } from '../../../rag/contracts/sql-database.ts';
import type { Answer } from '../../../rag/types.ts';
import { makeAnswer } from '../../helpers/answer.ts';
import { forEachDialect, type TestStores } from '../../helpers/sql-stores.ts';

// The chat tables on SQLite and PostgreSQL alike: on a shared store, two replicas (two connections) decide together
// which of them handles an event, and a reaction on either finds the answer the other posted.

const JAN_1 = () => new Date('2025-01-01T00:00:00Z');

async function store(stores: TestStores, now: () => Date = JAN_1): Promise<{ chat: ChatStore; db: SqlDatabase; other: ChatStore }> {
  const created = await stores.create();
  const db = await created.connect();
  return { chat: new ChatStore(db, now), db, other: new ChatStore(await created.connect(), now) };
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

forEachDialect('ChatStore', (stores) => {
  it('claims each platform event id once, whichever connection sees it, also when they claim it together', async () => {
    const { chat, other } = await store(stores);
    expect(await chat.claimEvent('slack', 'Ev1')).toBe(true);
    expect(await chat.claimEvent('slack', 'Ev1')).toBe(false);
    expect(await other.claimEvent('slack', 'Ev1')).toBe(false);
    expect(await other.claimEvent('discord', 'Ev1')).toBe(true);
    const together = await Promise.all([chat, other, chat, other].map((replica) => replica.claimEvent('slack', 'Ev2')));
    expect(together.filter(Boolean)).toHaveLength(1);
  });

  it('forgets handled event ids after a week, pruning as it claims', async () => {
    let now = JAN_1();
    const { chat, db } = await store(stores, () => now);
    expect(await chat.claimEvent('slack', 'old')).toBe(true);
    now = new Date('2025-01-09T00:00:00Z');
    for (let n = 0; n < 499; n++) await chat.claimEvent('slack', `new-${n}`);
    const [row] = await db.query<{ count: number }>("SELECT count(*) AS count FROM chat_events WHERE event_id = 'old'");
    expect(row?.count).toBe(0);
  });

  it('finds a posted answer by its message, and whether a thread has one, on every connection', async () => {
    const { chat, other } = await store(stores);
    const latent = { ...answer('a1'), latencyMs: 120.6 };
    await chat.saveAnswer({ answer: latent, platform: 'slack', channelId: 'C1', threadId: 'T1', messageId: 'M1', userId: 'U1' });
    expect(await other.findAnswerByMessage('slack', 'C1', 'M1')).toMatchObject({ id: 'a1', threadId: 'T1', citations: [{ chunkId: 'c1' }] });
    expect(await chat.findAnswerByMessage('discord', 'C1', 'M1')).toBeUndefined();
    expect((await chat.findAnswer('a1'))?.question).toBe('How long are backups kept?');
    expect(await chat.findAnswer('a2')).toBeUndefined();
    expect(await other.hasAnsweredInThread('slack', 'C1', 'T1')).toBe(true);
    expect(await chat.hasAnsweredInThread('slack', 'C1', 'T2')).toBe(false);
  });

  it('replaces the answer posted in a message, keeping its id and withdrawing the ratings of the earlier words', async () => {
    const { chat } = await store(stores);
    const posted = { platform: 'slack', channelId: 'C1', threadId: 'T1', messageId: 'M1', userId: 'U1' };
    await chat.saveAnswer({ ...posted, answer: answer('a1') });
    await chat.recordFeedback({ answerId: 'a1', platform: 'slack', userId: 'U2', rating: 'down', emoji: '-1', channelId: 'C1' });
    const edited = { ...answer('a2'), question: 'How long is the query log kept?', answer: '90 days [1].' };
    expect(await chat.replaceAnswer({ ...posted, answer: edited })).toBe('a1');
    expect(await chat.findAnswerByMessage('slack', 'C1', 'M1')).toMatchObject({ id: 'a1', question: 'How long is the query log kept?' });
    expect(await chat.feedbackCounts()).toEqual([]);
    expect(await chat.replaceAnswer({ ...posted, messageId: 'M2', answer: edited })).toBeUndefined();
  });

  it('records, re-activates and retracts ratings, keeps the reason of a 👎, and counts active ratings', async () => {
    const { chat, db } = await store(stores);
    await chat.saveAnswer({ answer: answer('a1'), platform: 'slack', channelId: 'C1', threadId: 'T1', messageId: 'M1', userId: 'U1' });
    const rate = (user: string, rating: 'up' | 'down', emoji: string) =>
      chat.recordFeedback({ answerId: 'a1', platform: 'slack', userId: user, rating, emoji, channelId: 'C1' });
    await rate('U2', 'up', '+1');
    await rate('U2', 'up', 'thumbsup');
    await rate('U3', 'down', '-1');
    expect(await chat.setFeedbackReason('a1', 'U2', 'not a down vote')).toBe(false);
    expect(await chat.setFeedbackReason('a1', 'U3', 'wrong section')).toBe(true);
    expect(await chat.feedbackCounts()).toEqual([
      { platform: 'slack', rating: 'down', count: 1 },
      { platform: 'slack', rating: 'up', count: 1 },
    ]);
    expect(await chat.retractFeedback('a1', 'U2', 'up')).toBe(true);
    expect(await chat.retractFeedback('a1', 'U2', 'up')).toBe(false);
    expect(await chat.feedbackCounts()).toEqual([{ platform: 'slack', rating: 'down', count: 1 }]);
    await rate('U2', 'up', '+1');
    const rows = await db.query('SELECT user_id, rating, emoji, reason, retracted_at FROM feedback ORDER BY user_id');
    expect(rows).toEqual([
      { user_id: 'U2', rating: 'up', emoji: '+1', reason: null, retracted_at: null },
      { user_id: 'U3', rating: 'down', emoji: '-1', reason: 'wrong section', retracted_at: null },
    ]);
  });

  it('suggests the questions most people asked and got a confident, cited, unrated-down answer to, in sources the scope sees', async () => {
    const { chat, db } = await store(stores);
    let n = 0;
    const logged = async (question: string, user: string, options: { source?: string; confidence?: number; mode?: string } = {}) => {
      const id = `q${++n}`;
      const citations = JSON.stringify([{ source: options.source ?? 'notion' }]);
      await db.run(
        `INSERT INTO query_log (answer_id, created_at, platform, user_id, question, answer, mode, cached, abstained, confidence, latency_ms,
                                cost_usd, input_tokens, output_tokens, citations, timings)
         VALUES (?, ?, 'slack', ?, ?, 'An answer.', ?, 0, 0, ?, 10, 0, 0, 0, ?, '{}')`,
        [id, `2025-01-01T00:00:${String(n).padStart(2, '0')}Z`, user, question, options.mode ?? 'generative', options.confidence ?? 0.9, citations],
      );
      return id;
    };
    await logged('How long are backups kept?', 'U1');
    await logged('how long are backups  kept?', 'U2');
    await logged('Where is the VPN guide?', 'U1');
    await logged('Where is the VPN guide?', 'U1');
    await logged('Who runs payroll?', 'U1', { source: 'github' });
    await logged('Who runs payroll?', 'U2', { source: 'github' });
    await logged('Is it unsure?', 'U1', { confidence: 0.2 });
    await logged('Is it unsure?', 'U2', { confidence: 0.2 });
    const disliked = await logged('Disliked?', 'U1');
    await logged('Disliked?', 'U2');
    await chat.saveAnswer({ answer: answer(disliked), platform: 'slack', channelId: 'C1', threadId: 'T1', messageId: 'M1', userId: 'U1' });
    await chat.recordFeedback({ answerId: disliked, platform: 'slack', userId: 'U3', rating: 'down', emoji: '-1', channelId: 'C1' });
    // A question one person asked is never shown to others; a 👎 takes its answer out.
    expect(await chat.popularQuestions({ sources: ['notion'], limit: 5 })).toEqual(['how long are backups  kept?']);
    // Most askers first, then the most recently asked.
    expect(await chat.popularQuestions({ sources: ['notion', 'github'], limit: 3, minAskers: 1 })).toEqual([
      'Who runs payroll?',
      'how long are backups  kept?',
      'Disliked?',
    ]);
  });

  it('keeps an offer of help for its asker on every connection, and hands it over once, to the asker reacting with its emoji', async () => {
    let now = JAN_1();
    const { chat, other } = await store(stores, () => now);
    const hand = offerHelpEmoji('raising_hand')!;
    const question: IncomingMessage = {
      eventId: 'Ev1',
      channelId: 'CSUP',
      isDirect: false,
      messageId: 'M1',
      threadId: 'M1',
      inThread: false,
      userId: 'UASKER',
      fromBot: false,
      mentionsBot: false,
      text: 'How do I reset my VPN token?',
      files: [{ id: 'F1', name: 'error.png' }],
    };
    await chat.offerHelp('slack', { message: question, emoji: hand });
    const take = (replica: ChatStore, user: string, emoji: string) =>
      replica.takeHelpOffer('slack', 'CSUP', 'M1', user, (offered) => isSameEmoji(emoji, offered));

    // Someone else's reaction, or another emoji, is only a reaction: the offer stays.
    expect(await take(other, 'USOMEONE', 'raising_hand')).toBeUndefined();
    expect(await take(other, 'UASKER', 'eyes')).toBeUndefined();
    expect(await other.takeHelpOffer('discord', 'CSUP', 'M1', 'UASKER', () => true)).toBeUndefined();
    // The asker's reaction, on whichever connection (replica), takes it up once.
    expect(await take(other, 'UASKER', 'raising_hand')).toEqual({ message: question, emoji: hand });
    expect(await take(chat, 'UASKER', 'raising_hand')).toBeUndefined();

    await chat.offerHelp('slack', { message: question, emoji: hand });
    const together = await Promise.all([chat, other, chat, other].map((replica) => take(replica, 'UASKER', '🙋')));
    expect(together.filter(Boolean)).toHaveLength(1);

    // An offer runs out after a day.
    await chat.offerHelp('slack', { message: question, emoji: hand });
    now = new Date(JAN_1().getTime() + HELP_OFFER_MS + 1);
    expect(await take(other, 'UASKER', 'raising_hand')).toBeUndefined();
  });

  it('keeps an answered question for the edit window on every connection, the latest answer replacing it, and prunes older ones as it remembers', async () => {
    let now = JAN_1();
    const { chat, db, other } = await store(stores, () => now);
    const window = 10 * 60_000;
    const asked: QuestionRef = { platform: 'slack', channelId: 'C1', messageId: 'M1' };
    await chat.rememberAnswered(asked, { userId: 'U1', text: 'How long are backups kept?', answerMessageId: 'A1' }, window);
    expect(await other.answeredQuestion(asked, window)).toEqual({ userId: 'U1', text: 'How long are backups kept?', answerMessageId: 'A1' });
    expect(await other.answeredQuestion({ ...asked, platform: 'discord' }, window)).toBeUndefined();
    expect(await other.answeredQuestion({ ...asked, messageId: 'M2' }, window)).toBeUndefined();

    // Answered again after an edit: the edited words, the same answer message, a new window.
    now = new Date(JAN_1().getTime() + window - 1);
    await other.rememberAnswered(asked, { userId: 'U1', text: 'How long are logs kept?', answerMessageId: 'A1' }, window);
    now = new Date(JAN_1().getTime() + 2 * window - 1);
    expect(await chat.answeredQuestion(asked, window)).toMatchObject({ text: 'How long are logs kept?' });

    // Past the window it no longer counts, and the next question remembered removes its row.
    now = new Date(JAN_1().getTime() + 2 * window);
    expect(await chat.answeredQuestion(asked, window)).toBeUndefined();
    await chat.rememberAnswered({ ...asked, messageId: 'M2' }, { userId: 'U2', text: 'Who owns billing?', answerMessageId: 'A2' }, window);
    const rows = await db.query<{ message_id: string }>('SELECT message_id FROM answered_questions');
    expect(rows).toEqual([{ message_id: 'M2' }]);
  });
});
