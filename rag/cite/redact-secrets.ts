// Secrets that slipped into the knowledge base (a pasted .env, a key in a runbook) must not be repeated in a
// chat channel. Each pattern matches a credential's published format closely enough that ordinary prose,
// code and ids pass untouched.

export const REDACTED = '[redacted]';

export type SecretKind =
  | 'private-key'
  | 'jwt'
  | 'google-api-key'
  | 'openai-key'
  | 'slack-token'
  | 'github-token'
  | 'aws-access-key'
  | 'notion-token'
  | 'bearer-token'
  | 'assignment';

export interface Redaction {
  text: string;
  /** How many secrets were replaced. */
  count: number;
  /** Which kinds, each once, in the order of the patterns. */
  kinds: SecretKind[];
}

// Token bodies must not continue into more token characters, or a longer id would be half-redacted.
const END = '(?![A-Za-z0-9_-])';
const START = '(?<![A-Za-z0-9_-])';

const PATTERNS: ReadonlyArray<{ kind: SecretKind; pattern: RegExp }> = [
  // The whole block, or to the end of the text when the END line is missing (a truncated paste).
  {
    kind: 'private-key',
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  // Header and payload are base64url JSON objects, so both start with `eyJ` (`{"`).
  { kind: 'jwt', pattern: new RegExp(`${START}eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}${END}`, 'g') },
  { kind: 'google-api-key', pattern: new RegExp(`${START}AIza[0-9A-Za-z_-]{35}${END}`, 'g') },
  // `sk-…`, `sk-proj-…`, `sk-svcacct-…`; the length keeps `sk-learn` and similar names out.
  { kind: 'openai-key', pattern: new RegExp(`${START}sk-(?:[a-z]+-)?[A-Za-z0-9_-]{20,}${END}`, 'g') },
  { kind: 'slack-token', pattern: new RegExp(`${START}(?:xox[abpr]|xapp)-[0-9A-Za-z-]{10,}${END}`, 'g') },
  { kind: 'github-token', pattern: new RegExp(`${START}(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})${END}`, 'g') },
  { kind: 'aws-access-key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: 'notion-token', pattern: new RegExp(`${START}(?:secret_|ntn_)[A-Za-z0-9]{30,}${END}`, 'g') },
  // An `Authorization: Bearer …` header pasted from a curl example; the word "Bearer" stays.
  { kind: 'bearer-token', pattern: /(?<=\bBearer\s+)[A-Za-z0-9._~+/-]{20,}=*/g },
];

/** Names of settings whose value is a secret: `password`, `DB_PASSWORD`, `api_key`, `GITHUB_TOKEN`, `client-secret`… */
export const SECRET_NAME = String.raw`[A-Za-z0-9_.-]*?(?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)`;

/**
 * `name = value`, `name: value`, `"name": "value"`. Group 1 keeps the name and separator, group 2 is a quoted
 * value, group 3 an unquoted one (up to whitespace, a comma, a semicolon or a closing bracket).
 */
const ASSIGNMENT = new RegExp(String.raw`(\b${SECRET_NAME}["']?\s*(?:=|:)\s*)(?:("[^"\n]{4,}"|'[^'\n]{4,}')|([^\s"',;)\]}]{4,}))`, 'gi');

/** Placeholders in documentation are not secrets: `<your-token>`, `${TOKEN}`, `$TOKEN`, `xxxx`, `****`, `process.env.X`. */
function isPlaceholder(value: string): boolean {
  const v = value.replace(/^["']|["']$/g, '');
  return /^(?:<.*>|\$\{?.*|\{\{.*|%.*%|[x*.•]+|process\.env\..*|env\(.*|\[redacted\]|null|none|true|false|undefined|required|optional)$/i.test(v);
}

/**
 * Code that computes the value rather than stating it: `const token = await sign(payload, secret)`,
 * `password = getPassword()`, `secret = new Secret(…)`. A secret written into code is a literal, quoted.
 */
function isExpression(value: string): boolean {
  return /^(?:await|new|yield|typeof|this|self|function|async|lambda|require|import)$/.test(value) || /^[A-Za-z_$][\w$.]*\(/.test(value);
}

/**
 * An unquoted value after a colon is often prose ("token: required", "password: see the vault"), so it must
 * look machine-made: a digit, a symbol or inner capitals. After `=`, or in quotes, any value counts.
 */
function looksSecret(value: string, separator: string): boolean {
  if (isPlaceholder(value) || isExpression(value)) return false;
  if (/^["']/.test(value) || separator.includes('=')) return true;
  return value.length >= 6 && /[0-9]|[^A-Za-z]|[a-z][A-Z]/.test(value);
}

export function redactSecrets(text: string): Redaction {
  let count = 0;
  const kinds: SecretKind[] = [];
  const note = (kind: SecretKind): void => {
    count++;
    if (!kinds.includes(kind)) kinds.push(kind);
  };

  let result = text;
  for (const { kind, pattern } of PATTERNS) {
    result = result.replace(pattern, () => {
      note(kind);
      return REDACTED;
    });
  }
  result = result.replace(ASSIGNMENT, (whole: string, lead: string, quoted: string | undefined, bare: string | undefined) => {
    const value = quoted ?? bare ?? '';
    // A token pattern above may already have replaced the value; the unquoted form stops at its `]`.
    const alreadyRedacted = value.includes(REDACTED) || REDACTED.startsWith(value);
    if (alreadyRedacted || !looksSecret(value, lead)) return whole;
    note('assignment');
    return quoted ? `${lead}${quoted[0]}${REDACTED}${quoted[0]}` : `${lead}${REDACTED}`;
  });
  return { text: result, count, kinds };
}
