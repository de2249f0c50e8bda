import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../app/logger.ts';
import type { DocumentCandidate, IndexInput } from '../../../rag/index/indexer.ts';
import type { SourceDocument } from '../../../rag/types.ts';
import { createNotionConnector, type NotionConnectorOptions } from '../../../connectors/notion/notion-connector.ts';
import { readFixture } from '../../helpers/fixture.ts';
import { block, property, startFakeNotion, type FakeNotion, type PageInput } from '../../fakes/fake-notion.ts';

// Notion pages rendered to Markdown through the real SDK against the fake: every block type the issue names,
// nested children across paginated responses, synced blocks, properties and metadata.

let fake: FakeNotion;

type RecordedBlock = { type: string } & Record<string, unknown>;

beforeAll(async () => {
  // Two results per response: every list below is paginated, at every nesting level.
  fake = await startFakeNotion({ maxPageSize: 2, workspaceName: 'Acme Corp' });
  fake.addUser('0000cafe-0000-4000-8000-000000000001', 'Ada Lovelace');
});
afterAll(() => fake.close());

let editedSeq = 0;
function addPage(input: PageInput): string {
  editedSeq += 1;
  return fake.addPage({ editedAt: new Date(Date.UTC(2024, 0, 1, 0, editedSeq)).toISOString(), ...input });
}

function connector(options: Partial<NotionConnectorOptions> = {}) {
  return createNotionConnector({ token: 'secret_fake', baseUrl: fake.url }, createLogger('silent'), {
    requestsPerSecond: 1000,
    retryBaseDelayMs: 1,
    ...options,
  });
}

function candidates(inputs: IndexInput[]): DocumentCandidate[] {
  return inputs.filter((input): input is DocumentCandidate => 'load' in input);
}

async function render(pageId: string, options: Partial<NotionConnectorOptions> = {}): Promise<SourceDocument> {
  const listing = await connector(options).list({ cursor: {}, full: true, signal: new AbortController().signal });
  const candidate = candidates(listing.inputs).find((c) => c.id === `notion:${pageId}`);
  if (!candidate) throw new Error(`page ${pageId} not listed`);
  return candidate.load();
}

describe('rendering Notion blocks to Markdown', () => {
  it('renders headings, paragraphs with inline formatting, and links', async () => {
    const id = addPage({
      title: 'Formatting',
      blocks: [
        block.heading(1, 'Getting started'),
        block.paragraph([
          { text: 'Run ' },
          { text: 'lore start', code: true },
          { text: ' then ' },
          { text: 'read the docs', bold: true, link: 'https://docs.example' },
          { text: ' (' },
          { text: 'gone', strikethrough: true },
          { text: ').' },
        ]),
        block.heading(2, 'Details'),
        block.heading(3, 'More'),
        block.paragraph([{ text: 'A ' }, { text: 'bad link', link: 'javascript:alert(1)' }, { text: ' stays text.' }]),
      ],
    });
    const doc = await render(id);
    expect(doc.text).toBe(
      [
        '# Getting started',
        'Run `lore start` then [**read the docs**](https://docs.example) (~~gone~~).',
        '## Details',
        '### More',
        'A bad link stays text.',
      ].join('\n\n'),
    );
    expect(doc.format).toBe('markdown');
  });

  it('renders nested bulleted, numbered and to-do lists with their nesting, across paginated children', async () => {
    const id = addPage({
      title: 'Lists',
      blocks: [
        block.bullet('Fruit', [block.bullet('Apple'), block.bullet('Pear', [block.bullet('Conference')]), block.bullet('Plum')]),
        block.bullet('Vegetables'),
        block.numbered('First'),
        block.numbered('Second', [block.numbered('Second point one')]),
        block.numbered('Third'),
        block.paragraph('Between lists.'),
        block.numbered('Again one'),
        block.todo('Ship it', true),
        block.todo('Write the changelog', false),
      ],
    });
    const doc = await render(id);
    expect(doc.text).toBe(
      [
        '- Fruit\n  - Apple\n  - Pear\n    - Conference\n  - Plum\n- Vegetables',
        '1. First\n2. Second\n   1. Second point one\n3. Third',
        'Between lists.',
        '1. Again one',
        '- [x] Ship it\n- [ ] Write the changelog',
      ].join('\n\n'),
    );
  });

  it('renders code, quotes, callouts, toggles, equations, dividers, bookmarks and tables', async () => {
    const id = addPage({
      title: 'Everything',
      blocks: [
        block.code('const fence = "```";\nconsole.log(fence);', 'typescript', 'Fences inside code'),
        block.quote('Simple is better.', [block.paragraph('— the Zen')]),
        block.callout('Back up the data directory first.', '⚠️'),
        block.toggle('How long are backups kept?', [block.paragraph('Thirty days.')]),
        block.equation('E = mc^2'),
        block.divider(),
        block.bookmark('https://example.com/guide', 'The guide'),
        block.table(
          [
            ['Plan', 'Seats'],
            ['Team', '10'],
            ['Pipe | char', 'many\nlines'],
          ],
          true,
        ),
        block.table([['a', 'b']], false),
        block.unsupported(),
      ],
    });
    const doc = await render(id);
    expect(doc.text).toBe(
      [
        '````typescript\nconst fence = "```";\nconsole.log(fence);\n````',
        'Fences inside code',
        '> Simple is better.\n>\n> — the Zen',
        '> ⚠️ Back up the data directory first.',
        '**How long are backups kept?**',
        'Thirty days.',
        '$$\nE = mc^2\n$$',
        '---',
        '[The guide](https://example.com/guide)',
        '| Plan | Seats |\n| --- | --- |\n| Team | 10 |\n| Pipe \\| char | many lines |',
        '|  |  |\n| --- | --- |\n| a | b |',
      ].join('\n\n'),
    );
  });

  it('links child pages and databases instead of inlining them, and flattens columns', async () => {
    const child = '0000c41d-0000-4000-8000-000000000001';
    const id = addPage({
      title: 'Parent',
      blocks: [
        block.columns([block.paragraph('Left column.')], [block.paragraph('Right column.')]),
        block.childPage(child, 'Child page'),
        block.childDatabase('0000d8d8-0000-4000-8000-000000000001', 'Tasks'),
      ],
    });
    addPage({ id: child, title: 'Child page', parent: { pageId: id }, blocks: [block.paragraph('Only in the child.')] });
    const parent = await render(id);
    expect(parent.text).toBe(
      [
        'Left column.',
        'Right column.',
        '[📄 Child page](https://www.notion.so/0000c41d000040008000000000000001)',
        '[🗂 Tasks](https://www.notion.so/0000d8d8000040008000000000000001)',
      ].join('\n\n'),
    );
    expect(parent.text).not.toContain('Only in the child');
    const childDoc = await render(child);
    expect(childDoc.text).toBe('Only in the child.');
    expect(childDoc.path).toBe('Parent / Child page');
    expect(childDoc.metadata).toMatchObject({ parent: 'Parent' });
  });

  it('resolves synced blocks to the original content and skips originals it cannot read', async () => {
    const original = '0000a11c-0000-4000-8000-000000000001';
    addPage({ title: 'Source of truth', blocks: [block.syncedOriginal(original, [block.paragraph('The on-call phone is 555-0100.')])] });
    const id = addPage({
      title: 'Copies',
      blocks: [
        block.paragraph('Before.'),
        block.syncedCopy(original),
        block.syncedCopy('0000dead-0000-4000-8000-000000000001'),
        block.paragraph('After.'),
      ],
    });
    const doc = await render(id);
    expect(doc.text).toBe(['Before.', 'The on-call phone is 555-0100.', 'After.'].join('\n\n'));
  });

  it('names uploaded files without their expiring URLs, so a re-render gives the same text', async () => {
    const id = addPage({
      title: 'Media',
      blocks: [block.uploadedImage('Architecture diagram'), block.externalImage('https://img.example/logo.png', 'Logo')],
    });
    const first = await render(id);
    const second = await render(id);
    expect(first.text).toBe(['[image: Architecture diagram]', '[Logo](https://img.example/logo.png)'].join('\n\n'));
    expect(second.text).toBe(first.text);
  });

  it('names an uploaded image or file without a caption or name by the file name in its URL', async () => {
    const image = readFixture<RecordedBlock>('notion/retrieve_block_image_file.json');
    const file = readFixture<RecordedBlock>('notion/retrieve_block_file.json');
    const unnamed = { ...file, file: { ...(file.file as Record<string, unknown>), name: '' } };
    const id = addPage({
      title: 'Uploads',
      blocks: [block.paragraph('See the diagram.'), block.recorded(image), block.recorded(file), block.recorded(unnamed), block.uploadedImage('')],
    });
    const first = await render(id);
    expect(first.text.split('\n\n')).toEqual([
      'See the diagram.',
      '[image: 1ea5da4c6b0b10c5ed42b763c162fcd9.png]',
      '[file: sample.txt]',
      '[file: sample.txt]',
      // An upload whose URL has no file name still leaves a trace of what stood there.
      expect.stringMatching(/^\[image: [0-9a-f-]+\]$/),
    ]);
    expect((await render(id)).text).toBe(first.text);
  });

  it('maps properties to text and metadata: title, URL, author, dates, tags, parent and workspace', async () => {
    const source = fake.addDataSource({ title: 'Incidents' });
    const id = addPage({
      title: 'Database outage',
      parent: { dataSourceId: source },
      createdBy: '0000cafe-0000-4000-8000-000000000001',
      createdAt: '2024-03-01T09:00:00.000Z',
      editedAt: '2024-03-02T10:00:00.000Z',
      properties: {
        Severity: property.select('SEV1'),
        Tags: property.multiSelect('database', 'postgres'),
        State: property.status('Resolved'),
        Summary: property.text('Primary ran out of disk.'),
        Minutes: property.number(42),
        Date: property.date('2024-03-01'),
        Public: property.checkbox(false),
      },
      blocks: [block.paragraph('Timeline follows.')],
    });
    const doc = await render(id);
    expect(doc).toMatchObject({
      id: `notion:${id}`,
      source: 'notion',
      title: 'Database outage',
      url: `https://www.notion.so/Database-outage-${id.replace(/-/g, '')}`,
      path: 'Incidents / Database outage',
      modifiedAt: '2024-03-02T10:00:00.000Z',
    });
    expect(doc.metadata).toEqual({
      author: 'Ada Lovelace',
      createdAt: '2024-03-01T09:00:00.000Z',
      tags: 'SEV1, database, postgres, Resolved',
      parent: 'Incidents',
      workspace: 'Acme Corp',
      notionId: id,
      kind: 'entry',
    });
    expect(doc.text).toBe(
      [
        '**Severity:** SEV1\n**Tags:** database, postgres\n**State:** Resolved\n**Summary:** Primary ran out of disk.\n**Minutes:** 42\n**Date:** 2024-03-01\n**Public:** no',
        'Timeline follows.',
      ].join('\n\n'),
    );
  });

  it('indexes a page that has only a title by its title', async () => {
    const id = addPage({ title: 'Empty stub' });
    expect((await render(id)).text).toBe('Empty stub');
  });

  it('refuses a page past the block limit with an error that says so', async () => {
    const id = addPage({ title: 'Huge', blocks: Array.from({ length: 6 }, (_, i) => block.paragraph(`Line ${i}`)) });
    await expect(render(id, { treeLimits: { maxBlocks: 5, maxDepth: 10 } })).rejects.toThrow(/more than 5 blocks/);
    const deep = addPage({ title: 'Deep', blocks: [block.bullet('1', [block.bullet('2', [block.bullet('3', [block.bullet('4')])])])] });
    await expect(render(deep, { treeLimits: { maxBlocks: 100, maxDepth: 2 } })).rejects.toThrow(/nested more than 2 levels/);
  });
});
