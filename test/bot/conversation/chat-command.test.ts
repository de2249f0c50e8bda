import { describe, expect, it } from 'vitest';
import { commandInMessage, parseSlashCommand } from '../../../bot/conversation/chat-command.ts';

describe('parseSlashCommand', () => {
  it.each([
    ['', { name: 'help' }],
    ['help', { name: 'help' }],
    ['  STATUS ', { name: 'status' }],
    ['sync', { name: 'sync', target: 'all' }],
    ['sync notion', { name: 'sync', target: 'notion' }],
    ['sync web', { name: 'sync', target: 'web' }],
    ['Sync GitHub', { name: 'sync', target: 'github' }],
  ])('reads %j', (text, command) => {
    expect(parseSlashCommand(text)).toEqual(command);
  });

  it('explains what is wrong with anything else', () => {
    expect(parseSlashCommand('sync confluence')).toEqual({
      name: 'invalid',
      problem: '`confluence` is not a source to sync: use one of `files`, `notion`, `github`, `web`, `all`.',
    });
    expect(parseSlashCommand('status please now')).toMatchObject({ name: 'invalid', problem: '`status please now` is not a Lore command.' });
    expect(parseSlashCommand(`x${'y'.repeat(100)}`)).toMatchObject({ problem: expect.stringMatching(/^`xy{58}…` is not/) });
  });
});

describe('commandInMessage', () => {
  it('finds commands addressed in words, and leaves questions alone', () => {
    expect(commandInMessage('sync notion please')).toEqual({ name: 'sync', target: 'notion' });
    expect(commandInMessage('sync the web pages')).toEqual({ name: 'sync', target: 'web' });
    expect(commandInMessage('status')).toEqual({ name: 'status' });
    expect(commandInMessage('how do I sync notion?')).toBeUndefined();
  });
});
