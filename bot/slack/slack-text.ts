// Slack message text is escaped (`&amp;`, `&lt;`, `&gt;`) and carries its links and mentions in angle brackets
// (`<@U123>`, `<#C123|general>`, `<https://x.test|label>`). Questions are asked in plain words: Lore's own mention
// goes, the rest becomes what a reader sees. A person or channel mentioned is part of the question ("what did
// @maria say in #general"): without a name for it, its id stays as a neutral `@U123`, never dropped.

/** Names for mentions that carry no label in the text (user mentions never do), by id. */
export interface MentionNames {
  users: ReadonlyMap<string, string>;
  channels: ReadonlyMap<string, string>;
}

/** Plain text of a Slack message, without the mentions of `botUserId`. */
export function slackTextToPlain(text: string, botUserId?: string, names?: MentionNames): string {
  const plain = text.replace(/<([^<>]*)>/g, (_match, inner: string) => {
    const [target = '', label] = splitOnce(inner, '|');
    if (target.startsWith('@')) {
      const id = target.slice(1);
      if (botUserId !== undefined && id === botUserId) return ' ';
      return `@${label || names?.users.get(id) || id}`;
    }
    if (target.startsWith('#')) return `#${label || names?.channels.get(target.slice(1)) || target.slice(1)}`;
    if (target.startsWith('!subteam^')) return label ?? ' ';
    if (target.startsWith('!date^')) return label ?? ' ';
    // <!here>, <!channel>, <!everyone>: broadcasts, not words of the question.
    if (target.startsWith('!')) return ' ';
    if (target.startsWith('mailto:')) return label ?? target.slice('mailto:'.length);
    return label && label !== target ? `${label} (${target})` : target;
  });
  return decodeEntities(plain)
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();
}

/** Whether the text mentions a person (other than `botUserId`) or a channel by id alone, with no name to show. */
export function hasUnnamedMentions(text: string, botUserId: string): boolean {
  for (const match of text.matchAll(/<([@#])([A-Z0-9]+)>/g)) {
    if (match[1] === '#' || match[2] !== botUserId) return true;
  }
  return false;
}

/** Whether the text mentions `botUserId`. */
export function mentionsUser(text: string, userId: string): boolean {
  return text.includes(`<@${userId}>`) || text.includes(`<@${userId}|`);
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
