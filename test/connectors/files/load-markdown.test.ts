import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../../connectors/files/load-file.ts';
import { expectInputError, fixture, makeTempDir } from './file-fixtures.ts';

describe('loading Markdown files', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    temp = await makeTempDir();
  });
  afterAll(() => temp.remove());

  it('takes the title from front matter and strips the front matter from the text', async () => {
    const doc = await loadFile(fixture('guide.md'));
    expect(doc.title).toBe('Onboarding Guide');
    expect(doc.text).toBe(
      '# Getting started\n\nAsk your buddy for a laptop on day one.\n\n## Accounts\n\nYou need accounts for email, chat and the wiki.\n',
    );
    expect(doc).toMatchObject({ format: 'markdown', extension: 'md' });
  });

  it('takes the title from the first "# " heading, ignoring # lines inside code fences', async () => {
    const doc = await loadFile(fixture('notes.md'));
    expect(doc.title).toBe('Meeting Notes');
    expect(doc.text).toContain('# not a title: a shell comment in a code block');
  });

  it('strips front matter that has no title and takes the heading instead', async () => {
    const doc = await loadFile(await temp.write('tagged.mdx', '---\ntags: [a, b]\n---\n# Component Docs\n\nUse <Button />.\n'));
    expect(doc.title).toBe('Component Docs');
    expect(doc.text).toBe('# Component Docs\n\nUse <Button />.\n');
    expect(doc.extension).toBe('mdx');
  });

  it('reads HTML entities in a title as the characters they stand for', async () => {
    const fromFrontMatter = await loadFile(await temp.write('log-in.md', '---\ntitle: Logging in &amp; Networks\n---\nText.\n'));
    expect(fromFrontMatter.title).toBe('Logging in & Networks');
    const fromHeading = await loadFile(await temp.write('q-and-a.md', '# Q&amp;A &#8212; travel\n\nText.\n'));
    expect(fromHeading.title).toBe('Q&A — travel');
  });

  it('falls back to the file name when there is no title anywhere', async () => {
    const doc = await loadFile(await temp.write('scratch.markdown', '## Only a subheading\n\ntext\n'));
    expect(doc.title).toBe('scratch.markdown');
  });

  it('leaves an unterminated --- block alone: it is not front matter', async () => {
    const text = '---\ntitle: Not Front Matter\n\nJust a rule and text.\n';
    const doc = await loadFile(await temp.write('rule.md', text));
    expect(doc.text).toBe(text);
    expect(doc.title).toBe('rule.md');
  });

  it('accepts a UTF-8 byte-order mark and Windows line endings', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('---\r\ntitle: Windows Notes\r\n---\r\nLine one\r\nLine two\r\n')]);
    const doc = await loadFile(await temp.write('windows.md', bytes));
    expect(doc.title).toBe('Windows Notes');
    expect(doc.text).toBe('Line one\nLine two\n');
  });

  it('refuses binary data named .md, saying what it looks like', async () => {
    await expectInputError(loadFile(fixture('bad/binary.md')), 'binary.md', /^binary data \(looks like a PNG image\), not Markdown text$/);
  });

  it('refuses a Markdown file with nothing but whitespace', async () => {
    await expectInputError(loadFile(fixture('bad/whitespace.md')), 'whitespace.md', /^file is empty \(no text after extraction\)$/);
  });
});
