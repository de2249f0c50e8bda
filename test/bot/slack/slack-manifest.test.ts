import fs from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SLACK_EVENTS_PATH } from '../../../bot/slack/slack-bot.ts';

// The manifest asks for exactly what Lore uses: every scope is needed by a Web API method or an event Lore
// handles, and every event it subscribes to has a handler.

interface Manifest {
  features: {
    slash_commands: { command: string; url: string }[];
    app_home: { messages_tab_enabled: boolean };
    assistant_view?: { assistant_description?: string };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string } };
}

const manifest = parse(fs.readFileSync('bot/slack-manifest.yml', 'utf8')) as Manifest;

/** Web API methods the Slack adapter calls, and events it handles, with the scope each needs. */
const NEEDS: Record<string, string> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.startStream, chat.appendStream, chat.stopStream': 'chat:write',
  'assistant.threads.setStatus, setSuggestedPrompts, setTitle': 'assistant:write',
  'reactions.add': 'reactions:write',
  'reactions.remove': 'reactions:write',
  'conversations.replies (public channels)': 'channels:history',
  'conversations.replies (private channels)': 'groups:history',
  'files.info and file downloads': 'files:read',
  'users.info': 'users:read',
  'conversations.info (public channels)': 'channels:read',
  'conversations.info (private channels)': 'groups:read',
  '/lore': 'commands',
  app_mention: 'app_mentions:read',
  'message.im': 'im:history',
  'message.channels': 'channels:history',
  'message.groups': 'groups:history',
  reaction_added: 'reactions:read',
  reaction_removed: 'reactions:read',
  // Slack lists no scope of their own for the assistant events: the assistant_view feature (with assistant:write) brings them.
  assistant_thread_started: 'assistant:write',
  assistant_thread_context_changed: 'assistant:write',
};

describe('the Slack app manifest', () => {
  it('asks for exactly the scopes Lore uses', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...new Set(Object.values(NEEDS))].sort());
  });

  it('subscribes to the events Lore handles, and sends everything to one endpoint', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(
      [
        'app_mention',
        'message.channels',
        'message.groups',
        'message.im',
        'reaction_added',
        'reaction_removed',
        'assistant_thread_started',
        'assistant_thread_context_changed',
      ].sort(),
    );
    const urls = [
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      manifest.features.slash_commands[0]!.url,
    ];
    for (const url of urls) expect(new URL(url).pathname).toBe(SLACK_EVENTS_PATH);
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/lore']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
  });

  it('declares the assistant side panel, which Slack requires for the assistant:write scope', () => {
    expect(manifest.features.assistant_view?.assistant_description).toMatch(/\S/);
    expect(manifest.oauth_config.scopes.bot).toContain('assistant:write');
  });
});
