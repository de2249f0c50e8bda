// Message content as the conversation layer reads it. Discord writes mentions as `<@id>`, `<@&role>`, `<#channel>`
// and custom emoji as `<:name:id>`: the mention of Lore is dropped (it only addresses the question), the others
// become readable names. Lore's own messages are read back without their sources list and footer, so a thread's
// history holds what was said, not the decoration around it.
import type { HistoryMessage } from '../conversation/chat-platform.ts';

export interface MentionNames {
  user(id: string): string | undefined;
  role(id: string): string | undefined;
  channel(id: string): string | undefined;
}

export interface LoreMentions {
  userId: string;
  /** Lore's managed role: people sometimes mention it instead of the bot. */
  roleIds: ReadonlySet<string>;
}

export function discordTextToPlain(content: string, lore: LoreMentions, names: MentionNames): string {
  return content
    .replace(/<@!?(\d+)>/g, (_m, id: string) => (id === lore.userId ? ' ' : `@${names.user(id) ?? 'someone'}`))
    .replace(/<@&(\d+)>/g, (_m, id: string) => (lore.roleIds.has(id) ? ' ' : `@${names.role(id) ?? 'role'}`))
    .replace(/<#(\d+)>/g, (_m, id: string) => `#${names.channel(id) ?? 'channel'}`)
    .replace(/<a?:(\w+):\d+>/g, ':$1:')
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();
}

/** True when the content mentions Lore, as a user or through its managed role. */
export function mentionsLore(content: string, lore: LoreMentions): boolean {
  for (const match of content.matchAll(/<@(!|&)?(\d+)>/g)) {
    if (match[1] === '&' ? lore.roleIds.has(match[2]!) : match[2] === lore.userId) return true;
  }
  return false;
}

/**
 * One of Lore's messages as thread history: the answer without its sources and footer. The reply to a `/lore ask`
 * quotes the question on top; that quote is the asker's turn, so it is returned as a message of its own.
 */
export function loreMessageToHistory(messageId: string, content: string): HistoryMessage[] {
  const lines = content.split('\n');
  const quote: string[] = [];
  while (lines.length > 0 && lines[0]!.startsWith('> ')) quote.push(lines.shift()!.slice(2));
  const kept: string[] = [];
  for (const line of lines) {
    if (/^\*\*(?:Closest sources|Sources)\*\*$/.test(line.trim())) break;
    if (line.startsWith('-# ')) continue;
    kept.push(line);
  }
  const history: HistoryMessage[] = [];
  const question = unescapeMarkdown(quote.join(' ').trim());
  if (question !== '') history.push({ messageId: `${messageId}:question`, fromLore: false, text: question });
  const text = kept.join('\n').replace(/ ▍$/, '').trim();
  if (text !== '') history.push({ messageId, fromLore: true, text });
  return history;
}

function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\*_~`|<#>-])/g, '$1').replace(/\u200b/g, '');
}
