import { redactSecrets, SECRET_NAME } from './redact-secrets.ts';

/**
 * Redacts a streamed answer as it grows. A secret can arrive split across deltas, so a tail that could still turn
 * out to be (part of) a secret is held back until it is complete, and what is released is redacted as a whole:
 * its redaction is then final, whatever follows, and only its new end is returned. Every redacted region is one
 * run of text without whitespace, except three, each held back from where it starts until it ends:
 * - a quoted value after a secret's name (`db_password: "blue horse 42"`), until its closing quote or the line's end
 *   (a release never cuts one, even when its closing quote has already arrived);
 * - a private key block, from `-----BEGIN … PRIVATE KEY-----` until its END line;
 * - the BEGIN line itself, whose words are separated by spaces, until the line ends.
 */
export class StreamRedactor {
  private raw = '';
  /** What has been returned so far: the redaction of a prefix of `raw`. */
  private released = '';
  /** How far into `raw` the released text reaches. */
  private releasedRaw = 0;

  /** Adds a delta; returns the newly releasable, redacted text ('' when nothing is safe to show yet). */
  push(delta: string): string {
    this.raw += delta;
    const safeEnd = beforeQuotedSecret(this.raw, Math.min(endOfLastWord(this.raw), openPrivateKey(this.raw)), this.releasedRaw);
    if (safeEnd <= this.releasedRaw) return '';
    this.releasedRaw = safeEnd;
    return this.release(this.raw.slice(0, safeEnd));
  }

  /** Everything that is left, redacted: call once the stream has ended. */
  flush(): string {
    this.releasedRaw = this.raw.length;
    return this.release(this.raw);
  }

  private release(text: string): string {
    const redacted = redactSecrets(text).text;
    // With the tails above held back this is always a pure suffix. Were it ever not, the reader still gets the rest
    // (from where the two agree) rather than nothing more: a redacted text holds no secret to leak.
    const from = redacted.startsWith(this.released) ? this.released.length : commonPrefixLength(redacted, this.released);
    const fresh = redacted.slice(from);
    this.released = redacted;
    return fresh;
  }
}

/** After the last whitespace: a token still being written is never shown in part. */
function endOfLastWord(raw: string): number {
  return Math.max(raw.lastIndexOf(' '), raw.lastIndexOf('\n'), raw.lastIndexOf('\t'), raw.lastIndexOf('\r')) + 1;
}

/** How far before the released end a secret's name may stand from its value (the separator and spaces between). */
const NAME_LOOKBACK = 1_000;

/** A secret's name, its separator, and the quote that opens its value (group 1). */
const QUOTED_VALUE_START = new RegExp(String.raw`\b${SECRET_NAME}["']?\s*(?:=|:)\s*(["'])`, 'gi');

/**
 * `end`, or the opening quote of a secret's quoted value that `end` would cut (the value closes after `end`, or not
 * yet): a value is released whole or not at all, since its redaction needs its closing quote.
 */
function beforeQuotedSecret(raw: string, end: number, releasedRaw: number): number {
  const windowStart = Math.max(0, releasedRaw - NAME_LOOKBACK);
  for (const lead of raw.slice(windowStart, end).matchAll(QUOTED_VALUE_START)) {
    const quote = windowStart + lead.index + lead[0].length - 1;
    // The value ends at its closing quote, or at the line's end (then it is no secret value after all).
    const rest = raw.slice(quote + 1);
    const close = rest.search(lead[1] === '"' ? /["\n]/ : /['\n]/);
    const valueEnd = close < 0 ? Infinity : quote + 1 + close;
    if (end > quote && end <= valueEnd) return quote;
  }
  return end;
}

const BEGIN_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;
const END_PRIVATE_KEY = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;
/** The end of a line that may still become a BEGIN marker: five dashes and capitals so far, or a few dashes. */
const PARTIAL_MARKER = /(?:-{5,}[A-Z0-9 ]*-*|-{1,4})$/;

/** Where an unterminated private key block (or a BEGIN line still being written) starts, or the end of the text. */
function openPrivateKey(raw: string): number {
  let open = raw.length;
  for (const begin of raw.matchAll(BEGIN_PRIVATE_KEY)) {
    const after = begin.index + begin[0].length;
    if (!END_PRIVATE_KEY.test(raw.slice(after))) {
      open = begin.index;
      break;
    }
  }
  const lineStart = raw.lastIndexOf('\n') + 1;
  const partial = PARTIAL_MARKER.exec(raw.slice(lineStart));
  return Math.min(open, partial ? lineStart + partial.index : raw.length);
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
