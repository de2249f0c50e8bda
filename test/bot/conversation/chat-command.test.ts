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

  it.each([
    ['help', { name: 'help' }],
    ['Help!', { name: 'help' }],
    ['Status.', { name: 'status' }],
    ['status?', { name: 'status' }],
    ['sync', { name: 'sync', target: 'all' }],
    ['sync github please', { name: 'sync', target: 'github' }],
    ['please resync GitHub now', { name: 'sync', target: 'github' }],
    ['could you sync everything?', { name: 'sync', target: 'all' }],
    ['@lore can you sync the files', { name: 'sync', target: 'files' }],
    ['/lore sync all', { name: 'sync', target: 'all' }],
    ['<@U1> help', { name: 'help' }],
    ['please sync the web pages!', { name: 'sync', target: 'web' }],
    ['resync web', { name: 'sync', target: 'web' }],
  ])('reads %j as a command', (text, command) => {
    expect(commandInMessage(text)).toEqual(command);
  });

  it('rejects unknown sync targets and sentences that merely mention a command', () => {
    expect(commandInMessage('sync jira')).toBeUndefined();
    expect(commandInMessage('status of the API migration')).toBeUndefined();
    expect(commandInMessage('help me with SSO')).toBeUndefined();
  });
});
