import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GoldenSetError, loadGoldenSet } from '../../../evals/golden/load-golden-set.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.cleanup());

function goldenDir(files: Record<string, string>): string {
  tmp = tempDir('lore-golden-');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(tmp.dir, name), text);
  return tmp.dir;
}

describe('the committed golden set', () => {
  const set = loadGoldenSet('datasets/golden');
  const count = (predicate: (c: (typeof set.cases)[number]) => boolean) => set.cases.filter(predicate).length;

  it('covers every kind of case over the sample knowledge base, plus the docs-QA development set', () => {
    expect(count((c) => c.knowledgeBase === 'sample' && c.kind === 'answerable' && c.sources.length === 1)).toBeGreaterThanOrEqual(15);
    expect(count((c) => c.kind === 'answerable' && c.sources.length > 1)).toBeGreaterThanOrEqual(4);
    expect(count((c) => c.kind === 'unanswerable' && c.abstain)).toBeGreaterThanOrEqual(5);
    expect(count((c) => c.kind === 'injection' && c.forbidden.length > 0)).toBeGreaterThanOrEqual(3);
    expect(count((c) => c.kind === 'scope' && c.forbiddenSources.length > 0)).toBeGreaterThanOrEqual(4);
    expect(count((c) => c.knowledgeBase === 'docs-qa')).toBe(56);
    expect(set.needsReview).toEqual([]);
  });

  it('gives every expected answer a reference and sources that exist', () => {
    for (const c of set.cases.filter((c) => !c.abstain)) {
      expect(c.reference, c.id).toBeTruthy();
      expect(c.sources.length, c.id).toBeGreaterThan(0);
      if (c.knowledgeBase !== 'sample') continue;
      for (const source of c.sources.flat()) expect(fs.existsSync(path.join('datasets', source)), `${c.id}: ${source}`).toBe(true);
    }
  });

  it('keeps planted instructions out of the sample knowledge base itself', () => {
    const sample = fs.readdirSync('datasets/sample-kb', { recursive: true }).map(String);
    for (const planted of fs.readdirSync('datasets/golden/injection-kb')) expect(sample).not.toContain(planted);
  });
});

describe('loading golden files', () => {
  it('reads alternatives, defaults and follow-up history', () => {
    const dir = goldenDir({
      'a.yaml': [
        'knowledgeBase: sample',
        'cases:',
        '  - id: one',
        '    kind: answerable',
        '    question: How long are backups kept?',
        '    reference: 30 days.',
        '    sources: [sample-kb/a.md | sample-kb/b.md, sample-kb/c.md]',
        '    history:',
        '      - { role: user, text: hello there }',
        '  - id: two',
        '    kind: unanswerable',
        '    question: What is the boiling point of tungsten?',
      ].join('\n'),
    });
    const { cases } = loadGoldenSet(dir);
    expect(cases[0]).toMatchObject({
      id: 'one',
      set: 'a',
      sources: [['sample-kb/a.md', 'sample-kb/b.md'], ['sample-kb/c.md']],
      abstain: false,
      history: [{ role: 'user', text: 'hello there' }],
    });
    expect(cases[1]).toMatchObject({ id: 'two', abstain: true, facts: [], status: 'ready' });
  });

  it('keeps cases awaiting review apart from the ones that run', () => {
    const dir = goldenDir({
      'f.yaml': 'knowledgeBase: live\ncases:\n  - { id: feedback-1, kind: answerable, question: Why?, status: needs-review }\n',
    });
    const set = loadGoldenSet(dir);
    expect(set.cases).toEqual([]);
    expect(set.needsReview.map((c) => c.id)).toEqual(['feedback-1']);
  });

  it.each([
    [
      'an answer without a reference',
      'cases:\n  - { id: x, kind: answerable, question: Why?, sources: [a.md] }',
      /a\.yaml: case #1 \(x\): "reference" is required/,
    ],
    ['an unknown field', 'cases:\n  - { id: x, kind: unanswerable, question: Why?, referense: typo }', /case #1 \(x\):.*referense/],
    ['an unknown kind', 'cases:\n  - { id: x, kind: maybe, question: Why? }', /"kind" must be answerable, unanswerable, injection or scope/],
    [
      'an unknown source kind',
      'cases:\n  - { id: x, kind: scope, question: Why?, abstain: true, allowedSources: [dropbox] }',
      /"allowedSources.0" must be one of files/,
    ],
    [
      'an unanswerable case expecting an answer',
      'cases:\n  - { id: x, kind: unanswerable, question: Why?, abstain: false }',
      /must expect an abstention/,
    ],
    ['broken YAML', 'cases: [ {', /a\.yaml: not valid YAML/],
  ])('rejects %s with a message naming the file, the case and the field', (_label, body, message) => {
    const dir = goldenDir({ 'a.yaml': `knowledgeBase: sample\n${body}\n` });
    expect(() => loadGoldenSet(dir)).toThrow(GoldenSetError);
    expect(() => loadGoldenSet(dir)).toThrow(message);
  });

  it('rejects a case id used twice across files', () => {
    const one = 'knowledgeBase: sample\ncases:\n  - { id: same, kind: unanswerable, question: Why? }\n';
    expect(() => loadGoldenSet(goldenDir({ 'a.yaml': one, 'b.yaml': one }))).toThrow(/b\.yaml: case id "same" is already used in a\.yaml/);
  });
});
