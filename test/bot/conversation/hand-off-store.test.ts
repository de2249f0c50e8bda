import { expect, it } from 'vitest';
import { ChatStore } from '../../../bot/conversation/chat-store.ts';
import { HANDOFF_OFFER_MS, HandOffStore, type NewHandOff } from '../../../bot/conversation/hand-off-store.ts';
import { makeAnswer } from '../../helpers/answer.ts';
import { forEachDialect } from '../../helpers/sql-stores.ts';

// Hand-offs on SQLite and PostgreSQL alike: one per answer, whichever replica (connection) the clicks reached.

const now = () => new Date('2025-01-01T00:00:00Z');

const handOff = (id: string, answerId = 'a1'): NewHandOff => ({
  id,
  answerId,
  platform: 'slack',
  channelId: 'C1',
  threadId: 'T1',
  requestedBy: 'U1',
  reason: 'abstained',
  responders: { group: 'SHELP', users: ['U9'] },
});

forEachDialect('HandOffStore', (stores) => {
  async function store(clock = now): Promise<{ handOffs: HandOffStore; other: HandOffStore }> {
    const created = await stores.create();
    const db = await created.connect();
    await new ChatStore(db, clock).saveAnswer({
      answer: makeAnswer({ id: 'a1', mode: 'abstained' }),
      platform: 'slack',
      channelId: 'C1',
      threadId: 'T1',
      messageId: 'M1',
      userId: 'U1',
    });
    return { handOffs: new HandOffStore(db, clock), other: new HandOffStore(await created.connect(), clock) };
  }

  it('records one hand-off per answer, also when two replicas record it together', async () => {
    const { handOffs, other } = await store();
    const recorded = await Promise.all([handOffs.record(handOff('h1')), other.record(handOff('h2')), other.record(handOff('h3'))]);
    expect(recorded.filter(Boolean)).toHaveLength(1);
    const stored = await other.findByAnswer('a1');
    expect(stored).toMatchObject({ answerId: 'a1', reason: 'abstained', responders: { group: 'SHELP', users: ['U9'] } });
    expect(stored?.createdAt).toBe('2025-01-01T00:00:00.000Z');
    expect(stored?.messageId).toBeUndefined();
    expect(await handOffs.find(stored!.id)).toEqual(stored);
    expect(await handOffs.find('nope')).toBeUndefined();
    expect(await handOffs.findByAnswer('a2')).toBeUndefined();
  });

  it('keeps the message that mentioned the responders, and forgets a hand-off only while it has none', async () => {
    const { handOffs } = await store();
    await handOffs.record(handOff('h1'));
    await handOffs.forget('h1');
    expect(await handOffs.find('h1')).toBeUndefined();
    expect(await handOffs.record(handOff('h2'))).toBe(true);
    await handOffs.setMessage('h2', 'M2');
    await handOffs.forget('h2');
    expect(await handOffs.find('h2')).toMatchObject({ messageId: 'M2' });
  });

  it('is resolved once, by whoever marks it first', async () => {
    const { handOffs, other } = await store();
    await handOffs.record(handOff('h1'));
    expect(await other.resolve('h1', 'U7')).toBe(true);
    expect(await handOffs.resolve('h1', 'U8')).toBe(false);
    expect(await handOffs.find('h1')).toMatchObject({ resolvedBy: 'U7', resolvedAt: '2025-01-01T00:00:00.000Z' });
    expect(await handOffs.resolve('nope', 'U7')).toBe(false);
  });

  it("reads the mode an answer was posted with from the chat's answers", async () => {
    const { handOffs } = await store();
    expect(await handOffs.answerMode('a1')).toBe('abstained');
    expect(await handOffs.answerMode('a2')).toBeUndefined();
  });

  it('claims the offer of "Ask a person" after a 👎 once per answer a day, also when two replicas claim it together', async () => {
    let at = now();
    const { handOffs, other } = await store(() => at);
    const together = await Promise.all([handOffs, other, handOffs, other].map((replica) => replica.claimOffer('a1')));
    expect(together.filter(Boolean)).toHaveLength(1);
    expect(await other.claimOffer('a1')).toBe(false);
    expect(await other.claimOffer('a2')).toBe(true);

    // A day later the answer may be offered it again, once.
    at = new Date(now().getTime() + HANDOFF_OFFER_MS + 1);
    const again = await Promise.all([handOffs, other, handOffs, other].map((replica) => replica.claimOffer('a1')));
    expect(again.filter(Boolean)).toHaveLength(1);
    expect(await handOffs.claimOffer('a1')).toBe(false);
  });
});
