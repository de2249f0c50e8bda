import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerPipeline } from '../../../app/answer-pipeline.ts';
import { QueryLog } from '../../../app/query-log.ts';
import type { Runtime } from '../../../app/runtime.ts';
import { createSyncService } from '../../../app/sync-service.ts';
import { markdownToMrkdwn } from '../../../bot/slack/markdown-to-mrkdwn.ts';
import type { Answer, Citation } from '../../../rag/types.ts';
import { BOT_ID, BOT_USER_ID, TEAM_ID, type FakeSlack, type SlackCall } from '../../fakes/fake-slack.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { script } from './gemini-script.ts';
import { assistantEvent, mention, nextTs, startTestBot, type TestBot } from './slack-test-bot.ts';
import { openSlackTestWorld, type SlackTestWorld } from './slack-test-world.ts';

// Lore as a Slack AI app, through the real Bolt app (its Assistant class, the SDK's ChatStreamer) against the fake
// Slack: answers streamed natively (and posted and edited where Slack refuses), the assistant side panel (greeting,
// suggested prompts from the query log, status, title, the viewed channel's scope) and feedback buttons.
// Payload shapes: assistant_thread_started / _context_changed from docs.slack.dev/reference/events/<name>, a
// block_actions payload as recorded in test/fixtures/slack/boltpy__test_block_actions__body.json with the action of
// docs.slack.dev/reference/block-kit/block-elements/feedback-buttons-element.

const tmp = tempDir('lore-slack-ai-');
let world: SlackTestWorld;
let slack: FakeSlack;
let runtime: Runtime;
/** Extractive answers: deterministic citations. */
let bot: TestBot;
/** Gemini answers, streamed by the fake Gemini. */
let geminiBot: TestBot;

/** A channel whose configured scope is Notion alone (the sample knowledge base is files only). */
const NOTION_CHANNEL = 'CNOTIONONLY';
const QUESTION = 'How long are backups of the data directory kept?';

beforeAll(async () => {
  const chatConfig = path.join(tmp.dir, 'lore.config.yaml');
  // Direct messages see web pages alone: a panel question scoped as a DM rather than as the viewed channel shows.
  fs.writeFileSync(
    chatConfig,
    ['suggested_prompts: 3', 'direct_messages:', '  sources: [web]', 'channels:', `  ${NOTION_CHANNEL}:`, '    sources: [notion]'].join('\n'),
  );
  world = await openSlackTestWorld(tmp.dir, { LORE_CHAT_CONFIG: chatConfig });
  ({ slack, runtime } = world);
  slack.setStreaming('supported');
  const sync = createSyncService(runtime);
  const conversation = { updateIntervalMs: 200, limits: { userPerMinute: 100, channelPerMinute: 1_000, windowMs: 3_000 } };
  bot = await startTestBot(runtime, slack, { sync, pipeline: createAnswerPipeline({ ...runtime, config: world.offline }), conversation });
  geminiBot = await startTestBot(runtime, slack, { sync, pipeline: createAnswerPipeline(runtime), conversation });
}, 120_000);

afterAll(async () => {
  await bot?.close();
  await geminiBot?.close();
  await world?.close();
  tmp.cleanup();
});

const inChannel = (channel: string, method: string): SlackCall[] => slack.callsOf(method).filter((call) => call.args.channel === channel);
type Chunk = { type: string; text?: string; status?: string };
const chunksOf = (call: SlackCall): Chunk[] => (call.args.chunks as Chunk[] | undefined) ?? [];
/** The Markdown pieces streamed into a channel, in order, as Slack received them. */
const streamedPieces = (channel: string): string[] =>
  slack.calls
    .filter((call) => call.method.startsWith('chat.') && call.method.endsWith('Stream') && call.args.channel === channel)
    .flatMap((call) => [
      ...(typeof call.args.markdown_text === 'string' ? [call.args.markdown_text] : []),
      ...chunksOf(call)
        .filter((chunk) => chunk.type === 'markdown_text')
        .map((chunk) => chunk.text ?? ''),
    ]);
const blockTypes = (blocks: unknown): string[] => ((blocks as { type: string }[] | undefined) ?? []).map((block) => block.type);

/** Lore's answer in a thread, as it ended up. */
function loreAnswer(channel: string, thread: string): { ts: string; text: string; blocks: unknown[] } {
  const posted = slack.messages(channel).filter((m) => m.user === BOT_USER_ID && m.thread_ts === thread);
  expect(posted.length).toBeGreaterThan(0);
  const last = posted.at(-1)!;
  return { ts: last.ts, text: last.text, blocks: last.blocks ?? [] };
}

function answerId(channel: string, messageId: string): string | undefined {
  const row = runtime.db!.prepare("SELECT id FROM answers WHERE platform = 'slack' AND channel_id = ? AND message_id = ?").get(channel, messageId) as
    | { id: string }
    | undefined;
  return row?.id;
}

describe('native streaming of answers in Slack', () => {
  it('streams the answer with chat.startStream/appendStream, redacted and neutralised piece by piece, and stops with sources, footer and feedback buttons', async () => {
    const detail =
      'The retention applies to every backup of the data directory, whichever machine it was taken on, and older copies are removed by the nightly job [1]. ';
    world.gemini.setGenerator(
      script({
        chunks: [
          'Backups of the data directory are kept for at most 30 days [1]. ',
          'Tell <!channel> the deploy token is xoxb-12345',
          '67890-abcdefghijk and nothing else. ',
          detail,
          detail,
        ],
        chunkDelayMs: 50,
      }),
    );
    const event = mention('CNATIVE', 'UNATIVE', QUESTION);
    await geminiBot.deliver(event);
    await geminiBot.idle();
    world.gemini.setGenerator(undefined);

    // No placeholder: the stream itself is the message, started at once with a task saying Lore is at work.
    expect(inChannel('CNATIVE', 'chat.postMessage')).toEqual([]);
    const [start, ...restarts] = inChannel('CNATIVE', 'chat.startStream');
    expect(restarts).toEqual([]);
    expect(start!.args).toMatchObject({ thread_ts: event.ts, recipient_user_id: 'UNATIVE', recipient_team_id: TEAM_ID });
    expect(chunksOf(start!)[0]).toMatchObject({ type: 'task_update', status: 'in_progress' });
    expect(inChannel('CNATIVE', 'chat.appendStream').length).toBeGreaterThanOrEqual(1);

    const pieces = streamedPieces('CNATIVE');
    expect(pieces.length).toBeGreaterThanOrEqual(2);
    // Every piece, not only the whole: no half of the token and no broadcast ever reached Slack.
    for (const piece of pieces) {
      expect(piece).not.toMatch(/xoxb-\d/);
      expect(piece).not.toContain('<');
    }
    const streamed = pieces.join('');
    expect(streamed).toMatch(/^Backups of the data directory are kept for at most 30 days \[1\]\. /);
    expect(streamed).toContain('Tell &lt;!channel&gt; the deploy token is');
    expect(streamed).toContain('and nothing else.');

    const [stop, ...stops] = inChannel('CNATIVE', 'chat.stopStream');
    expect(stops).toEqual([]);
    expect(chunksOf(stop!)).toContainEqual(expect.objectContaining({ type: 'task_update', status: 'complete' }));
    expect(blockTypes(stop!.args.blocks)).toEqual(expect.arrayContaining(['divider', 'context', 'context_actions']));
    expect(JSON.stringify(stop!.args.blocks)).toContain('data-handling-policy.txt');

    const answer = loreAnswer('CNATIVE', event.ts as string);
    expect(answer.ts).toBe(slack.messages('CNATIVE')[0]!.ts);
    expect(JSON.stringify(answer.blocks)).toContain('*Sources*');
    expect(blockTypes(answer.blocks).at(-1)).toBe('context_actions');
    // Recorded under the streamed message, so reactions and feedback buttons on it find the answer.
    const stored = runtime.db!.prepare("SELECT answer FROM answers WHERE platform = 'slack' AND message_id = ?").get(answer.ts) as { answer: string };
    // The claim check drops the uncited sentence after it was streamed: the message ends as the checked answer.
    expect(stored.answer).not.toContain('deploy token');
    expect(answer.text).toBe(markdownToMrkdwn(stored.answer));
  });

  it('falls back to posting and editing where Slack refuses to stream, and does not ask that workspace again', async () => {
    slack.setStreaming({ error: 'feature_not_enabled' });
    // A bot of its own: what a workspace refused is remembered by the running bot.
    const refusedBot = await startTestBot(runtime, slack, {
      sync: createSyncService(runtime),
      pipeline: createAnswerPipeline({ ...runtime, config: world.offline }),
      conversation: { updateIntervalMs: 200 },
    });
    try {
      const first = mention('CREFUSED1', 'UREFUSED', QUESTION);
      await refusedBot.deliver(first);
      await refusedBot.idle();
      expect(inChannel('CREFUSED1', 'chat.startStream')).toHaveLength(1);
      const [placeholder] = inChannel('CREFUSED1', 'chat.postMessage');
      expect(placeholder!.args.text).toBe('Looking through the knowledge base…');
      const final = inChannel('CREFUSED1', 'chat.update').at(-1)!;
      expect(JSON.stringify(final.args.blocks)).toContain('data-handling-policy.txt');
      expect(blockTypes(final.args.blocks).at(-1)).toBe('context_actions');
      expect(world.logLines.some((line) => line.includes('Slack refused native streaming'))).toBe(true);

      const second = mention('CREFUSED2', 'UREFUSED', QUESTION);
      await refusedBot.deliver(second);
      await refusedBot.idle();
      expect(inChannel('CREFUSED2', 'chat.startStream')).toEqual([]);
      expect(JSON.stringify(loreAnswer('CREFUSED2', second.ts as string).blocks)).toContain('data-handling-policy.txt');
    } finally {
      slack.setStreaming('supported');
      await refusedBot.close();
    }
  });
});

/** An answer as the query log records it. */
function loggedAnswer(question: string, fields: { sources: Citation['source'][]; confidence?: number; abstained?: boolean }): Answer {
  return {
    id: `seed-${Math.random().toString(36).slice(2)}`,
    question,
    answer: 'An answer [1].',
    citations: fields.sources.map((source, i) => ({
      n: i + 1,
      title: `${source} page`,
      url: 'https://example.test',
      source,
      docId: `${source}:${i}`,
      chunkId: `c${i}`,
    })),
    contexts: [],
    mode: fields.abstained ? 'abstained' : 'extractive',
    abstained: fields.abstained ?? false,
    confidence: fields.confidence ?? 0.9,
    latencyMs: 100,
    costUsd: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
    timings: { rewrite: 0, retrieve: 0, rerank: 0, generate: 0 },
    notes: [],
  };
}

const promptsCall = (channel: string, thread: string, nth: number) =>
  slack.waitFor(
    (call) =>
      call.method === 'assistant.threads.setSuggestedPrompts' && call.args.thread_ts === thread && call.args.channel_id === channel && nth-- === 0,
  );

describe('the assistant side panel', () => {
  beforeAll(async () => {
    const log = new QueryLog(runtime.sql, 30);
    const ask = async (question: string, users: string[], fields: Parameters<typeof loggedAnswer>[1]) => {
      for (const userId of users) await log.record({ answer: loggedAnswer(question, fields), platform: 'slack', userId, channelId: 'CELSEWHERE' });
    };
    await ask('How long are backups kept?', ['U1', 'U2', 'U3'], { sources: ['files'] });
    await ask('Where is the roadmap?', ['U1', 'U2'], { sources: ['notion'] });
    await ask('What is our VPN setup?', ['U1', 'U2', 'U3', 'U4'], { sources: ['notion'], abstained: true });
    await ask('How do I rotate keys?', ['U1', 'U2', 'U3', 'U4'], { sources: ['notion'], confidence: 0.2 });
    await ask('Who owns billing?', ['U1'], { sources: ['notion'] });
    await ask('What did the shared file say?', ['U1', 'U2', 'U3'], { sources: ['upload'] });
  });

  it('greets, and suggests the most asked well-answered questions the viewed channel may see, again when the view changes', async () => {
    const thread = nextTs();
    await bot.deliver(assistantEvent('assistant_thread_started', 'DPANEL1', thread, NOTION_CHANNEL));
    const notionOnly = await promptsCall('DPANEL1', thread, 0);
    expect(notionOnly.args.prompts).toEqual([{ title: 'Where is the roadmap?', message: 'Where is the roadmap?' }]);
    const greeting = inChannel('DPANEL1', 'chat.postMessage')[0]!;
    expect(greeting.args).toMatchObject({ thread_ts: thread });
    expect(String(greeting.args.text)).toMatch(/^Hi! I'm Lore/);
    // Bolt's `say` keeps the context on the greeting, where Slack's AI apps keep it.
    expect(greeting.args.metadata).toMatchObject({ event_type: 'assistant_thread_context', event_payload: { channel_id: NOTION_CHANNEL } });

    await bot.deliver(assistantEvent('assistant_thread_context_changed', 'DPANEL1', thread, 'CUNLISTED'));
    const everything = await promptsCall('DPANEL1', thread, 1);
    expect((everything.args.prompts as { message: string }[]).map((prompt) => prompt.message)).toEqual([
      'How long are backups kept?',
      'Where is the roadmap?',
    ]);
    expect(slack.assistantThread('DPANEL1', thread).prompts?.prompts).toHaveLength(2);
  });

  it('answers a question in the panel with the scope of the channel being viewed, titling the thread and saying what it is doing', async () => {
    const ask = async (channel: string, viewing: string) => {
      const thread = nextTs();
      await bot.deliver(assistantEvent('assistant_thread_started', channel, thread, viewing));
      await promptsCall(channel, thread, 0);
      const ts = nextTs();
      await bot.deliver({ type: 'message', channel, channel_type: 'im', user: 'UPANEL', text: QUESTION, ts, thread_ts: thread });
      await slack.waitFor((call) => call.method === 'chat.stopStream' && call.args.channel === channel);
      await bot.idle();
      return { thread, answer: loreAnswer(channel, thread), state: slack.assistantThread(channel, thread) };
    };

    const narrow = await ask('DPANEL2', NOTION_CHANNEL);
    expect(narrow.state.titles).toEqual([QUESTION]);
    expect(narrow.state.statuses[0]).toBe('searching Notion…');
    // Notion alone, as a mention in that channel: the files that answer it are out of scope.
    expect(JSON.stringify(narrow.answer.blocks)).not.toContain('data-handling-policy.txt');

    const wide = await ask('DPANEL3', 'CUNLISTED');
    expect(wide.state.titles).toEqual([QUESTION]);
    expect(wide.state.statuses[0]).toMatch(/^searching the files, .*Notion.*…$/);
    expect(wide.state.statuses).toContain('checking the sources…');
    expect(JSON.stringify(wide.answer.blocks)).toContain('data-handling-policy.txt');
  });
});

describe('direct-message threads outside the panel', () => {
  it('answers a reply in an ordinary DM thread as before, with no status line or title to set', async () => {
    const thread = nextTs();
    const ts = nextTs();
    await bot.deliver({ type: 'message', channel: 'DPLAIN', channel_type: 'im', user: 'UPLAIN', text: QUESTION, ts, thread_ts: thread });
    await slack.waitFor((call) => call.method === 'chat.stopStream' && call.args.channel === 'DPLAIN');
    await bot.idle();
    expect(answerId('DPLAIN', loreAnswer('DPLAIN', thread).ts)).toBeDefined();
    expect(slack.assistantThread('DPLAIN', thread)).toEqual({ statuses: [], titles: [] });
  });
});

describe('feedback buttons on answers', () => {
  /** A click on a feedback button, in the shape of a recorded block_actions payload. */
  const click = (channel: string, messageTs: string, value: 'up' | 'down') =>
    bot.interact({
      type: 'block_actions',
      user: { id: 'URATER', username: 'rater', name: 'rater', team_id: TEAM_ID },
      api_app_id: 'A0001',
      token: 'unused',
      container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false },
      trigger_id: `trigger-${nextTs()}`,
      team: { id: TEAM_ID, domain: 'example' },
      channel: { id: channel, name: 'feedback' },
      message: { type: 'message', user: BOT_USER_ID, bot_id: BOT_ID, ts: messageTs, text: 'an answer' },
      response_url: slack.responseUrl(`fb-${messageTs}`),
      actions: [
        {
          type: 'feedback_buttons',
          action_id: 'lore_feedback',
          block_id: 'feedback',
          value,
          text: { type: 'plain_text', text: value === 'up' ? 'Helpful' : 'Not helpful' },
          action_ts: nextTs(),
        },
      ],
    });
  const ratings = (id: string) =>
    runtime.db!.prepare("SELECT rating, emoji, retracted_at FROM feedback WHERE answer_id = ? AND user_id = 'URATER' ORDER BY rating").all(id) as {
      rating: string;
      emoji: string;
      retracted_at: string | null;
    }[];

  it('records a click in the feedback table like a reaction, invites a reason after 👎, and takes it back on a second click', async () => {
    const event = mention('CFEEDBACK', 'UASKER', QUESTION);
    await bot.deliver(event);
    await bot.idle();
    const answer = loreAnswer('CFEEDBACK', event.ts as string);
    const id = answerId('CFEEDBACK', answer.ts)!;

    expect((await click('CFEEDBACK', answer.ts, 'down')).status).toBe(200);
    await bot.idle();
    expect(ratings(id)).toEqual([{ rating: 'down', emoji: 'feedback_button', retracted_at: null }]);
    const invite = inChannel('CFEEDBACK', 'chat.postEphemeral').at(-1)!;
    expect(invite.args.user).toBe('URATER');
    expect(JSON.stringify(invite.args.blocks)).toContain('lore_feedback_reason');

    await click('CFEEDBACK', answer.ts, 'down');
    await bot.idle();
    expect(ratings(id)[0]!.retracted_at).not.toBeNull();

    await click('CFEEDBACK', answer.ts, 'up');
    await bot.idle();
    expect(ratings(id).find((row) => row.rating === 'up')).toMatchObject({ emoji: 'feedback_button', retracted_at: null });
  });
});
