// Answers are written in Markdown, and Discord renders most of it as is. What needs care: links must be wrapped in
// `<>` or Discord unfurls each one into a preview card; only three heading levels exist; `file://` links are not
// clickable; and a source that says "@everyone" must not even look like a ping (allowed mentions already stop the
// ping itself). Code spans and blocks are left exactly as written.
import { unmaskedLabel } from '../../rag/cite/answer-links.ts';

const ZERO_WIDTH_SPACE = '\u200b';
const PLACEHOLDER = '\u0002';

export function toDiscordMarkdown(markdown: string): string {
  const out: string[] = [];
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) {
      inFence = !inFence;
      out.push(line);
      continue;
    }
    out.push(inFence ? line : convertLine(line));
  }
  return out.join('\n');
}

/** A link Discord shows as `label` without a preview card; a link it cannot open is shown as the label alone. */
export function discordLink(url: string, label: string): string {
  const text = escapeDiscord(
    label
      .replace(/[[\]]/g, (c) => (c === '[' ? '(' : ')'))
      .replace(/\s+/g, ' ')
      .trim(),
  );
  if (!/^https?:\/\//i.test(url)) return text === '' ? escapeDiscord(url) : `**${text}**`;
  const safeUrl = url.replace(/[\s<>]/g, (c) => encodeURIComponent(c));
  // The real host after the label, also while an answer streams in, before the final checks have run.
  const shown =
    text === ''
      ? safeUrl
      : escapeDiscord(
          unmaskedLabel(
            label
              .replace(/[[\]]/g, (c) => (c === '[' ? '(' : ')'))
              .replace(/\s+/g, ' ')
              .trim(),
            url,
          ),
        );
  return `[${shown}](<${safeUrl}>)`;
}

/** Escapes the characters Discord reads as formatting, and defuses mass mentions. */
export function escapeDiscord(text: string): string {
  // `#`, `-` and `>` only format at the start of a line (heading, list, quote).
  return defuseMassMentions(text.replace(/[\\*_~`|<]/g, '\\$&').replace(/^([#>-])/, '\\$1'));
}

function convertLine(line: string): string {
  // Discord has three heading sizes; deeper headings become bold lines.
  const deep = /^\s{0,3}#{4,6}\s+(.*?)\s*#*\s*$/.exec(line);
  if (deep) return `**${convertInline(deep[1] ?? '').replace(/\*\*/g, '')}**`;
  return convertInline(line);
}

/** Inline Markdown outside code spans; code spans are kept as they are. */
function convertInline(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : convertProse(part)))
    .join('');
}

function convertProse(text: string): string {
  const links: string[] = [];
  const keep = (rendered: string): string => {
    links.push(rendered);
    return `${PLACEHOLDER}${links.length - 1}${PLACEHOLDER}`;
  };
  let converted = text.replaceAll(PLACEHOLDER, '');
  // Masked links first (their URLs must not be touched again), then links already in <>, then bare URLs.
  converted = converted.replace(/\[([^\]]+)\]\(<?(\S+?)>?(?:\s+"[^"]*")?\)/g, (_m, label: string, url: string) =>
    keep(discordLink(url, label.replace(/\*\*|__|~~|`/g, ''))),
  );
  converted = converted.replace(/<(https?:\/\/[^\s<>]+)>/g, (_m, url: string) => keep(`<${url}>`));
  converted = converted.replace(/https?:\/\/[^\s<>]+/g, (url) => {
    // Sentence punctuation after a bare URL is not part of it.
    const trailing = /[.,;:!?)'"]+$/.exec(url)?.[0] ?? '';
    return keep(`<${url.slice(0, url.length - trailing.length)}>`) + trailing;
  });
  converted = defuseMassMentions(converted);
  return converted.replace(new RegExp(`${PLACEHOLDER}(\\d+)${PLACEHOLDER}`, 'g'), (_m, i: string) => links[Number(i)] ?? '');
}

function defuseMassMentions(text: string): string {
  return text.replace(/@(everyone|here)\b/g, `@${ZERO_WIDTH_SPACE}$1`);
}
