import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCacheKey } from '../../app/answer-cache.ts';
import { loadConfig } from '../../app/config.ts';
import { createAnswerService } from '../../app/create-answer-service.ts';
import { createHttpServer } from '../../app/http/create-server.ts';
import type { Answer } from '../../rag/types.ts';
import { openSecurityFixture, type SecurityFixture } from './security-fixture.ts';

// Finding 2 of issue 14: every API key saw every source. A key given to a public web widget must be answered from
// the web pages it was meant for, never from the internal files, whatever the request asks for and whatever another
// key's answer left in the cache.

const WIDGET = 'widget-key-0123456789';
const INTERNAL = 'internal-key-0123456789';
const BACKUPS = 'How long are backups of the data directory kept?';

let fixture: SecurityFixture;
let api: FastifyInstance;

const ask = (key: string, body: Record<string, unknown>) =>
  api.inject({ method: 'POST', url: '/query', headers: { authorization: `Bearer ${key}` }, payload: body });

beforeAll(async () => {
  fixture = await openSecurityFixture({
    files: { 'backups.md': '# Backups\n\nBackups of the data directory are kept for 30 days in the internal vault.\n' },
    env: { LORE_API_KEYS: `widget:${WIDGET}:web,internal:${INTERNAL}` },
  });
  await fixture.index({
    id: 'web:https://example.com/status',
    source: 'web',
    title: 'Status page',
    url: 'https://example.com/status',
    text: '# Status\n\nThe public status page shows whether the data directory service is up.\n',
  });
  api = await createHttpServer({ runtime: fixture.runtime, answers: createAnswerService(fixture.runtime) });
}, 180_000);

afterAll(async () => {
  await api?.close();
  await fixture?.close();
});

function sourcesOf(answer: Answer): string[] {
  const docIds = [...answer.citations.map((c) => c.docId), ...answer.contexts.map((c) => c.docId)];
  return [...new Set(docIds.map((id) => id.split(':')[0]!))];
}

describe('an API key limited to sources', () => {
  it('reads LORE_API_KEYS entries as key, name:key and name:key:source+source', () => {
    const { keys } = loadConfig({ LORE_API_KEYS: 'widget:k-one:web, internal:k-two, k-three, docs:k-four:files+notion' }).api;
    expect(keys).toEqual([
      { name: 'widget', key: 'k-one', sources: ['web'] },
      { name: 'internal', key: 'k-two' },
      { key: 'k-three' },
      { name: 'docs', key: 'k-four', sources: ['files', 'notion'] },
    ]);
  });

  it('refuses an unknown source at start, naming the entry but never the key', () => {
    expect(() => loadConfig({ LORE_API_KEYS: 'widget:sekret-value:wbe' })).toThrow(/LORE_API_KEYS entry 1 \(widget\) names an unknown source "wbe"/);
    expect(() => loadConfig({ LORE_API_KEYS: 'widget:sekret-value:wbe' })).not.toThrow(/sekret/);
    expect(() => loadConfig({ LORE_API_KEYS: 'a:sekret-value,b:sekret-value' })).toThrow(/entry 2 \(b\) repeats the key of entry 1/);
  });

  it('is never answered from a source outside its list, even when it asks for one', async () => {
    const plain = (await ask(WIDGET, { question: BACKUPS })).json<Answer>();
    expect(plain.answer).not.toMatch(/30 days|vault/);
    expect(JSON.stringify(plain)).not.toMatch(/internal vault/);
    expect(sourcesOf(plain).filter((source) => source !== 'web')).toEqual([]);

    const asked = (await ask(WIDGET, { question: BACKUPS, sources: ['files'] })).json<Answer>();
    expect(asked.abstained).toBe(true);
    expect(JSON.stringify(asked)).not.toMatch(/30 days|internal vault/);

    const streamed = await api.inject({
      method: 'POST',
      url: '/query',
      headers: { authorization: `Bearer ${WIDGET}`, accept: 'text/event-stream' },
      payload: { question: BACKUPS },
    });
    expect(streamed.statusCode).toBe(200);
    expect(streamed.body).not.toMatch(/30 days|internal vault/);
  });

  it('does not get the answer another key left in the cache', async () => {
    const question = 'How long are backups kept in the vault?';
    const internal = (await ask(INTERNAL, { question })).json<Answer>();
    expect(internal.answer).toMatch(/30 days/);
    expect((await ask(INTERNAL, { question })).json<Answer>().cached).toBe(true);

    const widget = (await ask(WIDGET, { question })).json<Answer>();
    expect(widget.cached).toBeFalsy();
    expect(JSON.stringify(widget)).not.toMatch(/30 days|internal vault/);
    // The scope itself is in the key, not only the caller's upload scope.
    const base = { text: question, uploadScope: 'http:same' };
    expect(answerCacheKey({ ...base, allowedSources: ['web'] }, 'v1')).not.toBe(answerCacheKey(base, 'v1'));
  });

  it('answers a key without a list from every source', async () => {
    const answer = (await ask(INTERNAL, { question: BACKUPS })).json<Answer>();
    expect(answer.answer).toMatch(/30 days/);
  });

  it('may not upload when its sources leave uploads out', async () => {
    const form = new FormData();
    form.append('file', new Blob(['# Planted\n\nBackups are kept forever.\n']), 'planted.md');
    const request = new Request('http://localhost/ingest', { method: 'POST', body: form });
    const response = await api.inject({
      method: 'POST',
      url: '/ingest',
      headers: { authorization: `Bearer ${WIDGET}`, 'content-type': request.headers.get('content-type')! },
      payload: Buffer.from(await request.arrayBuffer()),
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'forbidden', message: expect.stringMatching(/limited to web/) });
    expect(fixture.runtime.db!.prepare("SELECT COUNT(*) FROM documents WHERE source = 'upload'").pluck().get()).toBe(0);
  });
});
