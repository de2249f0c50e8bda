import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerService } from '../../app/create-answer-service.ts';
import { createSyncService } from '../../app/sync-service.ts';
import { parseChatConfig } from '../../bot/conversation/chat-config.ts';
import { BOT_USER_ID, deliverToLore, eventEnvelope, startFakeSlack, TEAM_ID, type FakeSlack } from '../fakes/fake-slack.ts';
import { BOT_TOKEN, mention, SIGNING_SECRET, startTestBot, type TestBot } from '../bot/slack/slack-test-bot.ts';
import { openSecurityFixture, type SecurityFixture } from './security-fixture.ts';

// Findings 5 and 6 of issue 14, in Slack: scope must fail closed. In a Slack Connect channel the envelope's team_id
// is the connected workspace, and Lore used it for scope: a workspace limited to uploads was answered from the
// files, and the answer filed under the other workspace. Guests and people of other workspaces saw whatever the
// channel saw, and an admin of the other workspace passed Lore's admin check. Real Bolt app, fake Slack, real answers.

const OTHER_TEAM = 'T0OTHER';
const BACKUPS = 'How long are backups of the data directory kept?';

let fixture: SecurityFixture;
let slack: FakeSlack;
let bot: TestBot;

/** A Slack Connect envelope, as Slack sends it: the connected workspace's team_id, Lore's own in `authorizations`. */
function connectEnvelope(event: Record<string, unknown>): Record<string, unknown> {
  return { ...eventEnvelope(event), team_id: OTHER_TEAM };
}

async function deliver(envelope: Record<string, unknown>): Promise<void> {
  expect((await deliverToLore(bot.url, { json: envelope }, { signingSecret: SIGNING_SECRET })).status).toBe(200);
  // Bolt hands the event on after acknowledging it: give it a moment to reach the conversation.
  await new Promise((resolve) => setTimeout(resolve, 100));
  await bot.idle();
}

function reply(channel: string, thread: string): string {
  const message = slack.messages(channel).find((m) => m.user === BOT_USER_ID && m.thread_ts === thread);
  return message ? JSON.stringify([message.text, message.blocks]) : '';
}

beforeAll(async () => {
  fixture = await openSecurityFixture({ files: { 'backups.md': '# Backups\n\nBackups of the data directory are kept for 30 days.\n' } });
  const chatConfig = path.join(fixture.dir, 'lore.config.yaml');
  // The workspace may see uploads only; one channel of it may see the files.
  fs.writeFileSync(chatConfig, [`channels:`, `  slack:${TEAM_ID}:`, `    sources: [upload]`, `  slack:CFILES:`, `    sources: [files]`].join('\n'));
  slack = await startFakeSlack({ botToken: BOT_TOKEN });
  slack.addUser('UEXT', { team_id: OTHER_TEAM });
  slack.addUser('UEXTADMIN', { team_id: OTHER_TEAM, is_admin: true });
  slack.addUser('UGUEST', { is_restricted: true });
  const config = {
    ...fixture.config,
    chatConfigFile: chatConfig,
    slack: { ...fixture.config.slack, botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, apiUrl: slack.apiUrl },
  };
  const runtime = { ...fixture.runtime, config };
  bot = await startTestBot(runtime, slack, { sync: createSyncService(runtime), pipeline: createAnswerService(runtime) });
}, 180_000);

afterAll(async () => {
  await bot?.close();
  await slack?.close();
  await fixture?.close();
});

describe('Slack Connect', () => {
  it('scopes by the workspace Lore is installed in, and files the answer under it', async () => {
    const event = {
      type: 'app_mention',
      channel: 'CSHARED',
      user: 'UMEMBER',
      user_team: TEAM_ID,
      text: `<@${BOT_USER_ID}> ${BACKUPS}`,
      ts: '1900000100.000100',
    };
    await deliver(connectEnvelope(event));
    const posted = reply('CSHARED', event.ts);
    expect(posted).toMatch(/couldn't find this/);
    expect(posted).not.toMatch(/30 days/);
    const stored = fixture.runtime.db!.prepare("SELECT workspace_id FROM answers WHERE channel_id = 'CSHARED'").pluck().all();
    expect(stored).toEqual([TEAM_ID]);
  });

  it('answers a user of the connected workspace from nothing, even in a channel that sees the files', async () => {
    const event = {
      type: 'app_mention',
      channel: 'CFILES',
      user: 'UEXT',
      user_team: OTHER_TEAM,
      text: `<@${BOT_USER_ID}> ${BACKUPS}`,
      ts: '1900000100.000200',
    };
    await deliver(connectEnvelope(event));
    const posted = reply('CFILES', event.ts);
    expect(posted).toMatch(/not available in this channel|couldn't find/);
    expect(posted).not.toMatch(/30 days/);
  });

  it('never lets an admin of the connected workspace start a sync', async () => {
    const event = {
      type: 'app_mention',
      channel: 'CFILES',
      user: 'UEXTADMIN',
      user_team: OTHER_TEAM,
      text: `<@${BOT_USER_ID}> sync all`,
      ts: '1900000100.000300',
    };
    await deliver(connectEnvelope(event));
    expect(reply('CFILES', event.ts)).toMatch(/Only Lore admins can start a sync/);
  });

  it('ignores events for a workspace Lore is not configured for', async () => {
    const envelope = {
      ...eventEnvelope({ type: 'app_mention', channel: 'CELSE', user: 'U1', text: `<@${BOT_USER_ID}> ${BACKUPS}`, ts: '1900000100.000400' }),
      team_id: 'T0ELSE',
      authorizations: [{ team_id: 'T0ELSE', user_id: BOT_USER_ID, is_bot: true }],
    };
    await deliver(envelope);
    expect(slack.messages('CELSE')).toEqual([]);
    expect(fixture.logs.join('')).toMatch(/event from a workspace Lore is not configured for/);
  });
});

describe('guests', () => {
  it('get the guests scope (nothing by default) where members get the channel’s', async () => {
    const guest = mention('CFILES', 'UGUEST', BACKUPS);
    await bot.deliver(guest);
    await bot.idle();
    expect(reply('CFILES', String(guest.ts))).not.toMatch(/30 days/);

    const member = mention('CFILES', 'UMEMBER2', BACKUPS);
    await bot.deliver(member);
    await bot.idle();
    expect(reply('CFILES', String(member.ts))).toMatch(/30 days/);
  });

  it('see no more than both the channel and the configured guests scope allow', () => {
    const config = parseChatConfig(['default:', '  sources: [files, web]', 'guests:', '  sources: [web, notion]'].join('\n'), 'lore.config.yaml');
    expect(config.sourcesFor('slack', 'C1', false, TEAM_ID, 'guest')).toEqual(['web']);
    expect(config.sourcesFor('slack', 'C1', false, TEAM_ID, 'external')).toEqual([]);
    expect(config.sourcesFor('slack', 'C1', false, TEAM_ID, 'member')).toEqual(['files', 'web']);
  });
});

describe('start-up', () => {
  it('logs the effective scope of unlisted channels, direct messages, guests and other workspaces', () => {
    expect(fixture.logs.join('')).toMatch(
      /chat scope: unlisted channels see files, upload, notion, github, web, verified; direct messages files, upload, notion, github, web, verified; guests nothing; other workspaces' users nothing/,
    );
  });
});
