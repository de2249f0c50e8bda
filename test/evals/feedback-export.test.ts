import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dislikedAnswers, feedbackExport } from '../../app/commands/feedback-export.ts';
import { loadConfig } from '../../app/config.ts';
import { openDatabase } from '../../app/database.ts';
import { sqliteDatabase } from '../../app/storage/sqlite-database.ts';
import { VerifiedStore } from '../../bot/conversation/verified-store.ts';
import { loadGoldenFile } from '../../evals/golden/load-golden-set.ts';
import { runLore } from '../helpers/run-lore.ts';
import { tempDir } from '../helpers/temp-dir.ts';

// `lore feedback export` over a real Lore database (migrations applied), with answers and reactions inserted the
// way the chat adapters record them.

const tmp = tempDir('lore-feedback-export-');
const dataDir = path.join(tmp.dir, 'data');
const config = loadConfig({ LORE_DATA_DIR: dataDir });

beforeAll(async () => {
  const db = openDatabase(dataDir);
  const answer = db.prepare(
    `INSERT INTO answers (id, platform, channel_id, message_id, question, answer, mode, citations, confidence, latency_ms, cost_usd, created_at)
     VALUES (?, 'slack', 'C1', ?, ?, ?, 'extractive', ?, 0.6, 120, 0, ?)`,
  );
  const vote = db.prepare(
    `INSERT INTO feedback (answer_id, platform, user_id, rating, emoji, channel_id, reason, created_at, retracted_at)
     VALUES (?, 'slack', ?, ?, ?, 'C1', ?, ?, ?)`,
  );
  const cite = JSON.stringify([{ n: 1, title: 'faq.md', url: 'file:///kb/faq.md', source: 'files', docId: 'files:/kb/faq.md', chunkId: 'k1' }]);
  answer.run('a1', 'm1', 'How long are backups kept?', 'Backups are kept forever [1].', cite, '2025-03-01T09:00:00.000Z');
  answer.run('a2', 'm2', 'Who owns the gate?', 'The gate [1].', cite, '2025-03-01T09:10:00.000Z');
  answer.run('a3', 'm3', 'Which port?', 'Port 8080 [1].', cite, '2025-03-01T09:20:00.000Z');
  answer.run('a4', 'm4', 'How do I reset Lore?', 'Run lore reset [1].', 'not json', '2024-12-01T09:00:00.000Z');
  vote.run('a1', 'U1', 'down', 'thumbsdown', 'says forever, policy says 30 days', '2025-03-01T09:05:00.000Z', null);
  vote.run('a1', 'U2', 'down', '-1', null, '2025-03-01T09:06:00.000Z', null);
  vote.run('a2', 'U1', 'down', 'thumbsdown', null, '2025-03-01T09:15:00.000Z', '2025-03-01T09:16:00.000Z');
  vote.run('a3', 'U1', 'up', 'thumbsup', null, '2025-03-01T09:25:00.000Z', null);
  vote.run('a4', 'U3', 'down', 'thumbsdown', 'no such command', '2024-12-01T09:05:00.000Z', null);
  const verified = new VerifiedStore(sqliteDatabase(db, { owned: false }), () => new Date('2025-03-02T10:00:00.000Z'));
  const reply = (id: string, answer: string) => ({
    id,
    platform: 'slack',
    channelId: 'C1',
    scope: 'slack:C1',
    channelName: 'ops',
    threadId: 'm2',
    messageId: `reply-${id}`,
    answerId: 'a2',
    question: 'Who owns the gate?',
    answer,
    answeredBy: 'U9',
    answeredByName: 'maria',
    answeredAt: '2025-03-02T09:00:00.000Z',
    savedBy: 'U1',
  });
  await verified.save(reply('v1', 'The platform team owns the release gate.'));
  await verified.save(reply('v2', 'Nobody, it was retired.'));
  await verified.revoke('v2', 'UADMIN');
  db.close();
});
afterAll(() => tmp.cleanup());

describe('lore feedback export', () => {
  it('reads 👎 votes that were not taken back, one entry per answer, oldest first', () => {
    const db = openDatabase(dataDir);
    try {
      const answers = dislikedAnswers(db);
      expect(answers.map((a) => [a.answerId, a.votes.length])).toEqual([
        ['a4', 1],
        ['a1', 2],
      ]);
      expect(dislikedAnswers(db, '2025-01-01T00:00:00.000Z').map((a) => a.answerId)).toEqual(['a1']);
    } finally {
      db.close();
    }
  });

  it('writes golden cases awaiting review that the golden loader reads', async () => {
    const out = path.join(tmp.dir, 'review', 'feedback.yaml');
    expect(await feedbackExport(config, { since: '2025-01-01', out, json: false })).toBe(0);
    const cases = loadGoldenFile(out);
    // The 👎 answer, then the verified answer in force (the revoked one is not exported).
    expect(cases.map((c) => c.id)).toEqual(['feedback-a1', 'verified-v1']);
    expect(cases[1]).toMatchObject({
      status: 'needs-review',
      question: 'Who owns the gate?',
      reference: 'The platform team owns the release gate.',
      notes: expect.stringContaining('answered by maria in #ops on 2025-03-02'),
    });
    expect(cases[0]).toMatchObject({
      id: 'feedback-a1',
      status: 'needs-review',
      knowledgeBase: 'live',
      question: 'How long are backups kept?',
      reported: {
        answerId: 'a1',
        platform: 'slack',
        answer: 'Backups are kept forever [1].',
        mode: 'extractive',
        reasons: ['says forever, policy says 30 days'],
        votes: 2,
        cited: [{ n: 1, docId: 'files:/kb/faq.md', chunkId: 'k1', title: 'faq.md', url: 'file:///kb/faq.md', source: 'files' }],
      },
    });
    expect(cases[0]!.reference).toBeUndefined();
  });

  it('never overwrites a file a reviewer may have edited, and rejects a date that is not one', async () => {
    const out = path.join(tmp.dir, 'edited.yaml');
    fs.writeFileSync(out, 'reviewed');
    await expect(feedbackExport(config, { out, json: false })).rejects.toThrow(/already exists/);
    expect(fs.readFileSync(out, 'utf8')).toBe('reviewed');
    await expect(feedbackExport(config, { since: 'last tuesday', json: false })).rejects.toThrow(/--since must be an ISO date/);
  });

  it('prints the YAML on stdout from the command line', async () => {
    const run = await runLore(['feedback', 'export'], { LORE_DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# Golden cases exported from 👎 feedback/);
    expect(run.stdout).toMatch(/id: feedback-a4[\s\S]*id: feedback-a1/);
    expect(run.stderr).toMatch(/exported 2 👎 answer\(s\) and 1 verified answer\(s\); 0 skipped/);
  });

  it('says there is nothing to export without a Lore database', async () => {
    const run = await runLore(['feedback', 'export'], { LORE_DATA_DIR: path.join(tmp.dir, 'empty') });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no Lore database in .*empty/);
  });
});
