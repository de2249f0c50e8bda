import { describe, expect, it } from 'vitest';
import { editFromEvent, messageFromEvent } from '../../../bot/slack/slack-events.ts';

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
    expect(
      messageFromEvent({ type: 'app_mention', channel: 'C1', user: 'U1', text: 'x', ts: '2.2', thread_ts: '1.1' }, 'Ev', undefined, identity),
    ).toMatchObject({
      threadId: '1.1',
      inThread: true,
    });
    const dm = messageFromEvent(
      {
        type: 'message',
        subtype: 'file_share',
        channel: 'D1',
        channel_type: 'im',
        user: 'U1',
        text: '',
        ts: '3.3',
        files: [{ id: 'F1', name: 'a.md', size: 10, mimetype: 'text/markdown' }],
      },
      'Ev',
      'T1',
      identity,
    );
    expect(dm).toMatchObject({ isDirect: true, mentionsBot: false, files: [{ id: 'F1', name: 'a.md', sizeBytes: 10, mimeType: 'text/markdown' }] });
  });

  it('leaves a channel message that mentions Lore to its app_mention twin', () => {
    expect(
      messageFromEvent(
        { type: 'message', channel: 'C1', channel_type: 'channel', user: 'U1', text: '<@ULORE> How?', ts: '1.1' },
        'Ev',
        'T',
        identity,
      ),
    ).toBeUndefined();
  });

  it('skips edits, deletions and joins, and marks bot messages', () => {
    for (const subtype of ['message_changed', 'message_deleted', 'channel_join']) {
      expect(
        messageFromEvent({ type: 'message', subtype, channel: 'D1', channel_type: 'im', user: 'U1', text: 'x', ts: '1.1' }, 'Ev', 'T', identity),
      ).toBeUndefined();
    }
    expect(
      messageFromEvent({ type: 'message', channel: 'D1', channel_type: 'im', bot_id: 'B2', user: 'U2', text: 'x', ts: '1.1' }, 'Ev', 'T', identity)
        ?.fromBot,
    ).toBe(true);
    expect(
      messageFromEvent({ type: 'message', channel: 'D1', channel_type: 'im', user: 'ULORE', text: 'x', ts: '1.1' }, 'Ev', 'T', identity)?.fromBot,
    ).toBe(true);
  });

  it('marks Slackbot and an app known only by its bot_profile as bots', () => {
    const base = { type: 'message', channel: 'D1', channel_type: 'im', text: 'x', ts: '1.1' };
    expect(messageFromEvent({ ...base, user: 'USLACKBOT' }, 'Ev', 'T', identity)?.fromBot).toBe(true);
    expect(messageFromEvent({ ...base, user: 'UB111', bot_profile: { id: 'B999' } }, 'Ev', 'T', identity)?.fromBot).toBe(true);
  });

  it('reads an edit as the new version of the message, with how long after writing it came', () => {
    const edit = editFromEvent(
      {
        type: 'message',
        subtype: 'message_changed',
        channel: 'C1',
        channel_type: 'channel',
        ts: '1000.5',
        message: {
          type: 'message',
          user: 'U1',
          text: '<@ULORE> and the <#C2> channel?',
          ts: '1000.000100',
          edited: { user: 'U1', ts: '1025.000000' },
        },
        previous_message: { ts: '1000.000100', text: '<@ULORE> and the channel?' },
      },
      'EvEdit',
      'T1',
      identity,
    );
    expect(edit).toMatchObject({
      message: {
        eventId: 'EvEdit',
        messageId: '1000.000100',
        threadId: '1000.000100',
        userId: 'U1',
        mentionsBot: true,
        text: 'and the #C2 channel?',
        rawText: '<@ULORE> and the <#C2> channel?',
      },
    });
    expect(edit!.editedAfterMs).toBeCloseTo(24_999.9, 0);
    expect(editFromEvent({ type: 'message', subtype: 'message_deleted', channel: 'C1', ts: '1.1' }, 'Ev', 'T1', identity)).toBeUndefined();
  });
});
