import { describe, expect, it } from 'vitest';
import { commandFromSubcommand, loreCommand, MAX_QUESTION_CHARS } from '../../../bot/discord/slash-commands.ts';

describe('the /lore slash command', () => {
  it('offers ask (a required, bounded question), sync (a choice of sources), status and help', () => {
    const command = loreCommand();
    expect(command.name).toBe('lore');
    const [ask, sync, status, help] = command.options as { name: string; options?: Record<string, unknown>[] }[];
    expect(ask?.options).toEqual([expect.objectContaining({ name: 'question', required: true, max_length: MAX_QUESTION_CHARS })]);
    expect(sync?.options?.[0]).toMatchObject({
      name: 'source',
      choices: ['all', 'files', 'notion', 'github', 'web'].map((v) => ({ name: v, value: v })),
    });
    expect([status?.name, help?.name]).toEqual(['status', 'help']);
  });

  it('maps subcommands to the commands Slack and mentions use', () => {
    const options =
      (values: Record<string, string> = {}) =>
      (name: string) =>
        values[name] ?? null;
    expect(commandFromSubcommand('sync', options())).toEqual({ name: 'sync', target: 'all' });
    expect(commandFromSubcommand('sync', options({ source: 'notion' }))).toEqual({ name: 'sync', target: 'notion' });
    expect(commandFromSubcommand('status', options())).toEqual({ name: 'status' });
    expect(commandFromSubcommand(null, options())).toEqual({ name: 'help' });
    expect(commandFromSubcommand('sync', options({ source: 'dropbox' }))).toMatchObject({ name: 'invalid' });
    expect(commandFromSubcommand('verified', options())).toEqual({ name: 'verified', action: 'list' });
    expect(commandFromSubcommand('verified', options({ action: 'revoke', id: 'a1b2c3' }))).toEqual({
      name: 'verified',
      action: 'revoke',
      id: 'a1b2c3',
    });
    expect(commandFromSubcommand('verified', options({ action: 'edit', id: 'a1b2c3', text: 'Use the VPN Portal' }))).toEqual({
      name: 'verified',
      action: 'edit',
      id: 'a1b2c3',
      text: 'Use the VPN Portal',
    });
    expect(commandFromSubcommand('verified', options({ action: 'edit', id: 'a1b2c3' }))).toMatchObject({ name: 'invalid' });
  });
});
