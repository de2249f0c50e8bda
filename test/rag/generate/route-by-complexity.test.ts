import { describe, expect, it } from 'vitest';
import { isComplexQuestion, RoutingGenerator } from '../../../rag/generate/route-by-complexity.ts';
import type { GenerationEvent, GenerationRequest, Generator } from '../../../rag/types.ts';

const request = (question: string, extra: Partial<GenerationRequest> = {}): GenerationRequest => ({ question, passages: [], ...extra });

class Recording implements Generator {
  calls = 0;
  constructor(readonly id: string) {}
  async *generate(): AsyncGenerator<GenerationEvent> {
    this.calls += 1;
    yield { type: 'done', text: this.id, model: this.id };
  }
}

describe('isComplexQuestion', () => {
  it.each(['How long are backups kept?', 'Where is the Slack manifest?', 'Who owns the on-call rota?', 'What port does Lore listen on'])(
    'treats a short lookup as simple: %s',
    (question) => expect(isComplexQuestion(request(question))).toBe(false),
  );

  it.each([
    'Why did we move from Postgres to SQLite?',
    'Compare the Slack and Discord adapters',
    'What is the difference between /health and /ready?',
    'Explain how the sync cursor works',
    'What are the trade-offs of Socket Mode vs HTTP mode?',
    'How long are backups kept? And who can restore them?',
    'When a channel is restricted to Notion and someone asks about a GitHub issue that was transferred to another repository last week, what does Lore answer?',
  ])('treats a question that needs reasoning as complex: %s', (question) => expect(isComplexQuestion(request(question))).toBe(true));

  it('treats a follow-up in a thread as complex: it must be read with its history', () => {
    expect(isComplexQuestion(request('and the query log?', { history: [{ role: 'user', text: 'How long are backups kept?' }] }))).toBe(true);
  });
});

describe('RoutingGenerator', () => {
  it('delegates each request to the route it takes and reports it', async () => {
    const simple = new Recording('lite');
    const complex = new Recording('pro');
    const routes: string[] = [];
    const router = new RoutingGenerator({ simple, complex, onRoute: (route, id) => routes.push(`${route}:${id}`) });
    const collect = async (question: string) => {
      const events: GenerationEvent[] = [];
      for await (const event of router.generate(request(question))) events.push(event);
      return events;
    };
    expect(await collect('How long are backups kept?')).toEqual([{ type: 'done', text: 'lite', model: 'lite' }]);
    expect(await collect('Why are backups kept for 30 days?')).toEqual([{ type: 'done', text: 'pro', model: 'pro' }]);
    expect([simple.calls, complex.calls]).toEqual([1, 1]);
    expect(routes).toEqual(['simple:lite', 'complex:pro']);
    expect(router.id).toBe('lite|pro');
  });
});
