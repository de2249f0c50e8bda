import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { AnswerMessage, StreamedMessage, ThreadRef } from '../conversation/chat-platform.ts';
import { renderAnswerTail, renderSlackMessage } from './slack-blocks.ts';
import { escapeSlack } from './markdown-to-mrkdwn.ts';

// An answer written with Slack's chat streaming (chat.startStream / appendStream / stopStream, through the SDK's
// ChatStreamer): https://docs.slack.dev/reference/methods/chat.startStream. The stream starts at once with a task
// ("Looking through the knowledge base"), standing in for the placeholder an edited answer gets; text is appended as
// the pipeline releases it (already redacted there, as for edited answers) and neutralised here; the stream stops
// with the sources, the footer and the feedback buttons. The claim check may drop or change sentences after they
// were streamed, so when the final text is not what was streamed, the message is edited into the final rendering.

/** The task shown while Lore works, completed when the stream stops. */
const WORKING_TASK = { type: 'task_update', id: 'lore-answer', title: 'Looking through the knowledge base' } as const;

export interface SlackStreamOptions {
  client: webApi.WebClient;
  thread: ThreadRef;
  /** Slack requires both outside direct messages. */
  recipientUserId: string;
  recipientTeamId?: string;
  log: Logger;
  /** Characters ChatStreamer collects before an appendStream call (the SDK's default is 256). */
  bufferChars?: number;
}

export class SlackStream implements StreamedMessage {
  /** The Markdown appended so far, as the pipeline gave it. */
  private streamed = '';

  private constructor(
    private readonly streamer: webApi.ChatStreamer,
    readonly messageId: string,
    private readonly options: SlackStreamOptions,
  ) {}

  /** Starts the stream (chat.startStream); rejects with Slack's error when it refuses to stream there. */
  static async start(options: SlackStreamOptions): Promise<SlackStream> {
    const { client, thread } = options;
    const streamer = client.chatStream({
      channel: thread.channelId,
      thread_ts: thread.threadId,
      recipient_user_id: options.recipientUserId,
      ...(options.recipientTeamId ? { recipient_team_id: options.recipientTeamId } : {}),
      ...(options.bufferChars ? { buffer_size: options.bufferChars } : {}),
    });
    // Chunks flush at once (text waits for the buffer): the stream, and so the message, exists from here on.
    await streamer.append({ chunks: [{ ...WORKING_TASK, status: 'in_progress' }] });
    if (!streamer.ts) throw new Error('Slack started the stream but returned no timestamp');
    return new SlackStream(streamer, streamer.ts, options);
  }

  async append(text: string): Promise<void> {
    this.streamed += text;
    try {
      // The same neutralising as every text Lore posts in Slack (markdownToMrkdwn escapes these three characters in
      // prose and code alike): escaping is per character, so escaping each piece escapes the whole, wherever it splits.
      await this.streamer.append({ markdown_text: escapeSlack(text) });
    } catch (error) {
      // ChatStreamer keeps unsent text in its buffer: the next append (or stop) sends it.
      this.options.log.warn(
        { err: error, channel: this.options.thread.channelId },
        'appending to a streamed answer failed; the next append carries it',
      );
    }
  }

  async finish(message: AnswerMessage): Promise<void> {
    let stopped = true;
    try {
      await this.streamer.stop({ chunks: [{ ...WORKING_TASK, status: 'complete' }], blocks: renderAnswerTail(message) });
    } catch (error) {
      stopped = false;
      this.options.log.warn({ err: error, channel: this.options.thread.channelId }, 'stopping a streamed answer failed; editing it into the answer');
    }
    if (stopped && message.answer.answer.trim() === this.streamed.trim()) return;
    const rendered = renderSlackMessage(message);
    await this.options.client.chat.update({
      channel: this.options.thread.channelId,
      ts: this.messageId,
      text: rendered.text,
      blocks: rendered.blocks,
    });
  }

  async abandon(): Promise<void> {
    await this.streamer.stop({ chunks: [{ ...WORKING_TASK, status: 'error' }] }).catch((error: unknown) => {
      this.options.log.debug({ err: error }, 'could not stop an abandoned stream');
    });
  }
}
