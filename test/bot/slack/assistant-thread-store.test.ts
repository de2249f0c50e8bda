import { expect, it } from 'vitest';
import { ASSISTANT_CONTEXT_MS, AssistantThreadStore, type AssistantThreadRef } from '../../../bot/slack/assistant-thread-store.ts';
import { forEachDialect } from '../../helpers/sql-stores.ts';

// The assistant panel's threads on SQLite and PostgreSQL alike: a context saved through one replica (connection)
// scopes the questions another receives, and the thread is titled by one of them.

const JAN_1 = () => new Date('2025-01-01T00:00:00Z');
const THREAD: AssistantThreadRef = { channelId: 'DPANEL', threadTs: '1800000000.000001' };
const VIEWING = { channel_id: 'CVIEWED', team_id: 'T1', enterprise_id: null };

forEachDialect('AssistantThreadStore', (stores) => {
  async function store(now: () => Date): Promise<{ threads: AssistantThreadStore; other: AssistantThreadStore }> {
    const created = await stores.create();
    return { threads: new AssistantThreadStore(await created.connect(), now), other: new AssistantThreadStore(await created.connect(), now) };
  }

  it("keeps each thread's latest context on every connection for a day without activity", async () => {
    let now = JAN_1();
    const { threads, other } = await store(() => now);
    expect(await other.find(THREAD)).toBeUndefined();
    await threads.save(THREAD, VIEWING);
    expect(await other.find(THREAD)).toEqual(VIEWING);
    expect(await other.find({ ...THREAD, threadTs: '1800000000.000002' })).toBeUndefined();

    now = new Date(JAN_1().getTime() + ASSISTANT_CONTEXT_MS - 1);
    await other.save(THREAD, { channel_id: 'DPANEL', team_id: 'T1' });
    now = new Date(JAN_1().getTime() + 2 * ASSISTANT_CONTEXT_MS - 1);
    expect(await threads.find(THREAD)).toEqual({ channel_id: 'DPANEL', team_id: 'T1' });
    now = new Date(JAN_1().getTime() + 2 * ASSISTANT_CONTEXT_MS);
    expect(await threads.find(THREAD)).toBeUndefined();
  });

  it('lets one caller title a known thread, also when two replicas claim it together, and keeps it titled when its context changes', async () => {
    const { threads, other } = await store(JAN_1);
    expect(await threads.claimTitle(THREAD)).toBe(false);
    await threads.save(THREAD, VIEWING);
    const together = await Promise.all([threads, other, threads, other].map((replica) => replica.claimTitle(THREAD)));
    expect(together.filter(Boolean)).toHaveLength(1);
    await other.save(THREAD, { channel_id: 'CELSEWHERE' });
    expect(await threads.claimTitle(THREAD)).toBe(false);
  });

  it('forgets threads a day idle as it saves others', async () => {
    let now = JAN_1();
    const created = await stores.create();
    const db = await created.connect();
    const threads = new AssistantThreadStore(db, () => now);
    await threads.save(THREAD, VIEWING);
    now = new Date(JAN_1().getTime() + ASSISTANT_CONTEXT_MS + 1);
    await threads.save({ ...THREAD, threadTs: '1800000000.000002' }, VIEWING);
    expect(await db.query('SELECT thread_ts FROM assistant_threads')).toEqual([{ thread_ts: '1800000000.000002' }]);
  });
});
