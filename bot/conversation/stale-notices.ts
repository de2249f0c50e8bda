// Stale-source notices: when a sync really changes (or removes) a document that an answer in a thread cited, Lore
// adds one short reply there saying which source changed and suggesting to ask again. This is the chat side: who
// gets a notice (channels that opt in with `stale_notices: true` in the chat configuration, at most one a thread a
// day), its words, and posting it through the thread's platform. Which documents changed is app/'s business
// (app/stale-sources.ts), told here as `StaleThread`s.
import type { Logger } from 'pino';
import { redactSecrets } from '../../rag/cite/redact-secrets.ts';
import type { ChatPlatform } from './chat-platform.ts';
import type { PostedAnswer } from './chat-store.ts';

/** At most one notice a thread in this long. */
export const STALE_NOTICE_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** An answer posted in a chat thread, with the channel whose configuration applies there (a thread's parent). */
export interface PostedChatAnswer extends PostedAnswer {
  scopeChannelId: string;
}

/** A document an answer cited that changed, or went, after the answer was posted. */
export interface StaleCitation {
  /** The answer's citation number. */
  n: number;
  title: string;
  change: 'changed' | 'removed';
  /** When (ISO-8601). */
  at: string;
}

/** A thread holding an answer some of whose sources changed since. */
export interface StaleThread {
  platform: string;
  workspaceId?: string;
  channelId: string;
  /** The channel whose configuration applies (a Discord thread's parent channel). */
  scopeChannelId: string;
  threadId: string;
  citations: StaleCitation[];
}

export type StaleNoticeDecision = 'notify' | 'not-opted-in' | 'notified-recently';

/** Whether a thread gets a notice now: only where its channel opted in, and not twice within a day. */
export function decideStaleNotice(input: { optedIn: boolean; lastNoticeAt?: string; now: Date }): StaleNoticeDecision {
  if (!input.optedIn) return 'not-opted-in';
  const last = input.lastNoticeAt === undefined ? Number.NaN : Date.parse(input.lastNoticeAt);
  return Number.isFinite(last) && input.now.getTime() - last < STALE_NOTICE_INTERVAL_MS ? 'notified-recently' : 'notify';
}

/**
 * The notice's words (Markdown; the platform neutralises mentions and links as it does for answers), with secrets
 * in document titles redacted as answers' are: "The source [2] of this answer, “Backups”, changed on 2026-05-03;
 * ask again for a fresh answer."
 */
export function staleNoticeText(citations: readonly StaleCitation[]): string {
  const sorted = [...citations].sort((a, b) => a.n - b.n);
  const what = (citation: StaleCitation) => `${citation.change === 'removed' ? 'was removed' : 'changed'} on ${citation.at.slice(0, 10)}`;
  const name = (citation: StaleCitation) => `[${citation.n}] “${oneLine(citation.title)}”`;
  const text =
    sorted.length === 1
      ? `The source ${name(sorted[0]!)} of this answer ${what(sorted[0]!)}; ask again for a fresh answer.`
      : `Sources of this answer changed since it was written: ${sorted.map((c) => `${name(c)} ${what(c)}`).join('; ')}. Ask again for a fresh answer.`;
  return redactSecrets(text).text;
}

export interface StaleNotifierOptions {
  /** Whether the channel opted in (`stale_notices: true` in its entry, or its workspace's). */
  optedIn(platform: string, channelId: string, workspaceId?: string): boolean;
  /** The platforms connected now (a platform still connecting is not among them). */
  platforms(): readonly ChatPlatform[];
  log: Logger;
}

/** What app/ hands its stale threads to. */
export interface StaleNotifier {
  optedIn(where: Pick<StaleThread, 'platform' | 'scopeChannelId' | 'workspaceId'>): boolean;
  /** Posts the notice in the thread: false when its platform is not connected now; throws when posting fails. */
  post(thread: StaleThread): Promise<boolean>;
}

export function createStaleNotifier(options: StaleNotifierOptions): StaleNotifier {
  return {
    optedIn: (where) => options.optedIn(where.platform, where.scopeChannelId, where.workspaceId),
    async post(thread) {
      const platform = options.platforms().find((candidate) => candidate.name === thread.platform);
      if (!platform) return false;
      const messageId = await platform.post(
        { channelId: thread.channelId, threadId: thread.threadId },
        { kind: 'notice', text: staleNoticeText(thread.citations), tone: 'info' },
      );
      options.log.info(
        { platform: thread.platform, channel: thread.channelId, thread: thread.threadId, messageId, citations: thread.citations.map((c) => c.n) },
        'stale-source notice posted',
      );
      return true;
    },
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
