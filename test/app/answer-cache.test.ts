import { describe, expect, it } from 'vitest';
import { answerCacheKey, MemoryAnswerCache, normaliseQuestion } from '../../app/answer-cache.ts';
import { makeAnswer } from '../helpers/answer.ts';

const answer = (text: string) => makeAnswer({ id: text, question: text, answer: text });

describe('answerCacheKey', () => {
  it('is the same for the same question written differently', () => {
    expect(normaliseQuestion('  How long are   BACKUPS kept?? ')).toBe('how long are backups kept');
    expect(answerCacheKey({ text: 'How long are backups kept?' }, 'v1')).toBe(answerCacheKey({ text: 'how long are backups kept' }, 'v1'));
    // Full-width characters are the same question too.
    expect(answerCacheKey({ text: 'ｈｏｗ long are backups kept' }, 'v1')).toBe(answerCacheKey({ text: 'how long are backups kept' }, 'v1'));
  });

  it('differs by index version, scope, filters, uploads and k', () => {
    const base = { text: 'How long are backups kept?' };
    const keys = [
      answerCacheKey(base, 'v1'),
      answerCacheKey(base, 'v2'),
      answerCacheKey({ ...base, allowedSources: ['notion'] }, 'v1'),
      answerCacheKey({ ...base, filters: { sources: ['files'] } }, 'v1'),
      answerCacheKey({ ...base, filters: { repository: 'acme/lore' } }, 'v1'),
      answerCacheKey({ ...base, uploadScope: 'slack:C1' }, 'v1'),
      answerCacheKey({ ...base, k: 3 }, 'v1'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    // Order of the allowed sources does not matter.
    expect(answerCacheKey({ ...base, allowedSources: ['notion', 'files'] }, 'v1')).toBe(
      answerCacheKey({ ...base, allowedSources: ['files', 'notion'] }, 'v1'),
    );
  });

  it('never caches a follow-up or an empty question', () => {
    expect(answerCacheKey({ text: 'and then?', history: [{ role: 'user', text: 'hi' }] }, 'v1')).toBeUndefined();
    expect(answerCacheKey({ text: ' ?? ' }, 'v1')).toBeUndefined();
  });
});

describe('MemoryAnswerCache', () => {
  it('expires entries after their time to live', async () => {
    let now = 1_000;
    const cache = new MemoryAnswerCache(10, () => now);
    await cache.set('a', answer('a'), 500);
    expect((await cache.get('a'))?.answer).toBe('a');
    now += 501;
    expect(await cache.get('a')).toBeUndefined();
  });

  it('drops the least recently used entry when full', async () => {
    const cache = new MemoryAnswerCache(2);
    await cache.set('a', answer('a'), 60_000);
    await cache.set('b', answer('b'), 60_000);
    await cache.get('a');
    await cache.set('c', answer('c'), 60_000);
    expect(await cache.get('b')).toBeUndefined();
    expect((await cache.get('a'))?.answer).toBe('a');
    expect((await cache.get('c'))?.answer).toBe('c');
  });
});
