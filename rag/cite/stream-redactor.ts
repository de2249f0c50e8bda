import { redactSecrets } from './redact-secrets.ts';

/**
 * Redacts a streamed answer as it grows. A secret can arrive split across deltas, so text is released only
 * up to the last whitespace (no token pattern spans whitespace) and never past an unterminated private-key
 * block; what is released is redacted as a whole, and only its new tail is returned.
 */
export class StreamRedactor {
  private raw = '';
  private released = '';

  /** Adds a delta; returns the newly releasable, redacted text ('' when nothing is safe to show yet). */
  push(delta: string): string {
    this.raw += delta;
    let safeEnd = Math.max(this.raw.lastIndexOf(' '), this.raw.lastIndexOf('\n')) + 1;
    const openKey = this.raw.lastIndexOf('-----BEGIN');
    if (openKey >= 0 && this.raw.indexOf('-----END', openKey) < 0) safeEnd = Math.min(safeEnd, openKey);
    return this.release(this.raw.slice(0, safeEnd));
  }

  /** Everything that is left, redacted: call once the stream has ended. */
  flush(): string {
    return this.release(this.raw);
  }

  private release(text: string): string {
    const redacted = redactSecrets(text).text;
    // Redaction of the released prefix is stable as text is appended, so the new part is a pure suffix.
    if (!redacted.startsWith(this.released)) return '';
    const fresh = redacted.slice(this.released.length);
    this.released = redacted;
    return fresh;
  }
}
