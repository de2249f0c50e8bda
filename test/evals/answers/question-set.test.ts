import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadQuestionSet, missingGoldFiles, parseQuestionSet, QuestionSetError } from '../../../evals/answers/question-set.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const line = (fields: Record<string, unknown>) => JSON.stringify(fields);
const single = {
  id: 'q1',
  question: 'how often do we rotate the keys',
  kind: 'single',
  gold: ['ops/keys.md'],
  facts: ['90 days'],
  answer: 'Keys rotate every 90 days.',
};
const none = { id: 'q2', question: 'what is the parking fee', kind: 'none', gold: [], facts: [], answer: 'Parking is not covered.' };

const tmp = tempDir('lore-question-set-');
afterAll(() => tmp.cleanup());

describe('parseQuestionSet', () => {
  it('reads one question per line, skipping blank lines and defaulting missing lists', () => {
    const questions = parseQuestionSet([line(single), '', line({ id: 'q3', question: 'who owns billing', kind: 'none' })].join('\n'));
    expect(questions.map((q) => q.id)).toEqual(['q1', 'q3']);
    expect(questions[1]).toMatchObject({ gold: [], facts: [], answer: '' });
  });

  it('normalises gold paths to forward slashes without ./', () => {
    const [q] = parseQuestionSet(line({ ...single, gold: ['./ops\\keys.md'] }));
    expect(q!.gold).toEqual(['ops/keys.md']);
  });

  it('names the line and the field of every problem', () => {
    const text = [
      line(single),
      '{not json',
      line({ ...single, id: 'q4', kind: 'several' }),
      line({ ...none, id: 'q5', facts: ['x'] }),
      line({ ...single, id: 'q6', gold: [] }),
      line({ ...single }),
    ].join('\n');
    let error: unknown;
    try {
      parseQuestionSet(text, 'qs.jsonl');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QuestionSetError);
    const message = (error as Error).message;
    expect(message).toMatch(/qs\.jsonl:2: not JSON/);
    expect(message).toMatch(/qs\.jsonl:3: kind:/);
    expect(message).toMatch(/qs\.jsonl:4: facts: must be empty for a "none" question/);
    expect(message).toMatch(/qs\.jsonl:5: gold: a "single" question needs at least one gold file/);
    expect(message).toMatch(/qs\.jsonl:6: id "q1" is already used on line 1/);
  });

  it('refuses an empty set', () => {
    expect(() => parseQuestionSet('\n\n', 'empty.jsonl')).toThrow(/no questions/);
  });
});

describe('loadQuestionSet and missingGoldFiles', () => {
  it('loads a file and reports gold files the corpus does not have', () => {
    const corpus = path.join(tmp.dir, 'corpus');
    fs.mkdirSync(path.join(corpus, 'ops'), { recursive: true });
    fs.writeFileSync(path.join(corpus, 'ops', 'keys.md'), '# Keys\n');
    const file = path.join(tmp.dir, 'questions.jsonl');
    fs.writeFileSync(file, [line(single), line({ ...single, id: 'q7', kind: 'multi', gold: ['ops/keys.md', 'ops/vault.md'] })].join('\n'));
    const questions = loadQuestionSet(file);
    expect(missingGoldFiles(questions, corpus)).toEqual(['q7: ops/vault.md']);
  });

  it('says which file it could not read', () => {
    expect(() => loadQuestionSet(path.join(tmp.dir, 'nope.jsonl'))).toThrow(/cannot read the question set .*nope\.jsonl: ENOENT/);
  });
});
