import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dislikedAnswers, feedbackExport, verifiedAnswers } from '../../../app/commands/feedback-export.ts';
import { loadConfig } from '../../../app/config.ts';
import { openDatabase } from '../../../app/database.ts';
import { sqliteDatabase } from '../../../app/storage/sqlite-database.ts';
import { VerifiedStore } from '../../../bot/conversation/verified-store.ts';
import { loadGoldenFile } from '../../../evals/golden/load-golden-set.ts';
import type { SqlDatabase } from '../../../rag/contracts/sql-database.ts';
import { runLore } from '../../helpers/run-lore.ts';
import { forEachDialect } from '../../helpers/sql-stores.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

// `lore feedback export`: what it reads, on SQLite and PostgreSQL alike, and the command over a real Lore database
// (migrations applied), with answers and reactions inserted as the chat adapters record them (one answer's
// citations unreadable, as an old or damaged row can be).

async function seed(db: SqlDatabase): Promise<void> {
  const answer = (id: string, messageId: string, question: string, text: string, citations: string, at: string) =>
    db.run(
      `INSERT INTO answers (id, platform, channel_id, message_id, question, answer, mode, citations, confidence, latency_ms, cost_usd, created_at)
       VALUES (?, 'slack', 'C1', ?, ?, ?, 'extractive', ?, 0.6, 120, 0, ?)`,
      [id, messageId, question, text, citations, at],
    );
  const vote = (answerId: string, userId: string, rating: string, emoji: string, reason: string | null, at: string, retractedAt: string | null) =>
    db.run(
      `INSERT INTO feedback (answer_id, platform, user_id, rating, emoji, channel_id, reason, created_at, retracted_at)
       VALUES (?, 'slack', ?, ?, ?, 'C1', ?, ?, ?)`,
      [answerId, userId, rating, emoji, reason, at, retractedAt],
    );
  const cite = JSON.stringify([{ n: 1, title: 'faq.md', url: 'file:///kb/faq.md', source: 'files', docId: 'files:/kb/faq.md', chunkId: 'k1' }]);
  await answer('a1', 'm1', 'How long are backups kept?', 'Backups are kept forever [1].', cite, '2025-03-01T09:00:00.000Z');
  await answer('a2', 'm2', 'Who owns the gate?', 'The gate [1].', cite, '2025-03-01T09:10:00.000Z');
  await answer('a3', 'm3', 'Which port?', 'Port 8080 [1].', cite, '2025-03-01T09:20:00.000Z');
  await answer('a4', 'm4', 'How do I reset Lore?', 'Run lore reset [1].', 'not json', '2024-12-01T09:00:00.000Z');
  await vote('a1', 'U1', 'down', 'thumbsdown', 'says forever, policy says 30 days', '2025-03-01T09:05:00.000Z', null);
  await vote('a1', 'U2', 'down', '-1', null, '2025-03-01T09:06:00.000Z', null);
  await vote('a2', 'U1', 'down', 'thumbsdown', null, '2025-03-01T09:15:00.000Z', '2025-03-01T09:16:00.000Z');
  await vote('a3', 'U1', 'up', 'thumbsup', null, '2025-03-01T09:25:00.000Z', null);
  await vote('a4', 'U3', 'down', 'thumbsdown', 'no such command', '2024-12-01T09:05:00.000Z', null);
  let clock = new Date('2025-03-02T10:00:00.000Z');
  const verified = new VerifiedStore(db, () => clock);
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
  clock = new Date('2025-03-03T10:00:00.000Z');
  await verified.save(reply('v3', 'Ask in #release.'));
}

forEachDialect('what lore feedback export reads', (stores) => {
  let db: SqlDatabase;
  beforeAll(async () => {
    db = await (await stores.create()).connect();
    await seed(db);
  });

  it('reads 👎 votes that were not taken back, one entry per answer, oldest first, since a date when given', async () => {
    const answers = await dislikedAnswers(db);
    expect(answers.map((a) => [a.answerId, a.votes.length])).toEqual([
      ['a4', 1],
      ['a1', 2],
    ]);
    expect(answers[1]).toMatchObject({
      platform: 'slack',
      question: 'How long are backups kept?',
      askedAt: '2025-03-01T09:00:00.000Z',
      votes: [
        { reason: 'says forever, policy says 30 days', at: '2025-03-01T09:05:00.000Z' },
        { reason: null, at: '2025-03-01T09:06:00.000Z' },
      ],
    });
    expect(answers[0]!.citationsJson).toBe('not json');
    expect((await dislikedAnswers(db, '2025-01-01T00:00:00.000Z')).map((a) => a.answerId)).toEqual(['a1']);
    expect(await dislikedAnswers(db, '2026-01-01T00:00:00.000Z')).toEqual([]);
  });

  it('reads the verified answers in force, oldest saved first, since a date when given', async () => {
    expect((await verifiedAnswers(db)).map((entry) => entry.id)).toEqual(['v1', 'v3']);
    expect(await verifiedAnswers(db, '2025-03-03T00:00:00.000Z')).toEqual([
      { id: 'v3', question: 'Who owns the gate?', answer: 'Ask in #release.', answeredBy: 'answered by maria in #ops on 2025-03-02' },
    ]);
  });
});

describe('lore feedback export', () => {
  const tmp = tempDir('lore-feedback-export-');
  const dataDir = path.join(tmp.dir, 'data');
  const config = loadConfig({ LORE_DATA_DIR: dataDir });

  beforeAll(async () => {
    const db = sqliteDatabase(openDatabase(dataDir));
    await seed(db).finally(() => db.close());
  });
  afterAll(() => tmp.cleanup());

  it('writes golden cases awaiting review that the golden loader reads', async () => {
    const out = path.join(tmp.dir, 'review', 'feedback.yaml');
    expect(await feedbackExport(config, { since: '2025-01-01', out, json: false })).toBe(0);
    const cases = loadGoldenFile(out);
    // The 👎 answer, then the verified answers in force (the revoked one is not exported).
    expect(cases.map((c) => c.id)).toEqual(['feedback-a1', 'verified-v1', 'verified-v3']);
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
    expect(run.stderr).toMatch(/exported 2 👎 answer\(s\) and 2 verified answer\(s\); 0 skipped/);
  });

  it('says there is nothing to export without a Lore database', async () => {
    const run = await runLore(['feedback', 'export'], { LORE_DATA_DIR: path.join(tmp.dir, 'empty') });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no Lore database in .*empty/);
  });
});
