import { describe, expect, it } from 'vitest';
import { cleanText } from '../../rag/clean-text.ts';

describe('cleanText', () => {
  it('strips control characters but keeps newlines and tabs', () => {
    expect(cleanText('a\u0000b\u0007c\u001Bd\u007F\u0085e\tf\ng', 'text')).toBe('abcd\ne\tf\ng');
  });

  it('removes zero-width characters and the byte-order mark', () => {
    expect(cleanText('\uFEFFzero\u200Bwidth\u2060joined', 'markdown')).toBe('zerowidthjoined');
  });

  it('keeps joiners inside emoji sequences and Persian words but drops them between Latin letters', () => {
    const family = '👨\u200D👩\u200D👧';
    const persian = 'می\u200Cخواهم';
    expect(cleanText(`${family} ${persian} a\u200Db`, 'text')).toBe(`${family} ${persian} ab`);
  });

  it('turns no-break, thin and ideographic spaces into ordinary spaces', () => {
    expect(cleanText('10\u00A0km\u2009away\u202Fnow\u3000here', 'text')).toBe('10 km away now here');
  });

  it('normalises line endings, including Unicode line separators', () => {
    expect(cleanText('one\r\ntwo\rthree\u2028four', 'markdown')).toBe('one\ntwo\nthree\nfour');
  });

  it('composes to NFC and expands typographic ligatures, leaving other compatibility characters', () => {
    const decomposed = 'cafe\u0301';
    expect(cleanText(`${decomposed} ﬁle ﬂow x² ½`, 'text')).toBe('caf\u00E9 file flow x² ½');
  });

  it('drops lone surrogates and keeps valid pairs', () => {
    expect(cleanText('bad\uD800 half\uDC00 😀', 'text')).toBe('bad half 😀');
  });

  it('removes trailing spaces and collapses runs of blank lines', () => {
    expect(cleanText('first   \n\n\n\n\nsecond\t \n', 'markdown')).toBe('first\n\nsecond');
  });

  it('joins words hyphenated across line breaks in text', () => {
    const pdf = 'The inter-\nnational team met the stake-\n  holders and a well-\nknown partner on a state-of-the-\nart site.';
    expect(cleanText(pdf, 'text')).toBe('The international team met the stakeholders and a well-known partner on a state-of-the-art site.');
  });

  it('does not join a hyphen before a capitalised word, nor in Markdown', () => {
    expect(cleanText('Berlin-\nBrandenburg', 'text')).toBe('Berlin-\nBrandenburg');
    expect(cleanText('inter-\nnational', 'markdown')).toBe('inter-\nnational');
  });

  it('drops header and footer lines repeated on pages separated by form feeds', () => {
    const pages = [1, 2, 3, 4].map(
      (n) => `ACME Corp — Confidential\nChapter text number ${n} talks about ${['billing', 'security', 'support', 'hiring'][n - 1]}.\nPage ${n} of 4`,
    );
    const cleaned = cleanText(pages.join('\f'), 'text');
    expect(cleaned).not.toMatch(/Confidential|Page \d of 4/);
    expect(cleaned).toContain('Chapter text number 1 talks about billing.');
    expect(cleaned).toContain('Chapter text number 4 talks about hiring.');
    expect(cleaned).not.toContain('\f');
  });

  it('drops page furniture when pages are separated only by blank lines', () => {
    const body = [
      'Revenue grew in the first quarter.',
      'Costs fell sharply after the move.',
      'The board approved the new plan.',
      'Hiring resumes in the autumn.',
    ];
    const text = body.map((line, i) => `Quarterly Report 2024\n${line}\n${i + 1}`).join('\n\n');
    const cleaned = cleanText(text, 'text');
    expect(cleaned).toBe(body.join('\n\n'));
  });

  it('drops the furniture of a PDF read as Markdown, but not the fences closing code at its pages’ ends', () => {
    const pages = ['Billing', 'Security', 'Support'].map(
      (topic, i) => `ACME Corp — Confidential\n\n# ${topic}\n\n\`\`\`\nrun ${topic.toLowerCase()}\n}\n\`\`\`\n\nPage ${i + 1} of 3`,
    );
    const cleaned = cleanText(pages.join('\f'), 'markdown');
    expect(cleaned).not.toMatch(/Confidential|Page \d of 3/);
    expect(cleaned).toContain('# Support\n\n```\nrun support\n}\n```');
  });

  it('keeps lines that recur only on a few pages', () => {
    const pages = ['Intro\nSee the appendix.', 'Body one', 'See the appendix.\nBody two', 'Body three', 'Body four', 'Body five'];
    expect(cleanText(pages.join('\f'), 'text')).toContain('See the appendix.');
  });

  it('never changes the indentation of code', () => {
    const code = '    def run(self):\n\t\treturn 1   \n\n\n\n\n\n        x = 2\n';
    expect(cleanText(code, 'code')).toBe('    def run(self):\n\t\treturn 1\n\n\n        x = 2');
  });

  it('leaves clean text untouched', () => {
    const text = '# Title\n\nA paragraph with `code`, émoji 🎉 and 中文.\n\n- item';
    expect(cleanText(text, 'markdown')).toBe(text);
  });
});
