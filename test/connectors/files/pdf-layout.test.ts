import { describe, expect, it } from 'vitest';
import { type LayoutBlock, layoutPages as layoutPlaced, type PlacedText } from '../../../connectors/files/pdf-layout.ts';

/** Letter-size pages. */
function layoutPages(pages: PlacedText[][]): LayoutBlock[][] {
  return layoutPlaced(pages.map((runs) => ({ runs, bottom: 0, top: 792 })));
}

/** A line as pdf.js gives it: one run, about half an em per character, ending the line. */
function line(str: string, y: number, options: { x?: number; size?: number; font?: string; mono?: boolean } = {}): PlacedText {
  const size = options.size ?? 10;
  const mono = options.mono ?? false;
  return {
    str,
    x: options.x ?? 50,
    y,
    size,
    width: str.length * size * (mono ? 0.6 : 0.5),
    hasEOL: true,
    font: options.font ?? (mono ? 'mono' : 'body'),
    mono,
  };
}

/** Each block as one string: `#` marks for headings, a `>` for an indented paragraph, fences for code. */
function shown(blocks: readonly LayoutBlock[] | undefined): string[] {
  return (blocks ?? []).map((block) => {
    if (block.kind === 'heading') return `${'#'.repeat(block.level)} ${block.text}`;
    if (block.kind === 'code') return `\`\`\`\n${block.lines.join('\n')}\n\`\`\``;
    const text = block.lines.map((parts) => parts.map((p) => (p.code ? `\`${p.text}\`` : p.text)).join('')).join('\n');
    return block.indented ? `> ${text}` : text;
  });
}

// Body text at 10 pt with 12 pt between lines; a full line runs out to x = 300.
const FULL = 'x'.repeat(50);

describe('reading a PDF page as paragraphs and headings', () => {
  it('sets paragraphs apart where the spacing widens, and keeps a paragraph’s lines together', () => {
    const [page] = layoutPages([
      [
        line('Parental leave is twelve weeks of paid leave xxxxx', 700),
        line('for the birth or adoption of a child.', 688),
        line('Employees must agree to keep working for twelve', 670),
        line('weeks after the leave ends.', 658),
      ],
    ]);
    expect(shown(page)).toEqual([
      'Parental leave is twelve weeks of paid leave xxxxx\nfor the birth or adoption of a child.',
      'Employees must agree to keep working for twelve\nweeks after the leave ends.',
    ]);
  });

  it('makes text set larger than the body a heading ranked by its size, a wrapped heading one line', () => {
    const [page] = layoutPages([
      [
        line('Leave', 740, { size: 20 }),
        line('Compensatory time, depending on', 700, { size: 16 }),
        line('your salary level', 682, { size: 16 }),
        line('Comp time is leave instead of overtime pay and it', 660),
        line('expires one year after it is earned.', 648),
      ],
    ]);
    expect(shown(page)).toEqual([
      '# Leave',
      '## Compensatory time, depending on your salary level',
      'Comp time is leave instead of overtime pay and it\nexpires one year after it is earned.',
    ]);
  });

  it('makes a lone line in the body’s size but a bold face the lowest heading, not a bold sentence', () => {
    const [page] = layoutPages([
      [
        line('Travel', 740, { size: 16 }),
        line('Receipts', 710, { font: 'bold' }),
        line('Keep every receipt over $75 for six years after the trip ends.', 692),
        line('Lodging is always paid by the traveller first.', 674, { font: 'bold' }),
      ],
    ]);
    expect(shown(page)).toEqual([
      '# Travel',
      '## Receipts',
      'Keep every receipt over $75 for six years after the trip ends.',
      'Lodging is always paid by the traveller first.',
    ]);
  });

  it('starts a new block at an outdented line, so each written bullet is its own item', () => {
    const [page] = layoutPages([
      [
        line('• Revoke the key in the console within one', 700),
        line('hour of finding it.', 688, { x: 60 }),
        line('• Email the incident response team.', 676),
      ],
    ]);
    expect(shown(page)).toEqual(['• Revoke the key in the console within one\nhour of finding it.', '• Email the incident response team.']);
  });

  it('reads an indented run whose bullets are drawn as items, one per finished sentence at a line’s end, however much of the page they fill', () => {
    const [page] = layoutPages([
      [
        line(FULL, 700),
        line('Rules:', 688),
        line('Change the passcode. It must be longer than 14', 676, { x: 70 }),
        line('characters.', 664, { x: 70 }),
        line('Activate Find My iPhone.', 652, { x: 70 }),
      ],
    ]);
    expect(shown(page)).toEqual([`${FULL}\nRules:`, '> Change the passcode. It must be longer than 14\ncharacters.', '> Activate Find My iPhone.']);
  });

  it('ends a paragraph at a finished sentence on a short line, and at a first-line indent', () => {
    const [page] = layoutPages([
      [
        line(FULL, 700),
        line('The guest network is GSA Guest.', 688),
        line('The password changes every month and the front desk', 676),
        line('posts it at reception', 664),
        line('in the lobby.', 652),
        line('An indented paragraph opens here and', 640, { x: 56 }),
        line('runs on.', 628),
      ],
    ]);
    expect(shown(page)).toEqual([
      `${FULL}\nThe guest network is GSA Guest.`,
      'The password changes every month and the front desk\nposts it at reception\nin the lobby.',
      'An indented paragraph opens here and\nruns on.',
    ]);
  });

  it('keeps code together with its indentation and blank lines, and marks code inside prose', () => {
    const [page] = layoutPages([
      [
        { str: 'Install ', x: 50, y: 700, size: 10, width: 40, hasEOL: false, font: 'body' },
        { str: 'ws', x: 90, y: 700, size: 9, width: 11, hasEOL: false, font: 'mono', mono: true },
        { str: ' first.', x: 101, y: 700, size: 10, width: 30, hasEOL: true, font: 'body' },
        line('app.use(', 680, { size: 9, mono: true }),
        line('cors(),', 669, { size: 9, mono: true, x: 50 + 2 * 5.4 }),
        line(')', 658, { size: 9, mono: true }),
        line('serve(app)', 636, { size: 9, mono: true }),
      ],
    ]);
    expect(shown(page)).toEqual(['Install `ws` first.', '```\napp.use(\n  cors(),\n)\n\nserve(app)\n```']);
  });

  it('reads runs a hostile or odd file places oddly (mirrored, no size, no width) without failing', () => {
    const mirrored: PlacedText[] = [
      line('The body of the page, set in its usual type.', 720),
      { str: 'mirrored()', x: 300, y: 700, size: 9, width: -60, hasEOL: true, font: 'mono', mono: true },
      { str: 'next()', x: 200, y: 689, size: 9, width: -36, hasEOL: true, font: 'mono', mono: true },
    ];
    expect(shown(layoutPages([mirrored])[0])).toEqual(['The body of the page, set in its usual type.', '```\nmirrored()\nnext()\n```']);
    const unsized: PlacedText[] = [{ str: 'no size', x: Number.NaN, y: 600, size: 0, width: 0, hasEOL: true }];
    expect(() => layoutPages([unsized, []])).not.toThrow();
  });

  it('starts a new line at a run placed on another line that pdf.js did not mark', () => {
    const runs: PlacedText[] = [
      { str: 'Figure 2: deadlines', x: 50, y: 300, size: 8, width: 60, hasEOL: false },
      { str: 'The deadline is in March.', x: 50, y: 700, size: 10, width: 120, hasEOL: true },
    ];
    expect(shown(layoutPages([runs])[0])).toEqual(['Figure 2: deadlines', 'The deadline is in March.']);
  });

  it('puts a space between runs set apart on one line, as table cells are', () => {
    const runs: PlacedText[] = [
      { str: 'Annual leave', x: 50, y: 700, size: 10, width: 60, hasEOL: false },
      { str: '13 days', x: 200, y: 700, size: 10, width: 35, hasEOL: true },
    ];
    expect(shown(layoutPages([runs])[0])).toEqual(['Annual leave 13 days']);
  });

  it('leaves out the running head, date, address and page number printed in the page margins', () => {
    const [page] = layoutPages([
      [
        line('12/8/26, 1:36 AM Routers | hono', 770, { size: 8 }),
        line('Routers', 720, { size: 16 }),
        line('Hono uses the SmartRouter by default.', 690),
        line('file:///docs/routers.html 1/2', 17, { size: 8 }),
      ],
    ]);
    expect(shown(page)).toEqual(['# Routers', 'Hono uses the SmartRouter by default.']);
  });

  it('keeps what a page printed without margins runs into them: code, and text at the usual spacing', () => {
    const [page] = layoutPages([
      [
        line('The options are these.', 60),
        line('export interface Options {', 40, { size: 9, mono: true }),
        line('dir?: string', 29, { size: 9, mono: true, x: 50 + 2 * 5.4 }),
        line('}', 18, { size: 9, mono: true }),
      ],
    ]);
    expect(shown(page)).toEqual(['The options are these.', '```\nexport interface Options {\n  dir?: string\n}\n```']);
  });

  it('carries code and a sentence over a page break onto the page they started on', () => {
    const pages = layoutPages([
      [line('Employees must agree to keep working for twelve', 100), line('app.use(', 80, { size: 9, mono: true })],
      [line('cors(),', 700, { size: 9, mono: true, x: 50 + 2 * 5.4 }), line(')', 689, { size: 9, mono: true }), line('Next.', 670)],
    ]);
    expect(pages.map(shown)).toEqual([['Employees must agree to keep working for twelve', '```\napp.use(\n  cors(),\n)\n```'], ['Next.']]);
    const sentence = layoutPages([
      [line(FULL, 112), line('Employees must agree to keep working for twelve', 100)],
      [line('weeks after the leave ends.', 700)],
    ]);
    expect(sentence.map(shown)).toEqual([[`${FULL}\nEmployees must agree to keep working for twelve\nweeks after the leave ends.`], []]);
  });

  it('measures the body over the whole document, so a page holding only a heading reads as one', () => {
    const pages = layoutPages([
      [line('Appendix', 700, { size: 16 }), line('continued', 682, { size: 16 })],
      [line('Travel receipts over $75 must be kept for six', 700), line('years after the trip.', 688)],
    ]);
    expect(pages.map(shown)).toEqual([['# Appendix continued'], ['Travel receipts over $75 must be kept for six\nyears after the trip.']]);
  });

  it('keeps a double-spaced paragraph together, its full lines showing the spacing is the line’s', () => {
    const [page] = layoutPages([[line(FULL, 700), line(FULL, 676), line('the end of it.', 652), line('Next paragraph.', 610)]]);
    expect(shown(page)).toEqual([`${FULL}\n${FULL}\nthe end of it.`, 'Next paragraph.']);
  });

  it('reads a document of one-line paragraphs by the size its type is set at', () => {
    const [page] = layoutPages([[line('First point.', 700), line('Second point.', 680), line('Third point.', 660)]]);
    expect(shown(page)).toEqual(['First point.', 'Second point.', 'Third point.']);
  });
});
