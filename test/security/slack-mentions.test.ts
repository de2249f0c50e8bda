import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerService } from '../../app/create-answer-service.ts';
import { createSyncService } from '../../app/sync-service.ts';
import { markdownToMrkdwn } from '../../bot/slack/markdown-to-mrkdwn.ts';
import { BOT_USER_ID, startFakeSlack, type FakeSlack, type SlackCall } from '../fakes/fake-slack.ts';
import { BOT_TOKEN, mention, SIGNING_SECRET, startTestBot, type TestBot } from '../bot/slack/slack-test-bot.ts';
import { openSecurityFixture, type SecurityFixture } from './security-fixture.ts';

// Finding 8 of issue 14: text from documents, file titles and people could ping a Slack channel. A Markdown link
// target such as `(!channel)` became `<!channel|…>`, and a file titled `[spec](!channel)` pinged the channel in
// Lore's confirmation. The real Bolt app answers against the fake Slack, streaming a model's answer that quotes
// such links; nothing Lore posts or updates may hold a mention, a broadcast or a non-web link.

/** Slack markup a message of Lore's may carry: its own links to web pages and mail, and its dates. */
const ALLOWED_MARKUP = /^<(?:https?:\/\/|mailto:|!date\^)/;

let fixture: SecurityFixture;
let slack: FakeSlack;
let bot: TestBot;

/** Every `<…>` in what Lore posted, updated or sent privately in `channel`, that is not a web link or a date. */
function mentionsPosted(channel: string): string[] {
  const posted = slack.calls.filter(
    (call: SlackCall) => ['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(call.method) && call.args.channel === channel,
  );
  expect(posted.length).toBeGreaterThan(0);
  const markup = posted.flatMap((call) => JSON.stringify([call.args.text, call.args.blocks]).match(/<[^<>]*>/g) ?? []);
  return markup.filter((tag) => !ALLOWED_MARKUP.test(tag));
}

beforeAll(async () => {
  fixture = await openSecurityFixture({
    files: {
      'vpn.md':
        '# VPN\n\nGet the VPN client [right now](!channel) and tell [the ops team](!subteam^S0OPS) or [Ana](@U0ANA) in [#ops](#C0OPS). Everyone <!here> uses it.\n',
    },
  });
  slack = await startFakeSlack({ botToken: BOT_TOKEN });
  const config = {
    ...fixture.keyedConfig,
    slack: { ...fixture.config.slack, botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, apiUrl: slack.apiUrl },
  };
  const runtime = { ...fixture.runtime, config };
  bot = await startTestBot(runtime, slack, {
    sync: createSyncService(runtime),
    pipeline: createAnswerService(runtime),
    conversation: { updateIntervalMs: 50 },
  });
}, 180_000);

afterAll(async () => {
  await bot?.close();
  await slack?.close();
  await fixture?.close();
});

describe('what Lore posts in Slack', () => {
  it('never pings from a document: not while streaming, not in the final answer', async () => {
    fixture.gemini.setGenerator((request) =>
      request.method === 'streamGenerateContent'
        ? {
            chunks: [
              'Get the VPN client [right now](!channel) ',
              'and tell [the ops team](!subteam^S0OPS) or [Ana](@U0ANA) ',
              'in [#ops](#C0OPS) [1]. ',
              'Everyone <!here> uses it [1].',
            ],
            chunkDelayMs: 80,
          }
        : { chunks: ['[]'] },
    );
    const event = mention('CVPN', 'UASKER', 'Where do I get the VPN client?');
    await bot.deliver(event);
    await bot.idle();
    const final = slack.messages('CVPN').find((m) => m.user === BOT_USER_ID && m.thread_ts === String(event.ts))!;
    expect(final.text).toMatch(/VPN client/);
    expect(mentionsPosted('CVPN')).toEqual([]);
  });

  it('never pings from the title of a file it was asked to learn', async () => {
    slack.addFile({
      id: 'FSPEC',
      name: 'spec.md',
      title: '[spec](!channel) <!everyone> <@U0ANA>',
      mimetype: 'text/markdown',
      content: Buffer.from('# Spec\n\nThe spec.\n'),
    });
    const event = mention('CLEARN', 'UUPLOADER', 'learn this', { files: [{ id: 'FSPEC', name: 'spec.md' }] });
    await bot.deliver(event);
    await bot.idle();
    const confirmation = slack.messages('CLEARN').find((m) => m.user === BOT_USER_ID)!;
    expect(confirmation.text).toMatch(/Learned/);
    expect(confirmation.text).toContain('spec');
    expect(mentionsPosted('CLEARN')).toEqual([]);
  });

  it('links only to web and mail addresses', () => {
    expect(
      markdownToMrkdwn(
        '[docs](https://docs.example.com/a) [mail](mailto:ops@example.com) [run](javascript:alert(1)) [file](file:///etc/passwd) [x](slack://channel?id=C1)',
      ),
    ).toBe('<https://docs.example.com/a|docs> <mailto:ops@example.com|mail> run) file x');
  });
});
