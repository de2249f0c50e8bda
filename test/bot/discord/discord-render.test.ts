import { describe, expect, it } from 'vitest';
import type { CitedSource } from '../../../bot/conversation/chat-platform.ts';
import { MAX_MESSAGES, MESSAGE_LIMIT, renderCommandReply, renderDiscordMessage, renderPrivateMessage } from '../../../bot/discord/discord-render.ts';
import type { Answer } from '../../../rag/types.ts';
import { makeAnswer } from '../../helpers/answer.ts';

const NOW = new Date('2025-06-01T12:00:00Z');

function answer(text: string, extra: Partial<Answer> = {}): Answer {
  return makeAnswer({
    answer: text,
    citations: [],
    contexts: [],
    confidence: 0.78,
    latencyMs: 1234,
    timings: { rewrite: 0, retrieve: 0, rerank: 0, generate: 0 },
    ...extra,
  });
}

const SOURCES: CitedSource[] = [
  {
    n: 1,
    title: 'Backup *policy*',
    url: 'https://wiki.example.com/backups',
    source: 'notion',
    docId: 'd1',
    chunkId: 'c1',
    lastSyncedAt: '2025-06-01T09:00:00Z',
  },
  { n: 2, title: 'runbook.md', url: 'file:///srv/kb/runbook.md', source: 'files', docId: 'd2', chunkId: 'c2' },
];

describe('rendering an answer for Discord', () => {
  it('shows the answer, its notes, numbered sources with quiet links, and a footer', () => {
    const [message, ...rest] = renderDiscordMessage(
      { kind: 'answer', answer: answer('Backups are kept for 30 days [1].', { notes: ['Extractive answer.'] }), sources: SOURCES },
      { now: NOW },
    );
    expect(rest).toEqual([]);
    expect(message).toBe(
      [
        'Backups are kept for 30 days [1].',
        '',
        '-# *Extractive answer.*',
        '',
        '**Sources**',
        `1. [Backup \\*policy\\*](<https://wiki.example.com/backups>) · notion · synced <t:${Date.parse('2025-06-01T09:00:00Z') / 1000}:R>`,
        '2. **runbook.md** · files',
        '-# Extractive (quoted from the sources) · 1.2 s · confidence 78% · react 👍 or 👎 to rate',
      ].join('\n'),
    );
  });

  it('lists the closest sources under their own heading when it found no answer', () => {
    const [message] = renderDiscordMessage(
      { kind: 'answer', answer: answer("I couldn't find this.", { mode: 'abstained', abstained: true }), sources: SOURCES },
      { now: NOW },
    );
    expect(message).toMatch(/\*\*Closest sources\*\*\n1\./);
    expect(message).toMatch(/-# No answer found · 1\.2 s · react/);
  });

  it('splits a long answer into messages within 2,000 characters, the footer on the first', () => {
    const paragraph = 'Backups are kept for thirty days and then deleted for good. '.repeat(10);
    const long = Array.from({ length: 8 }, (_, i) => `${i + 1}. ${paragraph}`).join('\n\n');
    const pieces = renderDiscordMessage({ kind: 'answer', answer: answer(long), sources: SOURCES }, { now: NOW });
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.length).toBeLessThanOrEqual(MAX_MESSAGES);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(pieces[0]).toMatch(/-# Extractive .* react 👍 or 👎 to rate$/);
    expect(pieces.at(-1)).toMatch(/\*\*Sources\*\*/);
    expect(pieces.join('\n')).toContain('8. Backups are kept');
  });

  it('shortens an answer too long for a chat, saying so', () => {
    const huge = Array.from({ length: 40 }, () => 'word '.repeat(80)).join('\n\n');
    const pieces = renderDiscordMessage({ kind: 'answer', answer: answer(huge), sources: [] }, { now: NOW });
    expect(pieces).toHaveLength(MAX_MESSAGES);
    expect(pieces.at(-1)).toMatch(/\(answer shortened\)$/);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  });

  it('quotes the question of a /lore ask above the answer', () => {
    const [message] = renderDiscordMessage(
      { kind: 'answer', answer: answer('30 days [1].'), sources: [] },
      { now: NOW, question: 'How long\nare *backups* kept?' },
    );
    expect(message).toMatch(/^> How long are \\\*backups\\\* kept\?\n30 days \[1\]\./);
  });
});

describe('rendering work in progress', () => {
  it('shows a placeholder, then the latest part of the streamed text with a cursor', () => {
    expect(renderDiscordMessage({ kind: 'working' })).toEqual(['-# Looking through the knowledge base…']);
    const [short] = renderDiscordMessage({ kind: 'streaming', text: 'Backups are' });
    expect(short).toBe('Backups are ▍\n-# Writing…');
    const [long] = renderDiscordMessage({ kind: 'streaming', text: `${'early words '.repeat(300)}the latest words`, notice: 'The model failed.' });
    expect(long!.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(long).toMatch(/^⚠️ \*The model failed\.\*\n…/);
    expect(long).toMatch(/the latest words ▍\n-# Writing…$/);
  });

  it('marks errors, and splits long notices', () => {
    expect(renderDiscordMessage({ kind: 'notice', tone: 'error', text: 'Sorry, it failed.' })).toEqual(['⚠️ Sorry, it failed.']);
    const pieces = renderCommandReply(Array.from({ length: 200 }, (_, i) => `- line ${i} of a long sync report`).join('\n'));
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  });
});

describe('private messages', () => {
  it('invites a reason for a 👎 with a button that carries the answer id', () => {
    const payload = renderPrivateMessage({ kind: 'feedback-invite', answerId: '0b7c2c3e-1f7c-4f3e-9a51-2b8d7f6c1a90' });
    expect(payload.content).toMatch(/What was wrong/);
    expect(payload.components[0]!.components[0]).toEqual({
      type: 2,
      style: 1,
      label: 'Tell Lore why',
      custom_id: 'lore_feedback_reason:0b7c2c3e-1f7c-4f3e-9a51-2b8d7f6c1a90',
    });
  });
});
