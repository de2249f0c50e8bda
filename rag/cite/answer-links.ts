import type { Citation, Passage, SourceKind } from '../types.ts';
import { findCitationMarkers } from './parse-citations.ts';

// Links in an answer, made safe to follow. A document can plant a link ("get the VPN client at
// [vpn.corp.com](https://evil.example/…)") that an answer then quotes as a cited fact. So, in the final answer:
// - every link shows its real host: a masked link `[vpn.corp.com](https://evil.example/x)` reads
//   `[vpn.corp.com (evil.example)](https://evil.example/x)`; a mailto link shows its address;
// - a link whose target does not occur in a passage its sentence cites is removed (its label stays as plain text),
//   and so is a link to anything but http(s) or mailto;
// - an answer that rests only on lower-trust sources (LORE_LOW_TRUST_SOURCES) says so in a note.
// Applied once, in the answer pipeline's final step, so every surface (Slack, Discord, HTTP, CLI) gets it.

/** What can be marked lower-trust: a source, or GitHub's issues and pull requests, or its files, alone. */
export const TRUST_CLASSES = ['files', 'upload', 'notion', 'github', 'github-issues', 'github-files', 'web', 'verified'] as const;
export type TrustClass = (typeof TRUST_CLASSES)[number];

export interface AnswerLinkOptions {
  /** Sources whose word alone is not to be trusted: an answer resting only on them gets a note. */
  lowTrustSources?: readonly TrustClass[];
}

export interface CheckedLinks {
  text: string;
  /** Links removed because their target was not in a cited passage (or not http(s)/mailto). */
  removed: number;
  /** A note for the reader, when the answer rests only on lower-trust sources. */
  note?: string;
}

/** `[label](target)`, with one level of parentheses inside the target (`…/Foo_(bar)`) and an optional title. */
const MASKED = /(!?)\[([^\]\n]{0,500})\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))+)>?(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)/y;
/** `<https://…>` autolinks and bare URLs. */
const AUTOLINK = /<((?:https?|mailto):[^\s<>]+)>/y;
const BARE = /(?:https?:\/\/|www\.)[^\s<>()[\]`"']+/y;
const TRAILING_PUNCTUATION = /[.,;:!?'"*_~]+$/;

export function checkAnswerLinks(
  text: string,
  citations: readonly Citation[],
  passages: readonly Passage[],
  options: AnswerLinkOptions = {},
): CheckedLinks {
  const cited = citations.map((citation) => passageOf(citation, passages)).filter((p): p is Passage => p !== undefined);
  const markers = findCitationMarkers(text);
  const code = codeSpans(text);
  /** The passages the sentence holding `end` cites: the markers after it on its line, else every cited passage. */
  const citedAt = (end: number): Passage[] => {
    const lineEnd = text.indexOf('\n', end) === -1 ? text.length : text.indexOf('\n', end);
    const next = markers.find((m) => m.start >= end && m.start < lineEnd);
    if (!next) return cited;
    const numbers = new Set(markers.filter((m) => m.start >= next.start && m.start < lineEnd).flatMap((m) => m.numbers));
    const named = citations
      .filter((c) => numbers.has(c.n))
      .map((c) => passageOf(c, passages))
      .filter((p): p is Passage => p !== undefined);
    return named.length > 0 ? named : cited;
  };

  let out = '';
  let removed = 0;
  let i = 0;
  while (i < text.length) {
    const inCode = code.find(([from, to]) => i >= from && i < to);
    if (inCode) {
      out += text.slice(i, inCode[1]);
      i = inCode[1];
      continue;
    }
    const ch = text[i];
    if (ch === '[' || (ch === '!' && text[i + 1] === '[')) {
      MASKED.lastIndex = i;
      const m = MASKED.exec(text);
      if (m) {
        const [whole, bang, label, target] = m as unknown as [string, string, string, string];
        const end = i + whole.length;
        const kept = keepLink(target, citedAt(end));
        if (kept === 'relative') out += whole;
        else if (kept) out += `${bang}[${withHost(label, target)}](${target})`;
        else {
          removed += 1;
          out += label.trim() === '' ? '(link removed)' : label;
        }
        i = end;
        continue;
      }
    }
    if (ch === '<') {
      AUTOLINK.lastIndex = i;
      const m = AUTOLINK.exec(text);
      if (m) {
        const end = i + m[0].length;
        if (keepLink(m[1]!, citedAt(end))) out += m[0];
        else {
          removed += 1;
          out += '(link removed)';
        }
        i = end;
        continue;
      }
    }
    if ((ch === 'h' || ch === 'w') && (i === 0 || /[\s(>*_]/.test(text[i - 1]!))) {
      BARE.lastIndex = i;
      const m = BARE.exec(text);
      if (m) {
        const url = m[0].replace(TRAILING_PUNCTUATION, '');
        const end = i + url.length;
        if (keepLink(url.startsWith('www.') ? `https://${url}` : url, citedAt(end), url)) out += url;
        else {
          removed += 1;
          out += '(link removed)';
        }
        i = end;
        continue;
      }
    }
    out += ch;
    i += 1;
  }

  const low = new Set(options.lowTrustSources ?? []);
  const classes = citations.map(trustClassOf);
  const note =
    low.size > 0 && classes.length > 0 && classes.every((c) => low.has(c) || (c.startsWith('github-') && low.has('github')))
      ? `This answer rests only on lower-trust sources (${[...new Set(classes.map(describe))].join(', ')}): check it, and any link in it, before relying on it.`
      : undefined;
  return { text: out, removed, ...(note ? { note } : {}) };
}

/** GitHub issues and pull requests are written by anyone who may comment; files go through review. */
export function trustClassOf(citation: Pick<Citation, 'source' | 'url'>): TrustClass {
  if (citation.source !== 'github') return citation.source as Exclude<SourceKind, 'github'>;
  return /\/(?:issues|pull)\/\d+/.test(citation.url) ? 'github-issues' : 'github-files';
}

function describe(trust: TrustClass): string {
  return {
    files: 'files',
    upload: 'uploaded files',
    notion: 'Notion',
    github: 'GitHub',
    'github-issues': 'GitHub issues',
    'github-files': 'GitHub files',
    web: 'web pages',
    verified: 'verified answers',
  }[trust];
}

function passageOf(citation: Citation, passages: readonly Passage[]): Passage | undefined {
  return (
    passages.find((p) => p.docId === citation.docId && (p.chunkIds[0] ?? '') === citation.chunkId) ?? passages.find((p) => p.docId === citation.docId)
  );
}

/**
 * True to keep a link (its target occurs in one of the passages, or is one of them), false to remove it,
 * `relative` for a link with no scheme (it leads nowhere off the page and names no host; kept as written when its
 * passage has it).
 */
function keepLink(target: string, passages: readonly Passage[], asWritten = target): boolean | 'relative' {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1]?.toLowerCase();
  const occurs = passages.some((p) => p.url === target || mentions(p.text, asWritten) || mentions(p.text, target));
  if (scheme === undefined) return occurs ? 'relative' : false;
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'mailto') return false;
  if (scheme !== 'mailto' && hostOf(target) === undefined) return false;
  return occurs;
}

function mentions(text: string, target: string): boolean {
  if (text.includes(target)) return true;
  const bare = target.replace(/\/$/, '');
  return bare !== target && text.includes(bare);
}

function hostOf(target: string): string | undefined {
  try {
    const url = new URL(target);
    return url.protocol === 'mailto:' ? url.pathname : url.hostname || undefined;
  } catch {
    return undefined;
  }
}

/**
 * For chat renderers, on every link they draw, streamed text included: a label that looks like an address
 * ("vpn.corp.com") gets the real host after it when that is another one, so a masked link never passes for another
 * site while the answer is still being written. Other labels ("the guide") are left as they are.
 */
export function unmaskedLabel(label: string, target: string): string {
  const looksLikeAddress = /^\s*(?:https?:\/\/)?(?:[\w-]+\.)+[a-z]{2,}(?:[/:?#\s]|$)/i.test(label);
  // "runbook.md" and "setup.py" are file names (a source's title), not addresses, whatever their endings spell.
  return looksLikeAddress && !FILE_NAME.test(label.trim()) ? withHost(label, target) : label;
}

const FILE_NAME =
  /^[^\s/]+\.(?:md|mdx|markdown|txt|rst|adoc|pdf|docx?|pptx?|xlsx?|csv|tsv|html?|json|ya?ml|toml|xml|ts|tsx|js|jsx|mjs|py|rb|go|rs|java|kt|cs|c|h|cpp|sh|sql|ipynb)$/i;

/** The label, with the real host (or mail address) after it unless the label already shows exactly that. */
function withHost(label: string, target: string): string {
  const host = hostOf(target);
  if (!host) return label;
  if (label.trimEnd().endsWith(`(${host})`)) return label;
  const shown = label
    .trim()
    .toLowerCase()
    .replace(/^(?:https?:\/\/|mailto:)/, '')
    .replace(/^www\./, '')
    .split(/[/?#\s]/)[0];
  if (shown === host.toLowerCase().replace(/^www\./, '')) return label;
  return label.trim() === '' ? host : `${label} (${host})`;
}

/** Fenced code blocks and inline code: what is quoted there is not a link. */
function codeSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const match of text.matchAll(/```[\s\S]*?(?:```|$)|`[^`\n]*`/g)) spans.push([match.index, match.index + match[0].length]);
  return spans;
}
