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
    expect(commandFromSubcommand('sync', null)).toEqual({ name: 'sync', target: 'all' });
    expect(commandFromSubcommand('sync', 'notion')).toEqual({ name: 'sync', target: 'notion' });
    expect(commandFromSubcommand('status', null)).toEqual({ name: 'status' });
    expect(commandFromSubcommand(null, null)).toEqual({ name: 'help' });
    expect(commandFromSubcommand('sync', 'dropbox')).toMatchObject({ name: 'invalid' });
  });
});
