import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { startChromaServer, type ChromaServer } from '../../app/chroma-server.ts';
import { keyIdOf } from '../../app/http/api-keys.ts';
import { createLogger } from '../../app/logger.ts';
import type { Answer } from '../../rag/types.ts';
import { answerWith, startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.ts';
import { BOT_USER_ID, deliverToLore, eventEnvelope, slashCommandForm, startFakeSlack, type FakeSlack } from '../fakes/fake-slack.ts';
import { postgresServer, usePostgres } from '../helpers/postgres-server.ts';
import { redisServer, startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { type LoreServer, startLore } from '../helpers/run-lore.ts';
import { allPrograms } from '../helpers/system-program.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { until } from '../helpers/until.ts';

// Two `lore start` replicas on one PostgreSQL (DATABASE_URL), one Redis (REDIS_URL) and one Chroma server
// (CHROMA_URL), each with its own data directory, syncing one folder of files, as a deployment behind a load balancer
// runs them: what one learns, by an upload or by a sync started in chat, the other answers from (and a sync started on
// one is refused on the other while it runs), a Slack event and its retry reaching different replicas are answered
// once, a rating given on one replica lands on the answer the other gave, and an offer of help one made in a support
// channel is taken up on the other. Every assertion rests on the store being shared: with a data directory's SQLite
// each, B would find no chunks for the vectors in Chroma, would not see A's sync lock, would answer the retry again,
// would know no such answer, and would know of no offer. Redis carries the rate limits, the answer cache (keyed by
// the shared index's version, so that an answer cached before a sync is not served after it) and the spend.

const API_KEY = 'replicas-key';
const SECRET = 'replicas-signing-secret';
const TOKEN = 'xoxb-replicas-token';
const FACT = 'The Zephyr staging cluster is rebuilt every Thursday at 04:00 UTC by the platform team.';
const QUESTION = 'When is the Zephyr staging cluster rebuilt?';
/** The model's answer to QUESTION, from FACT. */
const ZEPHYR_ANSWER = answerWith(['The Zephyr staging cluster ', 'is rebuilt every Thursday [1].']);
/** A support channel (`mode: auto`) where Lore offers help, with 🙋, on a question it cannot answer. */
const SUPPORT = 'CSUPPORT';
const UNANSWERABLE = 'How do I book a parking space at the Lisbon office for a visiting contractor?';
/** What a file added to the synced folder says, and what is asked of it. */
const SYNCED_FACT = 'The Orion release freeze starts on the second Monday of each quarter and lasts five working days.';
const SYNCED_QUESTION = 'When does the Orion release freeze start?';
/** The Lore admin (LORE_ADMINS) who may start a sync. */
const ADMIN = 'UADMIN';
const needed = allPrograms(postgresServer, redisServer);
const tmp = tempDir('lore-replicas-pg-');
const postgres = usePostgres();
let databaseUrl: string;
let redis: TestRedis;
let chroma: ChromaServer;
let gemini: FakeGemini;
let slack: FakeSlack;
let a: Replica | undefined;
let b: Replica | undefined;
/** The folder both replicas sync (LORE_FILES_PATHS): the sample knowledge base, and what a test adds. */
const kb = path.join(tmp.dir, 'kb');

interface Replica extends LoreServer {
  name: string;
}

beforeAll(async () => {
  if (!needed.run) return;
  [databaseUrl, redis, chroma, gemini, slack] = await Promise.all([
    postgres.createDatabase('lore_replicas'),
    startRedis(),
    startChromaServer(path.join(tmp.dir, 'chroma'), createLogger('silent')),
    startFakeGemini({ apiKey: 'test-key' }),
    startFakeSlack({ botToken: TOKEN }),
  ]);
  gemini.setGenerator(ZEPHYR_ANSWER);
  fs.cpSync('datasets/sample-kb', kb, { recursive: true });
  fs.writeFileSync(
    path.join(tmp.dir, 'lore.config.yaml'),
    ['channels:', `  ${SUPPORT}:`, '    sources: [files]', '    mode: auto', '    offer_help: raising_hand', ''].join('\n'),
  );
  // One after the other: the first applies the migrations, the second finds them applied.
  a = await startReplica('replica-a');
  b = await startReplica('replica-b');
  await Promise.all([waitForReady(a), waitForReady(b)]);
}, 300_000);

afterAll(async () => {
  const codes = await Promise.all([a, b].map((replica) => (replica ? replica.stop() : 0)));
  await slack?.close();
  await gemini?.close();
  await chroma?.stop();
  await redis?.stop();
  tmp.cleanup();
  // A replica that does not shut down cleanly is a failure of its own.
  expect(codes).toEqual(codes.map(() => 0));
});

function replicaEnv(name: string): Record<string, string> {
  return {
    GEMINI_API_KEY: 'test-key',
    GEMINI_BASE_URL: gemini.url,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    CHROMA_URL: chroma.url,
    LORE_DATA_DIR: path.join(tmp.dir, name),
    LORE_FILES_PATHS: kb,
    LORE_ADMINS: ADMIN,
    LORE_SYNC_INTERVAL_MINUTES: '0',
    LORE_API_KEYS: API_KEY,
    LORE_CHAT_CONFIG: path.join(tmp.dir, 'lore.config.yaml'),
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    LOG_LEVEL: 'info',
  };
}

async function startReplica(name: string): Promise<Replica> {
  const replica = { name, ...(await startLore(replicaEnv(name), { name, timeoutMs: 120_000 })) };
  expect(replica.logs()).toContain('sharing rate limits, the answer cache and the daily budget through Redis');
  // Slack connects in the background: wait for that too.
  await until(
    () => replica.logs().includes('connected to Slack'),
    30_000,
    () => `${name} never connected to Slack: ${replica.logs()}`,
  );
  return replica;
}

async function waitForReady(replica: Replica): Promise<void> {
  let last = '';
  await until(
    async () => {
      const response = await fetch(`${replica.url}/ready`);
      last = await response.text();
      return response.status === 200;
    },
    30_000,
    () => `${replica.name} never became ready: ${last}`,
  );
  expect(JSON.parse(last)).toMatchObject({ checks: { chroma: 'ok', postgres: 'ok' } });
}

const auth = { authorization: `Bearer ${API_KEY}` };

async function ask(replica: Replica, question: string): Promise<Answer> {
  const response = await fetch(`${replica.url}/query`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ question }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Answer;
}

/** `/lore <text>` typed by the Lore admin, delivered to `replica`; resolves with its acknowledgement's text. */
async function command(replica: Replica, text: string, responseId: string): Promise<string> {
  const form = slashCommandForm(slack, text, ADMIN, 'CREPLICAS', responseId);
  const response = await deliverToLore(`${replica.url}/slack/events`, { form }, { signingSecret: SECRET });
  expect(response.status).toBe(200);
  return (JSON.parse(response.text) as { text: string }).text;
}

/** What Lore sent to a slash command's response URL after acknowledging it. */
const followUps = (responseId: string): string[] =>
  slack.responses.filter((response) => response.id === responseId).map((response) => String(response.body.text));

const contextText = (answer: Answer): string => answer.contexts.map((context) => context.text).join('\n');

async function upload(replica: Replica, name: string, text: string): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'text/markdown' }), name);
  return fetch(`${replica.url}/ingest`, { method: 'POST', headers: auth, body: form });
}

/** Rows of the shared store, read as an operator would: straight from PostgreSQL. */
async function select<Row>(sql: string, params: unknown[]): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Row[];
  } finally {
    await client.end();
  }
}

needed.describe('two lore start replicas on one PostgreSQL, one Redis and one Chroma', () => {
  it('answers on replica B from a file uploaded through replica A, without B syncing anything', async () => {
    // Before the upload B knows nothing of it: the question retrieves no passage of it.
    const before = await ask(b!, QUESTION);
    expect(contextText(before)).not.toContain('Zephyr');

    const uploaded = await upload(a!, 'zephyr-runbook.md', `# Zephyr staging\n\n${FACT}\n`);
    expect(uploaded.status).toBe(200);
    expect(await uploaded.json()).toMatchObject({ added: 1, failed: [] });

    // B's lexical index refreshes from the store's chunks before the search; the vectors are in the one Chroma.
    const after = await ask(b!, QUESTION);
    expect(contextText(after)).toContain(FACT);
    expect(after.citations).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'upload', title: 'zephyr-runbook.md' })]));
    expect(after.answer).toContain('Thursday');
    // The cached answer B gave before the upload was not served again: the index version is the shared store's.
    expect(after.cached).not.toBe(true);
  }, 60_000);

  it('answers on replica B from what a /lore sync started on replica A indexed, and refuses B a second sync while it runs', async () => {
    gemini.setGenerator(answerWith(['The Orion release freeze ', 'starts on the second Monday of each quarter [1].']));
    onTestFinished(() => gemini.setGenerator(ZEPHYR_ANSWER));
    // Before the sync B knows nothing of it (and may cache that answer in Redis, under the index's version then).
    expect(contextText(await ask(b!, SYNCED_QUESTION))).not.toContain('Orion');

    // A new file in the folder both replicas sync. A's sync embeds it (nothing else is embedding now: every earlier
    // request has been answered) and is held there, holding the lock of files, until B has been asked to sync too.
    let release = () => {};
    gemini.queueFor('embed', { status: 200, heldUntil: new Promise<void>((resolve) => (release = resolve)) });
    onTestFinished(() => release());
    fs.writeFileSync(path.join(kb, 'orion-release-freeze.md'), `# Orion release freeze\n\n${SYNCED_FACT}\n`);
    expect(await command(a!, 'sync files', 'sync-on-a')).toMatch(/^Syncing \*files\*/);
    await until(
      () => gemini.requests.some((request) => request.texts.some((text) => text.includes(SYNCED_FACT))),
      30_000,
      () => `replica A's sync never embedded the new file: ${a!.logs()}`,
    );
    // The lock is A's, in the shared store: B sees a sync of files running and starts none.
    expect(await select('SELECT pid FROM sync_locks WHERE source = $1', ['files'])).toEqual([{ pid: a!.child.pid }]);
    expect(await command(b!, 'sync files', 'sync-on-b')).toContain('A sync of files is already running');
    release();

    // A reports to its requester what its sync did: the one new file added.
    await until(
      () => followUps('sync-on-a').some((text) => text.startsWith('Sync finished')),
      30_000,
      () => `replica A never reported its sync: ${JSON.stringify(followUps('sync-on-a'))}\n${a!.logs()}`,
    );
    expect(followUps('sync-on-a')).toEqual([expect.stringMatching(/^Sync finished:\n• \*files\*: 1 added, 0 updated, 0 deleted, 0 failed/)]);
    expect(await select('SELECT 1 FROM sync_locks WHERE source = $1', ['files'])).toEqual([]);

    // B answers from the passage A indexed, cited, with a fresh answer: the index's version moved for both replicas.
    const after = await ask(b!, SYNCED_QUESTION);
    expect(contextText(after)).toContain(SYNCED_FACT);
    expect(after.citations).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'files', title: 'Orion release freeze' })]));
    expect(after.answer).toContain('second Monday');
    expect(after.cached).not.toBe(true);
    // A, asked the same, serves B's answer from the cache the replicas share in Redis: both name the index alike.
    expect(await ask(a!, SYNCED_QUESTION)).toMatchObject({ cached: true, answer: after.answer });

    // B synced nothing itself: its /lore sync got no follow-up, it logged no sync since it started, and the state of
    // files is the one A's sync recorded.
    expect(followUps('sync-on-b')).toEqual([]);
    expect(b!.logs()).not.toContain('sync requested in chat');
    expect(b!.logs().match(/"msg":"files synced"/g)).toHaveLength(1);
    const [state] = await select<{ last_summary: string }>('SELECT last_summary FROM sync_state WHERE source = $1', ['files']);
    expect(JSON.parse(state!.last_summary)).toMatchObject({ added: 1, updated: 0, deleted: 0, failed: [] });
  }, 90_000);

  it('answers a Slack event once when its retry reaches the other replica', async () => {
    const threadTs = '1900000100.000100';
    const envelope = eventEnvelope({
      type: 'app_mention',
      channel: 'CREPLICAS',
      user: 'UASKER',
      text: `<@${BOT_USER_ID}> ${QUESTION}`,
      ts: threadTs,
    });
    const eventId = String(envelope.event_id);
    const answersInThread = () => slack.callsOf('chat.postMessage').filter((call) => call.args.thread_ts === threadTs);

    expect((await deliverToLore(`${a!.url}/slack/events`, { json: envelope }, { signingSecret: SECRET })).status).toBe(200);
    // A acknowledges before it handles the event; the retry comes once A has claimed it (Slack waits 3 s for
    // an acknowledgement, and the claim is A's first step), so that A is the one that answers.
    await until(
      async () => (await select('SELECT 1 FROM chat_events WHERE platform = $1 AND event_id = $2', ['slack', eventId])).length === 1,
      15_000,
      () => `replica A never claimed ${eventId}: ${a!.logs()}`,
    );
    // Slack re-delivers the same event (same event_id) when its first delivery seemed lost; a load balancer sends
    // it to the other replica.
    expect((await deliverToLore(`${b!.url}/slack/events`, { json: envelope }, { signingSecret: SECRET, retryNum: 1 })).status).toBe(200);

    await slack.waitFor((call) => call.method === 'chat.update' && JSON.stringify(call.args.blocks).includes('react :+1:'), 30_000);
    // B acknowledged the retry and saw in the shared store that the event was already claimed.
    const ignoredOnB = () =>
      b!
        .logs()
        .split('\n')
        .some((line) => line.includes('event already handled') && line.includes(eventId));
    await until(ignoredOnB, 15_000, () => `replica B never ignored the retry of ${eventId}: ${b!.logs()}`);
    expect(answersInThread()).toHaveLength(1);
    expect(await select('SELECT event_id FROM chat_events WHERE platform = $1 AND event_id = $2', ['slack', eventId])).toHaveLength(1);
    expect(await select('SELECT id FROM answers WHERE platform = $1 AND thread_id = $2', ['slack', threadTs])).toHaveLength(1);
  }, 60_000);

  it('records a 👍 reaction delivered to replica B against the answer replica A posted in Slack', async () => {
    const threadTs = '1900000200.000100';
    const mention = eventEnvelope({ type: 'app_mention', channel: 'CREPLICAS', user: 'UASKER', text: `<@${BOT_USER_ID}> ${QUESTION}`, ts: threadTs });
    expect((await deliverToLore(`${a!.url}/slack/events`, { json: mention }, { signingSecret: SECRET })).status).toBe(200);
    let posted: { id: string; message_id: string | null }[] = [];
    await until(
      async () => {
        posted = await select('SELECT id, message_id FROM answers WHERE platform = $1 AND thread_id = $2', ['slack', threadTs]);
        return posted[0]?.message_id != null;
      },
      30_000,
      () => `replica A never recorded its answer in ${threadTs}: ${a!.logs()}`,
    );
    const [{ id: answerId, message_id: answerTs }] = posted as [{ id: string; message_id: string }];

    const reaction = eventEnvelope({
      type: 'reaction_added',
      user: 'URATER',
      reaction: '+1',
      item_user: BOT_USER_ID,
      item: { type: 'message', channel: 'CREPLICAS', ts: answerTs },
    });
    expect((await deliverToLore(`${b!.url}/slack/events`, { json: reaction }, { signingSecret: SECRET })).status).toBe(200);
    let rows: unknown[] = [];
    await until(
      async () => (rows = await select('SELECT user_id, rating, emoji FROM feedback WHERE answer_id = $1', [answerId])).length > 0,
      15_000,
      () => `replica B recorded no feedback on ${answerId}: ${b!.logs()}`,
    );
    expect(rows).toEqual([{ user_id: 'URATER', rating: 'up', emoji: '+1' }]);
    expect(b!.logs()).toMatch(new RegExp(`"answerId":"${answerId}"[^\\n]*feedback recorded`));
  }, 60_000);

  it('records a 👍 given on replica B over HTTP against the answer replica A served', async () => {
    const answer = await ask(a!, QUESTION);
    expect(answer.id).toBeTruthy();

    const response = await fetch(`${b!.url}/feedback`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ answerId: answer.id, rating: 'up' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ answerId: answer.id, rating: 'up', recorded: true });
    expect(await select('SELECT platform, user_id, rating, retracted_at FROM feedback WHERE answer_id = $1', [answer.id])).toEqual([
      { platform: 'http', user_id: keyIdOf(API_KEY), rating: 'up', retracted_at: null },
    ]);
  }, 60_000);

  it('answers a support-channel question when its asker takes up, on replica B, the offer of help replica A made', async () => {
    const questionTs = '1900000300.000100';
    const question = { type: 'message', channel: SUPPORT, channel_type: 'channel', user: 'UHELPME', text: UNANSWERABLE, ts: questionTs };
    expect((await deliverToLore(`${a!.url}/slack/events`, { json: eventEnvelope(question) }, { signingSecret: SECRET })).status).toBe(200);
    // A cannot answer it: it posts nothing and offers help with 🙋, remembered in the shared store.
    await slack.waitFor((call) => call.method === 'reactions.add' && call.args.timestamp === questionTs, 30_000);
    await until(
      async () => (await select('SELECT 1 FROM help_offers WHERE channel_id = $1 AND message_id = $2', [SUPPORT, questionTs])).length === 1,
      15_000,
      () => `replica A never recorded its offer of help on ${questionTs}: ${a!.logs()}`,
    );
    const inThread = () => slack.callsOf('chat.postMessage').filter((call) => call.args.channel === SUPPORT && call.args.thread_ts === questionTs);
    expect(inThread()).toEqual([]);

    const takeUp = eventEnvelope({
      type: 'reaction_added',
      user: 'UHELPME',
      reaction: 'raising_hand',
      item_user: 'UHELPME',
      item: { type: 'message', channel: SUPPORT, ts: questionTs },
    });
    expect((await deliverToLore(`${b!.url}/slack/events`, { json: takeUp }, { signingSecret: SECRET })).status).toBe(200);
    await slack.waitFor((call) => call.method === 'chat.postMessage' && call.args.channel === SUPPORT && call.args.thread_ts === questionTs, 30_000);
    expect(b!.logs()).toContain('offer of help taken up: answering the question');
    expect(await select('SELECT 1 FROM help_offers WHERE channel_id = $1 AND message_id = $2', [SUPPORT, questionTs])).toEqual([]);
  }, 60_000);
});
