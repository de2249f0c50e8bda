// Slack message text is escaped (`&amp;`, `&lt;`, `&gt;`) and carries its links and mentions in angle brackets
// (`<@U123>`, `<#C123|general>`, `<https://x.test|label>`). Questions are asked in plain words: Lore's own mention
// goes, the rest becomes what a reader sees.

/** Plain text of a Slack message, without the mentions of `botUserId`. */
export function slackTextToPlain(text: string, botUserId?: string): string {
  const plain = text.replace(/<([^<>]*)>/g, (_match, inner: string) => {
    const [target = '', label] = splitOnce(inner, '|');
    if (target.startsWith('@')) {
      const id = target.slice(1);
      if (botUserId !== undefined && id === botUserId) return ' ';
      return label ? `@${label}` : ' ';
    }
    if (target.startsWith('#')) return label ? `#${label}` : target;
    if (target.startsWith('!subteam^')) return label ?? ' ';
    if (target.startsWith('!date^')) return label ?? ' ';
    // <!here>, <!channel>, <!everyone>: broadcasts, not words of the question.
    if (target.startsWith('!')) return ' ';
    if (target.startsWith('mailto:')) return label ?? target.slice('mailto:'.length);
    return label && label !== target ? `${label} (${target})` : target;
  });
  return decodeEntities(plain).replace(/[ \t]+/g, ' ').replace(/ *\n */g, '\n').trim();
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
