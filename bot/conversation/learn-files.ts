import type { Logger } from 'pino';
import { UploadRefusedError, type BotServices } from './bot-services.ts';
import { uploadScopeOf, type ChatPlatform, type IncomingMessage, type ThreadRef } from './chat-platform.ts';
import { friendlyError } from './friendly-error.ts';

// Files shared with Lore ("@Lore learn this", or sent in a DM) become the `upload` source of that channel. Each
// file is judged on its own — size and type before a byte is downloaded, then its content — and one bad file
// never stops the others. The thread is told what was learned and what was refused, and why.

/** More files than this in one message are not read: that is a bulk import, not a chat upload. */
export const MAX_FILES_PER_MESSAGE = 10;

/** "@Lore learn this", "@Lore add these to the docs": the words that make a shared file something to learn. */
export function asksToLearn(text: string): boolean {
  return /\b(?:learn|add|index|ingest)\b/i.test(text);
}

export interface LearnFilesOptions {
  platform: ChatPlatform;
  services: BotServices;
  log: Logger;
  message: IncomingMessage;
  thread: ThreadRef;
  /** The channel's scope lets it have uploads. */
  uploadsAllowed: boolean;
}

export async function learnFiles(options: LearnFilesOptions): Promise<void> {
  const { platform, log, message, thread } = options;
  if (!options.uploadsAllowed) {
    await platform.post(thread, {
      kind: 'notice',
      tone: 'info',
      text: "Uploads aren't enabled in this channel: its Lore configuration does not include the `upload` source.",
    });
    return;
  }
  await platform.markWorking(message.channelId, message.messageId, true).catch(() => undefined);
  const outcomes: Outcome[] = [];
  try {
    const files = message.files.slice(0, MAX_FILES_PER_MESSAGE);
    for (const file of files) outcomes.push(await learnOne(options, file));
    if (message.files.length > files.length) {
      const skipped = message.files.length - files.length;
      outcomes.push({ learned: false, line: `- ${skipped} more file(s) skipped: I read at most ${MAX_FILES_PER_MESSAGE} files per message.` });
    }
  } finally {
    await platform.markWorking(message.channelId, message.messageId, false).catch(() => undefined);
  }
  const lines = outcomes.map((outcome) => outcome.line);
  const learned = outcomes.some((outcome) => outcome.learned);
  const place = message.uploadScopeId !== undefined ? 'thread' : 'channel';
  const footer = learned ? `\n\nAsk me about it here: files shared in this ${place} are searched in this ${place} only.` : '';
  await platform
    .post(thread, { kind: 'notice', tone: learned ? 'info' : 'error', text: `${lines.join('\n')}${footer}` })
    .catch((error: unknown) => log.error({ err: error }, 'could not confirm an upload'));
}

interface Outcome {
  learned: boolean;
  line: string;
}

async function learnOne(options: LearnFilesOptions, file: IncomingMessage['files'][number]): Promise<Outcome> {
  const { platform, services, log, message } = options;
  // A platform's file id means nothing to the person who shared the file.
  let name = file.name;
  try {
    const details = await platform.fileDetails(file);
    name = details.name;
    const refusal = services.checkUpload({ name: details.name, sizeBytes: details.sizeBytes });
    if (refusal) throw new UploadRefusedError(refusal);
    const bytes = await platform.download(details, services.maxUploadBytes);
    const result = await services.ingestUpload({
      platform: platform.name,
      // Uploads are visible exactly where the conversation is: a channel (or public thread) shares them with the
      // channel, a Discord private thread keeps them to itself.
      channelId: uploadScopeOf(message),
      fileId: details.id,
      fileName: details.name,
      title: details.title,
      url: details.permalink,
      bytes,
      mimeType: details.mimeType,
      uploadedBy: message.userId,
    });
    log.info({ platform: platform.name, channel: message.channelId, file: details.id, status: result.status }, 'upload learned');
    const title = escapeMarkdown(result.title);
    if (result.status === 'unchanged') return { learned: true, line: `- I already know **${title}**: it has not changed.` };
    return { learned: true, line: `- Learned **${title}**${result.status === 'updated' ? ' (updated)' : ''}.` };
  } catch (error) {
    log.warn({ err: error, platform: platform.name, channel: message.channelId, file: file.id }, 'upload refused');
    const reason = error instanceof UploadRefusedError ? error.message : friendlyError(error, 'reading the file');
    return { learned: false, line: `- Could not learn ${name === undefined ? 'a file' : `**${escapeMarkdown(name)}**`}: ${reason}` };
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/([*_`~\\])/g, '\\$1');
}
