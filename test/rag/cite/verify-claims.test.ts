import { describe, expect, it } from 'vitest';
import { SUPPORT_THRESHOLD, UNVERIFIED_FLAG, verifyClaims } from '../../../rag/cite/verify-claims.ts';
import type { Passage, Vocabulary } from '../../../rag/types.ts';

function passage(n: number, text: string): Passage {
  return { n, docId: `files:${n}.md`, chunkIds: [`c${n}`], title: `Doc ${n}`, url: `file:///${n}.md`, source: 'files', text, score: 1 };
}

const passages = [
  passage(1, 'Production deploys happen every Tuesday after the stand-up. The deploy pipeline runs the full test suite first.'),
  passage(2, 'Employees get 25 days of paid vacation per year. Unused vacation days roll over until the end of March.'),
];

describe('verifyClaims', () => {
  it('scores a faithful sentence far above an invented one', () => {
    const { claims } = verifyClaims(
      'Production deploys happen on Tuesdays, after the stand-up [1]. The deploy pipeline sends release notes to every customer by email [1].',
      passages,
    );
    const [faithful, invented] = claims;
    expect(faithful?.verdict).toBe('supported');
    expect(invented?.verdict).toBe('unsupported');
    expect((faithful?.support ?? 0) - (invented?.support ?? 1)).toBeGreaterThan(0.4);
    expect(faithful?.support).toBeGreaterThanOrEqual(0.8);
  });

  it('catches one swapped fact in a sentence built from the passage’s words', () => {
    const { claims } = verifyClaims('Unused vacation days roll over until the end of June [2].', passages);
    expect(claims[0]?.verdict).toBe('unsupported');
    expect(claims[0]?.support).toBeLessThan(SUPPORT_THRESHOLD);
  });

  it('rejects a number the cited passage does not state', () => {
    const { claims } = verifyClaims(
      'Employees get 30 days of paid vacation per year [2]. Employees get 25 days of paid vacation per year [2].',
      passages,
    );
    expect(claims.map((c) => [c.verdict, c.missing])).toEqual([
      ['unsupported', ['30']],
      ['supported', []],
    ]);
  });

  it('counts a sentence its cited passage does not back, but another passage does, as imprecisely cited, not invented', () => {
    const { claims, text } = verifyClaims('Employees get 25 days of paid vacation per year [1].', passages);
    expect(claims[0]?.verdict).toBe('uncited');
    expect(claims[0]?.support).toBeGreaterThanOrEqual(0.5);
    expect(text).toContain('25 days');
    // Against the cited passage alone it is not backed, and nothing else is given: unsupported.
    expect(verifyClaims('Employees get 25 days of paid vacation per year [1].', passages.slice(0, 1)).claims[0]?.verdict).toBe('unsupported');
  });

  it('drops unsupported sentences by default and keeps the rest verbatim', () => {
    const result = verifyClaims(
      'Here is what I found:\nDeploys happen every Tuesday [1]. The CEO approves every deploy personally [1]. Unused vacation days roll over until March [2].',
      passages,
    );
    expect(result.text).toBe('Here is what I found:\nDeploys happen every Tuesday [1]. Unused vacation days roll over until March [2].');
    expect(result.unsupported).toBe(1);
    expect(result.claims.map((c) => c.verdict)).toEqual(['not-a-claim', 'supported', 'unsupported', 'supported']);
    expect(result.supportedShare).toBeCloseTo(2 / 3, 10);
  });

  it('flags unsupported sentences instead when asked', () => {
    const result = verifyClaims('Deploys happen every Tuesday [1]. The CEO approves every deploy personally [1].', passages, {
      onUnsupported: 'flag',
    });
    expect(result.text).toBe(`Deploys happen every Tuesday [1]. The CEO approves every deploy personally [1]. ${UNVERIFIED_FLAG}`);
  });

  it('reports uncited factual sentences, keeping them when a passage backs them', () => {
    const result = verifyClaims('The deploy pipeline runs the full test suite first. Deploys happen every Tuesday [1].', passages);
    expect(result.claims[0]).toMatchObject({ verdict: 'uncited', cited: [] });
    expect(result.uncited).toBe(1);
    expect(result.text).toContain('The deploy pipeline runs the full test suite first.');
    const invented = verifyClaims('Our office dog is called Biscuit. Deploys happen every Tuesday [1].', passages);
    expect(invented.claims[0]).toMatchObject({ verdict: 'unsupported', cited: [] });
    expect(invented.text).toBe('Deploys happen every Tuesday [1].');
  });

  it('gives a marker written after the full stop to the sentence before it', () => {
    const result = verifyClaims('Deploys happen every Tuesday. [1] Unused vacation days roll over until March. [2]', passages);
    expect(result.claims.map((c) => [c.cited, c.verdict])).toEqual([
      [[1], 'supported'],
      [[2], 'supported'],
    ]);
  });

  it('returns no text when every claim is dropped', () => {
    const result = verifyClaims('Here you go:\nThe CEO approves every deploy personally [1].', passages);
    expect(result.text).toBe('');
    expect(result.support).toBeLessThan(SUPPORT_THRESHOLD);
  });

  it('does not treat the abstention sentence as a claim', () => {
    const result = verifyClaims("I couldn't find this in the knowledge base.", passages);
    expect(result.claims[0]?.verdict).toBe('not-a-claim');
    expect(result.text).toBe("I couldn't find this in the knowledge base.");
  });
});

describe('verifyClaims with the question', () => {
  it('does not require a passage to repeat a name the question gave', () => {
    const answer = 'At Acme, production deploys happen every Tuesday after the stand-up [1].';
    expect(verifyClaims(answer, passages).claims[0]).toMatchObject({ verdict: 'unsupported', missing: ['acme'] });
    expect(verifyClaims(answer, passages, { question: 'When does Acme deploy to production?' }).claims[0]).toMatchObject({
      verdict: 'supported',
      missing: [],
    });
  });
});

describe('verifyClaims on the names an answer uses', () => {
  const answer = 'In Acme, production deploys happen every Tuesday after the stand-up [1].';
  /** Acme is named by 40% of the knowledge base's passages, Globex by 1%; nothing names Initech. */
  const vocabulary: Vocabulary = {
    idf: (word) => ({ acme: Math.log(1 / 0.4), globex: Math.log(1 / 0.01) })[word.toLowerCase()] ?? 0,
  };

  it('accepts a name the cited passage’s title or headings hold: the model is shown them with its text', () => {
    const titled = [{ ...passages[0]!, title: 'Acme deploys' }];
    expect(verifyClaims(answer, titled).claims[0]).toMatchObject({ verdict: 'supported', missing: [] });
    const headed = [{ ...passages[0]!, headings: ['Acme', 'Releases'] }];
    expect(verifyClaims(answer, headed).claims[0]).toMatchObject({ verdict: 'supported', missing: [] });
  });

  it('accepts a name the knowledge base as a whole is about, which a page often leaves unsaid', () => {
    expect(verifyClaims(answer, passages).claims[0]).toMatchObject({ verdict: 'unsupported', missing: ['acme'] });
    expect(verifyClaims(answer, passages, { vocabulary }).claims[0]).toMatchObject({ verdict: 'supported', missing: [] });
  });

  it('still rejects a name few pages mention, or none, when the cited passage lacks it', () => {
    for (const name of ['Globex', 'Initech']) {
      const claim = verifyClaims(answer.replace('Acme', name), passages, { vocabulary }).claims[0];
      expect(claim).toMatchObject({ verdict: 'unsupported', missing: [name.toLowerCase()] });
    }
  });
});

describe('verifyClaims on numbers and dates written another way', () => {
  const leave = [{ ...passages[0]!, text: 'Every three years employees may take a six-week paid sabbatical, applying before Nov 1.' }];

  it('backs digits its passage spells out in words, and full month names it abbreviates', () => {
    const { claims } = verifyClaims('Employees may take a 6-week paid sabbatical every 3 years, applying before November 1 [1].', leave);
    expect(claims[0]).toMatchObject({ verdict: 'supported', missing: [] });
  });

  it('backs a time, a date or a name written as its passage does not: 9am for 9:00 a.m., 2024-01-15, New York City for NYC', () => {
    const office = [{ ...passages[0]!, text: 'The NYC office opens at 9:00 a.m. every day since January 15, 2024.' }];
    for (const claim of [
      'The NYC office opens at 9am every day [1].',
      'The NYC office opens every day since 2024-01-15 [1].',
      'The New York City office opens at 9:00 a.m. every day [1].',
    ]) {
      expect(verifyClaims(claim, office).claims[0]).toMatchObject({ verdict: 'supported', missing: [] });
    }
    expect(verifyClaims('The NYC office opens at 10am every day [1].', office).claims[0]).toMatchObject({ verdict: 'unsupported', missing: ['10'] });
  });

  it('still rejects a number the passage states in no form', () => {
    const { claims } = verifyClaims('Employees may take a 6-week paid sabbatical every 5 years [1].', leave);
    expect(claims[0]).toMatchObject({ verdict: 'unsupported', missing: ['5'] });
  });
});

describe('verifyClaims on paraphrases', () => {
  const policy: Passage[] = [
    {
      n: 1,
      docId: 'p',
      chunkIds: ['p-0'],
      title: 'Parental leave',
      url: 'u',
      source: 'files',
      score: 1,
      text: 'Employees who take paid parental leave must agree to work for 12 weeks after the leave ends.',
    },
  ];

  it('backs a faithful paraphrase that keeps the passage words apart by a few of its own', () => {
    const { claims } = verifyClaims('You have to agree to work at least 12 weeks after your parental leave ends [1].', policy);
    expect(claims[0]?.verdict).toBe('supported');
  });

  it('does not back a sentence made of a few passage words around an invented claim', () => {
    const { claims } = verifyClaims('Parental leave is unlimited and managers may extend it to a year [1].', policy);
    expect(claims[0]?.verdict).toBe('unsupported');
  });
});

describe('verifyClaims on asides', () => {
  const cookie = [passage(1, 'The default maxAge of the language cookie is 31536000 seconds. Browsers cap a cookie at 400 days.')];

  it('drops an aside stating a number no passage has, and keeps the sentence it converts', () => {
    const { claims, text } = verifyClaims('The cookie lasts 31536000 seconds (365 days) by default [1].', cookie);
    expect(claims[0]?.verdict).toBe('supported');
    expect(text).toBe('The cookie lasts 31536000 seconds by default [1].');
  });

  it('keeps an aside whose numbers the passage states', () => {
    const { text } = verifyClaims('Browsers cap a cookie (400 days) [1].', cookie);
    expect(text).toBe('Browsers cap a cookie (400 days) [1].');
  });

  it('still rejects a sentence whose own figure, outside any aside, no passage has', () => {
    const { claims } = verifyClaims('The cookie lasts 365 days (31536000 seconds) by default [1].', cookie);
    expect(claims[0]).toMatchObject({ verdict: 'unsupported', missing: ['365'] });
  });
});
