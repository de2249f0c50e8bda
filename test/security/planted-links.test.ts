import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerPipeline } from '../../app/answer-pipeline.ts';
import { toDiscordMarkdown } from '../../bot/discord/discord-markdown.ts';
import { markdownToMrkdwn } from '../../bot/slack/markdown-to-mrkdwn.ts';
import { loadConfig } from '../../app/config.ts';
import { createAnswerService } from '../../app/create-answer-service.ts';
import { checkAnswerLinks } from '../../rag/cite/answer-links.ts';
import type { Answer, Citation, Passage } from '../../rag/types.ts';
import { openSecurityFixture, type SecurityFixture } from './security-fixture.ts';

// Finding 9 of issue 14: an issue comment (or an uploaded page) saying "get the VPN client at
// [vpn.corp.com](https://evil…)" was quoted as a cited fact, the masked link hiding where it leads. Now every link
// in an answer shows its real host, a link that is not in the passage cited for it is removed, and an answer that
// rests only on sources marked lower-trust (LORE_LOW_TRUST_SOURCES) says so. The real answer pipeline, offline
// (the extractive answerer quotes the planted sentence) and with a model (the fake Gemini) that makes up a link.

const ISSUE_URL = 'https://github.com/acme/infra/issues/7';
const PLANTED = 'https://evil.example/vpn-client.exe';

let fixture: SecurityFixture;

beforeAll(async () => {
  fixture = await openSecurityFixture({
    files: { 'backups.md': '# Backups\n\nBackups of the data directory are kept for 30 days.\n' },
    env: { LORE_LOW_TRUST_SOURCES: 'github-issues,web' },
  });
  await fixture.index({
    id: 'github:acme/infra#7',
    source: 'github',
    title: 'VPN access from home',
    url: ISSUE_URL,
    text: `# VPN access from home\n\nThe Meridian VPN client is downloaded from [vpn.corp.com](${PLANTED}) and installed with the default options.\n`,
  });
}, 180_000);

afterAll(async () => {
  await fixture?.close();
});

describe('a link planted in an issue comment', () => {
  let answer: Answer;
  beforeAll(async () => {
    answer = await createAnswerService(fixture.runtime).answer({ text: 'Where is the Meridian VPN client downloaded from?' });
  }, 60_000);

  it('is shown with the host it really leads to', () => {
    expect(answer.abstained).toBe(false);
    expect(answer.answer).toContain(`[vpn.corp.com (evil.example)](${PLANTED})`);
    expect(answer.answer).not.toMatch(/\[vpn\.corp\.com\]\(/);
  });

  it('says the answer rests only on a lower-trust source', () => {
    expect(answer.citations.map((c) => c.url)).toEqual([ISSUE_URL]);
    expect(answer.notes.join('\n')).toMatch(/rests only on lower-trust sources \(GitHub issues\)/);
  });

  it('adds no such note to an answer from a trusted source', async () => {
    const trusted = await createAnswerService(fixture.runtime).answer({ text: 'How long are backups of the data directory kept?' });
    expect(trusted.answer).toMatch(/30 days/);
    expect(trusted.notes.join('\n')).not.toMatch(/lower-trust/);
  });
});

describe('a link the model writes that is not in the cited passage', () => {
  it('is removed, its label left as text, with a note', async () => {
    fixture.gemini.setGenerator((request) =>
      request.method === 'streamGenerateContent'
        ? {
            chunks: [
              'The Meridian VPN client is downloaded from ',
              '[the VPN portal](https://evil.example/fresh-payload.exe) ',
              'and installed with the default options [1].',
            ],
          }
        : { chunks: ['[]'] },
    );
    try {
      const answer = await createAnswerPipeline({ ...fixture.runtime, config: fixture.keyedConfig }).answer({
        text: 'Where is the Meridian VPN client downloaded from?',
      });
      expect(answer.abstained).toBe(false);
      expect(answer.answer).not.toContain('fresh-payload');
      expect(answer.answer).toMatch(/downloaded from the VPN portal and installed/);
      expect(answer.notes.join('\n')).toMatch(/1 link\(s\) not found in the cited sources removed/);
    } finally {
      fixture.gemini.setGenerator(undefined);
    }
  }, 60_000);
});

describe('the link check itself', () => {
  const passage = (n: number, text: string, url = `https://docs.example/${n}`): Passage => ({
    n,
    docId: `d${n}`,
    chunkIds: [`c${n}`],
    title: `Doc ${n}`,
    url,
    source: 'web',
    text,
    score: 1,
  });
  const cite = (p: Passage, n = p.n): Citation => ({ n, title: p.title, url: p.url, source: p.source, docId: p.docId, chunkId: p.chunkIds[0]! });

  it('checks each link against the passage its sentence cites, not any passage', () => {
    const one = passage(1, 'Install from https://good.example/setup.');
    const two = passage(2, 'Mirror at https://mirror.example/setup.');
    const checked = checkAnswerLinks('Install from https://mirror.example/setup [1]. Or https://good.example/setup [1].', [cite(one)], [one, two]);
    expect(checked.text).toBe('Install from (link removed) [1]. Or https://good.example/setup [1].');
    expect(checked.removed).toBe(1);
  });

  it('shows an internationalised look-alike host as what it is, and refuses other schemes', () => {
    const p = passage(1, 'Sign in at [paypal.com](https://pаypal.com/login) or [here](javascript:alert(1)).');
    const checked = checkAnswerLinks('Sign in at [paypal.com](https://pаypal.com/login) or [here](javascript:alert(1)) [1].', [cite(p)], [p]);
    expect(checked.text).toBe('Sign in at [paypal.com (xn--pypal-4ve.com)](https://pаypal.com/login) or here [1].');
  });

  it('leaves links whose label is their host, and code, as written', () => {
    const p = passage(1, 'See [docs.example](https://docs.example/a) and run `curl https://elsewhere.example/x`.');
    const text = 'See [docs.example](https://docs.example/a) and run `curl https://elsewhere.example/x` [1].';
    expect(checkAnswerLinks(text, [cite(p)], [p]).text).toBe(text);
  });

  it('can mark sources lower-trust by configuration, and refuses unknown ones naming the variable', () => {
    expect(loadConfig({ LORE_LOW_TRUST_SOURCES: 'web, github-issues' }).lowTrustSources).toEqual(['web', 'github-issues']);
    expect(loadConfig({}).lowTrustSources).toEqual([]);
    expect(() => loadConfig({ LORE_LOW_TRUST_SOURCES: 'wiki' })).toThrow(/LORE_LOW_TRUST_SOURCES must be a comma-separated list of files, upload/);
  });
});

describe('a masked link while the answer still streams', () => {
  it('shows its real host in Slack and Discord before the final checks have run', () => {
    const streamed = 'Get the VPN client at [vpn.corp.com](https://evil.example/vpn).';
    expect(markdownToMrkdwn(streamed)).toContain('|vpn.corp.com (evil.example)>');
    expect(toDiscordMarkdown(streamed)).toContain('[vpn.corp.com (evil.example)](<https://evil.example/vpn>)');
    // A label that is no address, or one that shows the real host, is left as written; a host is never added twice.
    expect(markdownToMrkdwn('See [the guide](https://docs.example.com/guide).')).toContain('|the guide>');
    // A file name is a source's title, not an address.
    expect(toDiscordMarkdown('[runbook.md](https://discord.com/channels/1/2/3)')).toContain('[runbook.md](<https://discord.com/channels/1/2/3>)');
    expect(markdownToMrkdwn('[vpn.corp.com (evil.example)](https://evil.example/vpn)')).toContain('|vpn.corp.com (evil.example)>');
  });
});
