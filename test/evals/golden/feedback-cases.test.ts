import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { feedbackCases, feedbackYaml, MAX_QUESTION_CHARS } from '../../../evals/golden/feedback-cases.ts';
import { loadGoldenFile } from '../../../evals/golden/load-golden-set.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.cleanup());

const disliked = (answerId: string, question: string) => ({
  answerId,
  platform: 'slack',
  question,
  answer: 'Backups are kept forever [1].',
  mode: 'generative',
  citationsJson: JSON.stringify([{ n: 1, title: 'faq.md', url: 'file:///kb/faq.md', source: 'files', docId: 'files:/kb/faq.md', chunkId: 'c1' }]),
  askedAt: '2025-03-01T10:00:00.000Z',
  votes: [
    { reason: 'wrong number', at: '2025-03-01T10:05:00.000Z' },
    { reason: null, at: '2025-03-01T10:04:00.000Z' },
  ],
});

describe('👎 answers as golden cases', () => {
  it('keeps the question, what was answered and cited, and why, as a case to review', () => {
    const { cases, skipped } = feedbackCases([disliked('A1:B/2', 'How long are backups kept?')]);
    expect(skipped).toEqual([]);
    expect(cases[0]).toMatchObject({
      id: 'feedback-a1-b-2',
      status: 'needs-review',
      knowledgeBase: 'live',
      question: 'How long are backups kept?',
      reported: { answer: 'Backups are kept forever [1].', reasons: ['wrong number'], votes: 2, reportedAt: '2025-03-01T10:04:00.000Z' },
    });
    expect(cases[0]!.reference).toBeUndefined();
    expect(cases[0]!.reported!.cited).toEqual([
      { n: 1, title: 'faq.md', url: 'file:///kb/faq.md', source: 'files', docId: 'files:/kb/faq.md', chunkId: 'c1' },
    ]);
  });

  it('skips what the golden format cannot hold and keeps going', () => {
    const { cases, skipped } = feedbackCases([
      disliked('a', ' '),
      disliked('b', 'x'.repeat(MAX_QUESTION_CHARS + 1)),
      { ...disliked('c', 'Fine?'), citationsJson: 'not json' },
    ]);
    expect(skipped.map((s) => s.answerId)).toEqual(['a', 'b']);
    expect(cases.map((c) => c.id)).toEqual(['feedback-c']);
    expect(cases[0]!.reported!.cited).toEqual([]);
  });

  it('writes YAML that the golden loader reads back unchanged', () => {
    tmp = tempDir('lore-feedback-');
    const { cases } = feedbackCases([disliked('a1', 'How long are backups kept?'), disliked('a2', 'Who owns the gate: {{ team }}?')]);
    const file = path.join(tmp.dir, 'feedback.yaml');
    fs.writeFileSync(file, feedbackYaml(cases, new Date('2025-03-02T00:00:00Z')));
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^# Golden cases exported from 👎 feedback/);
    expect(loadGoldenFile(file)).toEqual(cases.map((c) => ({ ...c, set: 'feedback' })));
  });
});
