import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../../bot/conversation/chat-platform.ts';
import { isSupportQuestion } from '../../../bot/conversation/support-question.ts';

// Which messages of a support channel Lore answers unasked: new questions and requests for help, never chatter,
// announcements, messages to other people, commands, bots, direct messages or replies in a thread.

function message(text: string, extra: Partial<IncomingMessage> = {}): IncomingMessage {
  return {
    eventId: 'E1',
    channelId: 'C1',
    isDirect: false,
    messageId: '1.0',
    threadId: '1.0',
    inThread: false,
    userId: 'U1',
    fromBot: false,
    mentionsBot: false,
    text,
    files: [],
    ...extra,
  };
}

describe('a support-channel question', () => {
  it('is a question or a request for help', () => {
    for (const text of [
      'How long are backups kept?',
      'where do I find the VPN config',
      'Does anyone know the on-call rotation for next week',
      "I can't log in to the staging cluster since this morning",
      'Deploy failed again. Is the registry down?',
      'getting an error when I run the migration script',
    ]) {
      expect(isSupportQuestion(message(text)), text).toBe(true);
    }
  });

  it('is not chatter, an announcement, a statement or a command', () => {
    for (const text of [
      'thanks everyone!',
      'lol',
      'good morning team 👋',
      'why?',
      'FYI: deploys are frozen until Monday. Any questions?',
      'Reminder: how long are backups kept is on the agenda for Friday',
      'Heads up, the office is closed tomorrow',
      'Deployed version 2.3 to production',
      'sync notion',
      '',
    ]) {
      expect(isSupportQuestion(message(text)), text).toBe(false);
    }
  });

  it('is never a message from a bot, to everyone, to someone else, in a thread or in a direct message', () => {
    const question = 'How long are backups kept?';
    expect(isSupportQuestion(message(question, { fromBot: true }))).toBe(false);
    expect(isSupportQuestion(message(question, { broadcast: true }))).toBe(false);
    expect(isSupportQuestion(message(question, { mentionsOthers: true }))).toBe(false);
    expect(isSupportQuestion(message(question, { inThread: true }))).toBe(false);
    expect(isSupportQuestion(message(question, { isDirect: true }))).toBe(false);
  });
});
