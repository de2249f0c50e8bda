// Answers are written in Markdown; Slack speaks mrkdwn: `*bold*`, `_italic_`, `~strike~`, `<url|label>` links,
// no headings, and `&`, `<`, `>` must be escaped or Slack reads them as its own markup (a stray `<!channel>` in a
// source must never ping a channel). Code spans and blocks keep their content, escaped. Every text Lore posts in
// Slack comes from a document, a title or a person, so it all goes through here: a Markdown link becomes a Slack
// link only to an http(s) or mailto address, since Slack's own link syntax is also its mention syntax
// (`[spec](!channel)` would otherwise be `<!channel|spec>`, a ping to everyone).
import { unmaskedLabel } from '../../rag/cite/answer-links.ts';

const BOLD = '\u0001';

export function markdownToMrkdwn(markdown: string): string {
  const out: string[] = [];
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) {
      inFence = !inFence;
      // Slack ignores a language after the fence and would show it as code text.
      out.push(line.replace(/^(\s*```).*$/, '$1'));
      continue;
    }
    out.push(inFence ? escapeSlack(line) : convertLine(line));
  }
  return out.join('\n');
}

/** Escapes the three characters Slack treats as markup. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Link targets Slack opens as addresses; anything else in `<…>` is a mention, a broadcast or a command. */
const LINKABLE = /^(?:https?:\/\/|mailto:)/i;

/**
 * A link Slack renders as `label`: no `|` or `>` can break out of it. A target that is not an http(s) or mailto
 * address (`!channel`, `@U123`, `#C123`, `!subteam^…`, `javascript:`) gives no link: the label, as plain text.
 */
export function slackLink(url: string, label: string): string {
  const safeLabel = escapeSlack(label.replace(/\|/g, '∣')).replace(/\s+/g, ' ').trim();
  if (!LINKABLE.test(url.trim())) return safeLabel || escapeSlack(url);
  const safeUrl = url.trim().replace(/[\s<>|]/g, (c) => encodeURIComponent(c));
  // The real host after the label, also while an answer streams in, before the final checks have run.
  const shown = safeLabel ? escapeSlack(unmaskedLabel(label.replace(/\|/g, '∣'), url.trim()).replace(/\s+/g, ' ').trim()) : safeUrl;
  return `<${safeUrl}|${shown}>`;
}

function convertLine(line: string): string {
  const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
  if (heading) return `*${convertInline(heading[1] ?? '').replace(/\*/g, '')}*`;
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) return `${bullet[1]}• ${convertInline(bullet[2] ?? '')}`;
  const quote = /^\s*>\s?(.*)$/.exec(line);
  if (quote) return `> ${convertInline(quote[1] ?? '')}`;
  return convertInline(line);
}

/** Inline Markdown outside code spans; code spans are only escaped. */
function convertInline(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? escapeSlack(part) : convertProse(part)))
    .join('');
}

/** A Markdown backslash escape: the character after it is itself, never markup ("MAX\\_SIZE", "\\[1\\]"). */
const ESCAPED = /\\([!-/:-@[-`{-~])/g;

function convertProse(text: string): string {
  const links: string[] = [];
  // Slack knows no backslash escapes and would show the backslash: the characters are set aside as themselves until
  // styling is done, so an escaped `*` or `_` styles nothing.
  const escaped: string[] = [];
  const marked = text.replace(/[\u0001\u0002\u0003]/g, '').replace(ESCAPED, (_m, char: string) => `\u0003${escaped.push(char) - 1}\u0003`);
  // Links first, before escaping: their URLs are made safe by slackLink, and their labels must not be re-styled.
  let converted = marked.replace(/\[([^\]]+)\]\((\S+?)(?:\s+"[^"]*")?\)/g, (_m, label: string, url: string) => {
    links.push(slackLink(url, stripInlineMarks(label)));
    return `\u0002${links.length - 1}\u0002`;
  });
  converted = escapeSlack(converted)
    .replace(/\*\*(?=\S)(.+?)(?<=\S)\*\*/g, `${BOLD}$1${BOLD}`)
    .replace(/__(?=\S)(.+?)(?<=\S)__/g, `${BOLD}$1${BOLD}`)
    .replace(/(^|[^\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])/g, '$1_$2_')
    .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, '~$1~')
    .replace(new RegExp(BOLD, 'g'), '*');
  return converted
    .replace(/\u0002(\d+)\u0002/g, (_m, i: string) => links[Number(i)] ?? '')
    .replace(/\u0003(\d+)\u0003/g, (_m, i: string) => escapeSlack(escaped[Number(i)] ?? ''));
}

function stripInlineMarks(text: string): string {
  return text.replace(/\*\*|__|~~|`/g, '');
}
