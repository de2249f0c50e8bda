import { expect, it } from 'vitest';
import { ChatStore } from '../../../bot/conversation/chat-store.ts';
import { type NewVerifiedAnswer, VerifiedStore } from '../../../bot/conversation/verified-store.ts';
import { makeAnswer } from '../../helpers/answer.ts';
import { forEachDialect } from '../../helpers/sql-stores.ts';

// Verified answers on SQLite and PostgreSQL alike: a reply is saved once, whichever replica (connection) the
// shortcut or the ✅ reached; revoking keeps the row, and a revoked reply can be saved again.

const reply = (id: string, messageId = 'R1', fields: Partial<NewVerifiedAnswer> = {}): NewVerifiedAnswer => ({
  id,
  platform: 'slack',
  channelId: 'C1',
  scope: 'slack:C1',
  channelName: 'support',
  threadId: 'T1',
  messageId,
  answerId: 'a1',
  question: 'Who owns the release gate?',
  answer: 'The platform team.',
  answeredBy: 'U2',
  answeredByName: 'maria',
  answeredAt: '2025-01-01T09:00:00.000Z',
  savedBy: 'U1',
  ...fields,
});

forEachDialect('VerifiedStore', (stores) => {
  async function store(): Promise<{ verified: VerifiedStore; other: VerifiedStore; chat: ChatStore; tick: () => void }> {
    const created = await stores.create();
    let clock = Date.parse('2025-01-01T10:00:00Z');
    const now = () => new Date(clock);
    const db = await created.connect();
    return {
      verified: new VerifiedStore(db, now),
      other: new VerifiedStore(await created.connect(), now),
      chat: new ChatStore(db, now),
      tick: () => {
        clock += 60_000;
      },
    };
  }

  it('saves a reply once, also when two replicas save it together, and finds it by id and by message', async () => {
    const { verified, other } = await store();
    const saved = await Promise.all([verified.save(reply('v1')), other.save(reply('v2')), other.save(reply('v3'))]);
    expect(saved.filter(Boolean)).toHaveLength(1);
    const found = await other.findByMessage('slack', 'C1', 'R1');
    expect(found).toMatchObject({ platform: 'slack', answerId: 'a1', answeredByName: 'maria', savedAt: '2025-01-01T10:00:00.000Z' });
    expect(found?.workspaceId).toBeUndefined();
    expect(found?.revokedAt).toBeUndefined();
    expect(await verified.find(found!.id)).toEqual(found);
    expect(await verified.find('nope')).toBeUndefined();
    expect(await verified.findByMessage('discord', 'C1', 'R1')).toBeUndefined();
  });

  it('edits and revokes an answer in force only, keeps the revoked row, and saves a revoked reply again', async () => {
    const { verified, other, tick } = await store();
    expect(await verified.save(reply('v1'))).toBe(true);
    tick();
    expect(await other.edit('v1', 'The release team.', 'UADMIN')).toBe(true);
    expect(await verified.find('v1')).toMatchObject({ answer: 'The release team.', editedBy: 'UADMIN', editedAt: '2025-01-01T10:01:00.000Z' });
    expect(await other.revoke('v1', 'UADMIN')).toBe(true);
    expect(await verified.revoke('v1', 'UADMIN')).toBe(false);
    expect(await verified.edit('v1', 'Too late.', 'UADMIN')).toBe(false);
    expect(await verified.find('v1')).toMatchObject({ answer: 'The release team.', revokedAt: '2025-01-01T10:01:00.000Z' });
    expect(await verified.save(reply('v2'))).toBe(true);
    expect(await verified.find('v1')).toBeUndefined();
    expect(await verified.findByMessage('slack', 'C1', 'R1')).toMatchObject({ id: 'v2', answer: 'The platform team.' });
  });

  it('lists the answers in force, newest first, on one platform or all', async () => {
    const { verified, tick } = await store();
    await verified.save(reply('v1', 'R1'));
    tick();
    await verified.save(reply('v2', 'R2', { platform: 'discord', workspaceId: 'G1' }));
    tick();
    await verified.save(reply('v3', 'R3'));
    await verified.revoke('v3', 'UADMIN');
    expect((await verified.list()).map((entry) => entry.id)).toEqual(['v2', 'v1']);
    expect((await verified.list('slack')).map((entry) => entry.id)).toEqual(['v1']);
    expect(await verified.list('discord')).toEqual([expect.objectContaining({ id: 'v2', workspaceId: 'G1' })]);
    expect((await verified.list(undefined, 1)).map((entry) => entry.id)).toEqual(['v2']);
  });

  it("finds Lore's latest answer in a thread, or the one a reply replies to, never its answer to the reply itself", async () => {
    const { verified, chat, tick } = await store();
    const post = async (id: string, threadId: string, messageId: string) => {
      await chat.saveAnswer({
        answer: makeAnswer({ id, question: `question ${id}` }),
        platform: 'discord',
        channelId: 'C1',
        threadId,
        messageId,
        userId: 'U1',
      });
      tick();
    };
    await post('a1', 'T1', 'M1');
    await post('a2', 'T1', 'M2');
    await post('a3', 'Q3', 'M3');
    // A reply whose Discord thread is the reply itself: Lore's answer to it (threaded on the reply) is left out.
    await post('a4', 'R9', 'M4');
    expect(await verified.answerInThread('discord', 'C1', 'T1')).toEqual({ id: 'a2', question: 'question a2', userId: 'U1', threadId: 'T1' });
    expect(await verified.answerInThread('discord', 'C1', 'R9', 'M3', 'R9')).toMatchObject({ id: 'a3', threadId: 'Q3' });
    expect(await verified.answerInThread('discord', 'C1', 'R9', undefined, 'R9')).toBeUndefined();
    expect(await verified.answerInThread('slack', 'C1', 'T1')).toBeUndefined();
  });
});
