import { describe, expect, it } from 'vitest';
import { messageFromEvent } from '../../../bot/slack/slack-events.ts';

const identity = { botUserId: 'ULORE', botId: 'BLORE' };

describe('messageFromEvent', () => {
  it('reads a mention in a channel as a question in a new thread', () => {
    const message = messageFromEvent({ type: 'app_mention', channel: 'C1', user: 'U1', text: '<@ULORE> How?', ts: '1.1' }, 'Ev1', 'T1', identity);
    expect(message).toEqual({
      eventId: 'Ev1',
      workspaceId: 'T1',
      channelId: 'C1',
      isDirect: false,
      messageId: '1.1',
      threadId: '1.1',
      inThread: false,
      userId: 'U1',
      fromBot: false,
      mentionsBot: true,
      text: 'How?',
      files: [],
    });
  });

  it('reads a reply inside a thread, and a direct message with files', () => {
    expect(messageFromEvent({ type: 'app_mention', channel: 'C1', user: 'U1', text: 'x', ts: '2.2', thread_ts: '1.1' }, 'Ev', undefined, identity)).toMatchObject({
      threadId: '1.1',
      inThread: true,
    });
    const dm = messageFromEvent(
      { type: 'message', subtype: 'file_share', channel: 'D1', channel_type: 'im', user: 'U1', text: '', ts: '3.3', files: [{ id: 'F1', name: 'a.md', size: 10, mimetype: 'text/markdown' }] },
      'Ev',
      'T1',
      identity,
    );
    expect(dm).toMatchObject({ isDirect: true, mentionsBot: false, files: [{ id: 'F1', name: 'a.md', sizeBytes: 10, mimeType: 'text/markdown' }] });
  });

  it('leaves a channel message that mentions Lore to its app_mention twin', () => {
    expect(messageFromEvent({ type: 'message', channel: 'C1', channel_type: 'channel', user: 'U1', text: '<@ULORE> How?', ts: '1.1' }, 'Ev', 'T', identity)).toBeUndefined();
  });

  it('skips edits, deletions and joins, and marks bot messages', () => {
    for (const subtype of ['message_changed', 'message_deleted', 'channel_join']) {
      expect(messageFromEvent({ type: 'message', subtype, channel: 'D1', channel_type: 'im', user: 'U1', text: 'x', ts: '1.1' }, 'Ev', 'T', identity)).toBeUndefined();
    }
    expect(messageFromEvent({ type: 'message', channel: 'D1', channel_type: 'im', bot_id: 'B2', user: 'U2', text: 'x', ts: '1.1' }, 'Ev', 'T', identity)?.fromBot).toBe(true);
    expect(messageFromEvent({ type: 'message', channel: 'D1', channel_type: 'im', user: 'ULORE', text: 'x', ts: '1.1' }, 'Ev', 'T', identity)?.fromBot).toBe(true);
  });
});
