import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets, type SecretKind } from '../../../rag/cite/redact-secrets.ts';

// Built at run time so that this file itself holds nothing a secret scanner would flag.
const body = (length: number, alphabet = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'): string =>
  Array.from({ length }, (_, i) => alphabet[(i * 7 + 3) % alphabet.length]).join('');

const cases: Array<[SecretKind, string]> = [
  ['google-api-key', `AIza${body(35)}`],
  ['openai-key', `sk-${body(48)}`],
  ['openai-key', `sk-proj-${body(40)}`],
  ['slack-token', `xoxb-1234567890-0987654321-${body(24)}`],
  ['slack-token', `xoxp-${body(30)}`],
  ['slack-token', `xapp-1-A0123456789-${body(20)}`],
  ['github-token', `ghp_${body(36)}`],
  ['github-token', `gho_${body(36)}`],
  ['github-token', `github_pat_${body(22)}_${body(59)}`],
  ['aws-access-key', `AKIA${body(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`],
  ['notion-token', `secret_${body(43)}`],
  ['notion-token', `ntn_${body(46)}`],
  ['jwt', `eyJ${body(20)}.eyJ${body(40)}.${body(43)}`],
];

describe('redactSecrets', () => {
  it.each(cases)('redacts a %s and keeps the sentence around it', (kind, secret) => {
    const result = redactSecrets(`Use ${secret} for the staging bot.`);
    expect(result.text).toBe(`Use ${REDACTED} for the staging bot.`);
    expect(result.kinds).toEqual([kind]);
    expect(result.count).toBe(1);
  });

  it('redacts a whole private key block, and a truncated one to the end', () => {
    const block = `-----BEGIN OPENSSH PRIVATE KEY-----\n${body(64)}\n${body(64)}\n-----END OPENSSH PRIVATE KEY-----`;
    expect(redactSecrets(`Key:\n${block}\nThen restart.`).text).toBe(`Key:\n${REDACTED}\nThen restart.`);
    expect(redactSecrets(`-----BEGIN RSA PRIVATE KEY-----\n${body(64)}\n${body(30)}`).text).toBe(REDACTED);
    expect(redactSecrets(`-----BEGIN PRIVATE KEY-----\n${body(64)}\n-----END PRIVATE KEY-----`).kinds).toEqual(['private-key']);
  });

  it('redacts password and token assignments, keeping the name', () => {
    expect(redactSecrets('DB_PASSWORD=hunter2').text).toBe(`DB_PASSWORD=${REDACTED}`);
    expect(redactSecrets('password = "correct horse battery"').text).toBe(`password = "${REDACTED}"`);
    expect(redactSecrets('{"apiKey": "abc123def456", "name": "lore"}').text).toBe(`{"apiKey": "${REDACTED}", "name": "lore"}`);
    expect(redactSecrets('token: 9f8e7d6c5b4a').text).toBe(`token: ${REDACTED}`);
    expect(redactSecrets('client_secret: s3cr3t-Value, region: eu').text).toBe(`client_secret: ${REDACTED}, region: eu`);
    expect(redactSecrets('Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345').text).toBe(`Authorization: Bearer ${REDACTED}`);
  });

  it('leaves ordinary prose, code and placeholders alone', () => {
    const ordinary = [
      'The token: required for every request, see the admin guide.',
      'Password: Welcome to the onboarding page.',
      'Set GEMINI_API_KEY=<your-key> and SLACK_BOT_TOKEN=${SLACK_BOT_TOKEN} in .env.',
      'We use sk-learn and scikit-learn for the model; the ask-ai channel is busy.',
      'Commit 3f2a9c1d0b8e7f6a5c4d3b2a1f0e9d8c7b6a5f4e fixed the AKIA docs typo.',
      'max_tokens=1024 and temperature=0.2 are the defaults.',
      'The secretary approves travel; tokens are counted per request.',
      'The eyJ prefix marks base64 JSON.',
      'Call getToken() and then refreshToken(user).',
      'const token = await sign(payload, secret)',
      'const password = getPassword(user); const secret = new Secret(key)',
    ];
    for (const text of ordinary) {
      const result = redactSecrets(text);
      expect(result.text, text).toBe(text);
      expect(result.count).toBe(0);
    }
  });

  it('counts several secrets of different kinds', () => {
    const result = redactSecrets(`GITHUB_TOKEN=ghp_${body(36)}\nAWS key AKIA${body(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`);
    expect(result.text).toBe(`GITHUB_TOKEN=${REDACTED}\nAWS key ${REDACTED}`);
    expect(result.count).toBe(2);
    expect(result.kinds).toEqual(['github-token', 'aws-access-key']);
  });
});
