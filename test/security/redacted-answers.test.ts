import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAnswerPipeline } from '../../app/answer-pipeline.ts';
import { ask } from '../../app/commands/ask.ts';
import { createAnswerService } from '../../app/create-answer-service.ts';
import { createHttpServer } from '../../app/http/create-server.ts';
import type { Answer } from '../../rag/types.ts';
import { openSecurityFixture, type SecurityFixture } from './security-fixture.ts';

// Finding 3 of issue 14: the answer was redacted, but the retrieved passages that travel with it (`contexts`) held
// the runbook's secrets verbatim, on answers and abstentions alike, over HTTP (JSON and SSE) and in `lore ask
// --json`. Each test asks the real pipeline, through the real surfaces, for what a runbook with credentials holds.

const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const DB_PASSWORD = 'blue horse 42';
const SLACK_TOKEN = 'xoxb-2048-key-in-a-title-9f8e7d';
const SECRETS = [AWS_SECRET, DB_PASSWORD, SLACK_TOKEN];

const RUNBOOK = [
  '# Backup job runbook',
  '',
  'The nightly backup job uploads the data directory to the archive bucket and keeps backups for 30 days.',
  'It authenticates with these settings:',
  '',
  'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
  `AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`,
  `db_password: "${DB_PASSWORD}"`,
  '',
  'Rotate the backup credentials every 90 days.',
].join('\n');

let fixture: SecurityFixture;
let api: FastifyInstance;

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text, `leaked ${secret}`).not.toContain(secret);
}

beforeAll(async () => {
  fixture = await openSecurityFixture({ files: { 'backup-runbook.md': RUNBOOK } });
  // A page whose title itself carries a token: it is listed among the sources, and among the closest ones.
  await fixture.index({
    id: 'web:https://wiki.example/rotation',
    source: 'web',
    title: `Rotation notes for ${SLACK_TOKEN}`,
    url: 'https://wiki.example/rotation',
    text: '# Rotation\n\nThe backup credentials are rotated by the platform team every 90 days.\n',
  });
  api = await createHttpServer({ runtime: fixture.runtime, answers: createAnswerService(fixture.runtime) });
}, 180_000);

afterAll(async () => {
  await api?.close();
  await fixture?.close();
});

describe('secrets in the knowledge base', () => {
  it('never leave in POST /query: not in the answer, its sources or its contexts', async () => {
    const response = await api.inject({
      method: 'POST',
      url: '/query',
      payload: { question: 'Which settings does the backup job authenticate with?' },
    });
    const answer = response.json<Answer>();
    expect(answer.contexts.map((c) => c.text).join('\n')).toMatch(/AWS_SECRET_ACCESS_KEY=\[redacted\]/);
    expectNoSecret(response.body);
  });

  it('never leave in the server-sent answer event', async () => {
    const response = await api.inject({
      method: 'POST',
      url: '/query',
      headers: { accept: 'text/event-stream' },
      payload: { question: 'What is the database password of the backup job?' },
    });
    expect(response.body).toMatch(/event: answer/);
    expectNoSecret(response.body);
  });

  it('never leave with an abstention: its contexts and closest sources are redacted too', async () => {
    const response = await api.inject({
      method: 'POST',
      url: '/query',
      payload: { question: 'Which Kubernetes version does the rotation cluster of the backup job run?' },
    });
    const answer = response.json<Answer>();
    expect(answer.abstained).toBe(true);
    expect(answer.contexts.length).toBeGreaterThan(0);
    expect(answer.citations.map((c) => c.title)).toContain('Rotation notes for [redacted]');
    expect(answer.answer).toContain('Rotation notes for [redacted]');
    expectNoSecret(response.body);
  });

  it('never leave in `lore ask --json`, nor in the query log', async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await ask(createAnswerService(fixture.runtime), 'Which settings does the backup job authenticate with?', { json: true });
    } finally {
      spy.mockRestore();
    }
    expect((JSON.parse(written.join('')) as Answer).contexts.length).toBeGreaterThan(0);
    expectNoSecret(written.join(''));
    expectNoSecret(JSON.stringify(fixture.runtime.db!.prepare('SELECT * FROM query_log').all()));
  });

  it('are redacted by the pipeline itself, for every caller of it', async () => {
    const answer = await createAnswerPipeline(fixture.runtime).answer({ text: 'Which settings does the backup job authenticate with?' });
    expect(answer.contexts.length).toBeGreaterThan(0);
    expectNoSecret(JSON.stringify(answer.contexts));
  });
});
